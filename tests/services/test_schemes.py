"""Publishing and withdrawing technical schemes (benchmarking.services.schemes)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from benchmarking.choices import SchemeStatus
from benchmarking.models import TechnicalScheme
from benchmarking.services.errors import WorkflowError
from benchmarking.services.schemes import scheme_publish, scheme_withdraw
from tests.factories import IndicatorFactory, SchemeFactory, UserFactory

SH = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2024, 3, 15, 10, 30, tzinfo=SH)


@pytest.fixture
def draft_scheme(db):
    scheme = SchemeFactory()
    IndicatorFactory(scheme=scheme, name="保温效能")
    return scheme


@pytest.fixture
def published_scheme(draft_scheme, bureau_staff):
    return scheme_publish(scheme=draft_scheme, actor=bureau_staff, at=T0)


def state(scheme) -> tuple:
    fresh = TechnicalScheme.objects.get(pk=scheme.pk)
    return (fresh.status, fresh.published_at, fresh.withdrawn_at, fresh.withdraw_reason)


def assert_refused(move, *, scheme, code: str, contains: str) -> None:
    before = state(scheme)
    with pytest.raises(WorkflowError) as excinfo:
        move()
    assert excinfo.value.code == code
    assert contains in " ".join(excinfo.value.messages)
    assert state(scheme) == before


# ---------------------------------------------------------------------------
# the moves
# ---------------------------------------------------------------------------


def test_bureau_staff_publish_a_draft(draft_scheme, bureau_staff):
    result = scheme_publish(scheme=draft_scheme, actor=bureau_staff, at=T0)
    draft_scheme.refresh_from_db()
    assert result.status == draft_scheme.status == SchemeStatus.PUBLISHED
    assert draft_scheme.published_at == T0
    assert draft_scheme.withdrawn_at is None
    assert draft_scheme.withdraw_reason == ""


def test_publish_defaults_to_now(draft_scheme, bureau_staff):
    before = dt.datetime.now(tz=SH)
    scheme_publish(scheme=draft_scheme, actor=bureau_staff)
    draft_scheme.refresh_from_db()
    assert before <= draft_scheme.published_at <= dt.datetime.now(tz=SH)


def test_bureau_staff_withdraw_a_published_scheme_with_reason(published_scheme, bureau_staff):
    at = T0 + dt.timedelta(days=90)
    scheme_withdraw(scheme=published_scheme, actor=bureau_staff, reason="  对标标准已换版 ", at=at)
    published_scheme.refresh_from_db()
    assert published_scheme.status == SchemeStatus.WITHDRAWN
    assert published_scheme.published_at == T0  # kept: it counted until withdrawn
    assert published_scheme.withdrawn_at == at
    assert published_scheme.withdraw_reason == "对标标准已换版"


def test_superuser_without_a_role_counts_as_bureau_staff(draft_scheme):
    admin = UserFactory(is_superuser=True, is_staff=True)
    scheme_publish(scheme=draft_scheme, actor=admin, at=T0)
    draft_scheme.refresh_from_db()
    assert draft_scheme.status == SchemeStatus.PUBLISHED


# ---------------------------------------------------------------------------
# refused
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["branch_staff", "manager", "enterprise_user"])
def test_only_bureau_staff_may_publish(draft_scheme, who, request):
    actor = request.getfixturevalue(who)
    assert_refused(
        lambda: scheme_publish(scheme=draft_scheme, actor=actor, at=T0),
        scheme=draft_scheme,
        code="not_allowed",
        contains="只有市局工作人员可以发布或撤销技术方案",
    )


@pytest.mark.parametrize("who", ["branch_staff", "manager", "enterprise_user"])
def test_only_bureau_staff_may_withdraw(published_scheme, who, request):
    actor = request.getfixturevalue(who)
    assert_refused(
        lambda: scheme_withdraw(scheme=published_scheme, actor=actor, reason="越权尝试"),
        scheme=published_scheme,
        code="not_allowed",
        contains="只有市局工作人员可以发布或撤销技术方案",
    )


def test_anonymous_user_refused(draft_scheme):
    assert_refused(
        lambda: scheme_publish(scheme=draft_scheme, actor=AnonymousUser()),
        scheme=draft_scheme,
        code="not_allowed",
        contains="只有市局工作人员",
    )


def test_scheme_without_indicators_cannot_be_published(bureau_staff):
    empty = SchemeFactory()
    assert_refused(
        lambda: scheme_publish(scheme=empty, actor=bureau_staff, at=T0),
        scheme=empty,
        code="no_indicators",
        contains="至少要有一项关键指标",
    )


@pytest.mark.parametrize("reason", ["", "   ", "\n　"])
def test_withdraw_needs_a_reason(published_scheme, bureau_staff, reason):
    assert_refused(
        lambda: scheme_withdraw(scheme=published_scheme, actor=bureau_staff, reason=reason),
        scheme=published_scheme,
        code="reason_required",
        contains="撤销方案必须填写理由",
    )


def test_publishing_a_published_scheme_refused(published_scheme, bureau_staff):
    assert_refused(
        lambda: scheme_publish(scheme=published_scheme, actor=bureau_staff, at=T0 + dt.timedelta(days=1)),
        scheme=published_scheme,
        code="illegal_transition",
        contains="“已发布”状态的方案不能发布",
    )


def test_withdrawing_a_draft_refused(draft_scheme, bureau_staff):
    assert_refused(
        lambda: scheme_withdraw(scheme=draft_scheme, actor=bureau_staff, reason="误建"),
        scheme=draft_scheme,
        code="illegal_transition",
        contains="“草稿”状态的方案不能撤销",
    )


def test_withdrawn_scheme_can_be_neither_republished_nor_withdrawn_again(published_scheme, bureau_staff):
    scheme_withdraw(scheme=published_scheme, actor=bureau_staff, reason="换版", at=T0 + dt.timedelta(days=1))
    assert_refused(
        lambda: scheme_publish(scheme=published_scheme, actor=bureau_staff),
        scheme=published_scheme,
        code="illegal_transition",
        contains="“已撤销”状态的方案不能发布",
    )
    assert_refused(
        lambda: scheme_withdraw(scheme=published_scheme, actor=bureau_staff, reason="再撤"),
        scheme=published_scheme,
        code="illegal_transition",
        contains="“已撤销”状态的方案不能撤销",
    )


def test_withdrawal_dated_before_publication_refused(published_scheme, bureau_staff):
    before = state(published_scheme)
    with pytest.raises(ValidationError) as excinfo:
        scheme_withdraw(
            scheme=published_scheme, actor=bureau_staff, reason="换版", at=T0 - dt.timedelta(days=1)
        )
    assert "撤销时间不能早于发布时间" in " ".join(excinfo.value.messages)
    assert state(published_scheme) == before


def test_a_move_cannot_be_dated_in_the_future(bureau_staff):
    from django.utils import timezone

    scheme = SchemeFactory(code="YKDB-FUTURE-1")
    IndicatorFactory(scheme=scheme)
    with pytest.raises(WorkflowError, match="不能晚于当前时间"):
        scheme_publish(scheme=scheme, actor=bureau_staff, at=timezone.now() + dt.timedelta(days=1))
    scheme.refresh_from_db()
    assert scheme.published_at is None
