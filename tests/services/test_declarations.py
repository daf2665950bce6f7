"""The declaration workflow (benchmarking.services.declarations): each move, who may make it,
the event row it writes, and every illegal move refused without a trace."""

import datetime as dt
import threading
import time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from benchmarking.choices import DeclarationStatus, Direction, Grade, Role
from benchmarking.models import Declaration, DeclarationAction, DeclarationEvent, DeclarationItem
from benchmarking.services import declarations as services
from benchmarking.services.declarations import (
    declaration_create,
    declaration_override_grade,
    declaration_publish,
    declaration_return,
    declaration_submit,
    declaration_update,
    declaration_withdraw,
)
from benchmarking.services.errors import WorkflowError
from tests.factories import IndicatorFactory, SchemeFactory, make_user

SH = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2024, 5, 6, 9, 0, tzinfo=SH)
S = DeclarationStatus


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def ids(scheme) -> dict[str, int]:
    """Indicator id by name, for the conftest scheme (保温效能, 铅迁移量, 外观)."""
    return {indicator.name: indicator.pk for indicator in scheme.indicators.all()}


def all_better(scheme) -> dict[int, object]:
    i = ids(scheme)
    return {i["保温效能"]: Decimal("15"), i["铅迁移量"]: Decimal("0.005"), i["外观"]: True}


def state(declaration) -> dict:
    """Everything a refused move must leave untouched, read fresh from the database."""
    fresh = Declaration.objects.get(pk=declaration.pk)
    return {
        "status": fresh.status,
        "submitted_at": fresh.submitted_at,
        "published_at": fresh.published_at,
        "withdrawn_at": fresh.withdrawn_at,
        "declared_on": fresh.declared_on,
        "product_model": fresh.product_model,
        "grade": fresh.grade,
        "computed_grade": fresh.computed_grade,
        "override_grade": fresh.override_grade,
        "override_reason": fresh.override_reason,
        "items": list(
            fresh.items.order_by("indicator_id").values_list("indicator_id", "value", "passed", "comparison")
        ),
        "events": list(fresh.events.order_by("id").values_list("id", "action", "from_status", "to_status")),
    }


def assert_refused(move, *, declaration, code: str, contains: tuple[str, ...]) -> WorkflowError:
    """``move()`` raises a WorkflowError with ``code`` whose message has every phrase of
    ``contains``, and leaves the declaration and its history exactly as they were."""
    before = state(declaration)
    events_before = DeclarationEvent.objects.count()
    with pytest.raises(WorkflowError) as excinfo:
        move()
    error = excinfo.value
    message = " ".join(error.messages)
    assert error.code == code, message
    for phrase in contains:
        assert phrase in message
    assert state(declaration) == before
    assert DeclarationEvent.objects.count() == events_before
    return error


def last_event(declaration) -> DeclarationEvent:
    return declaration.events.order_by("-id").first()


def new_declaration(actor, enterprise, scheme, standard, *, model="YK-500", values=None, at=T0):
    return declaration_create(
        actor=actor,
        enterprise=enterprise,
        scheme=scheme,
        product_name="不锈钢真空保温杯",
        product_model=model,
        executed_standard=standard,
        values=values,
        at=at,
    )


@pytest.fixture
def draft(enterprise_user, enterprise, scheme, executed_standard):
    return new_declaration(enterprise_user, enterprise, scheme, executed_standard, values=all_better(scheme))


@pytest.fixture
def submitted(draft, enterprise_user):
    return declaration_submit(declaration=draft, actor=enterprise_user, at=T0 + dt.timedelta(hours=1))


@pytest.fixture
def published(submitted, bureau_staff):
    return declaration_publish(declaration=submitted, actor=bureau_staff, at=T0 + dt.timedelta(days=1))


@pytest.fixture
def returned(submitted, branch_staff):
    return declaration_return(
        declaration=submitted, actor=branch_staff, comment="检测报告缺少盖章页", at=T0 + dt.timedelta(days=1)
    )


# ---------------------------------------------------------------------------
# create
# ---------------------------------------------------------------------------


def test_create_starts_a_draft_with_one_item_per_indicator(
    enterprise_user, enterprise, scheme, executed_standard
):
    declaration = new_declaration(enterprise_user, enterprise, scheme, executed_standard)

    declaration.refresh_from_db()
    assert declaration.status == S.DRAFT
    assert declaration.entered_on_paper is False
    assert declaration.created_by == enterprise_user
    assert (declaration.submitted_at, declaration.published_at, declaration.withdrawn_at) == (
        None,
        None,
        None,
    )
    items = list(declaration.items.all())
    assert sorted(item.indicator_id for item in items) == sorted(ids(scheme).values())
    assert all(item.value is None and item.passed is None and item.comparison == "" for item in items)
    assert declaration.grade == declaration.computed_grade == ""  # nothing to grade yet

    [event] = declaration.events.all()
    assert (event.action, event.from_status, event.to_status) == (DeclarationAction.CREATE, "", S.DRAFT)
    assert event.actor == enterprise_user
    assert event.at == T0
    assert event.comment == ""


def test_create_with_values_computes_each_comparison_and_the_grade(
    enterprise_user, enterprise, scheme, executed_standard
):
    i = ids(scheme)
    values = {i["保温效能"]: Decimal("15"), i["铅迁移量"]: Decimal("0.01"), i["外观"]: False}
    declaration = new_declaration(enterprise_user, enterprise, scheme, executed_standard, values=values)

    comparisons = dict(declaration.items.values_list("indicator__name", "comparison"))
    assert comparisons == {"保温效能": "better", "铅迁移量": "equal", "外观": "fail"}
    declaration.refresh_from_db()
    # Core: one better, one equal -> all meet, half strictly better; the failed 外观 is not core.
    assert declaration.computed_grade == declaration.grade == Grade.LEADING


def test_update_recomputes_the_grade(draft, enterprise_user, scheme):
    i = ids(scheme)
    declaration_update(declaration=draft, actor=enterprise_user, values={i["保温效能"]: Decimal("11")})
    draft.refresh_from_db()
    assert draft.items.get(indicator_id=i["保温效能"]).comparison == "worse"
    assert draft.computed_grade == draft.grade == Grade.AVERAGE  # one of two core indicators meets


def test_create_by_another_enterprise_user_refused(
    other_enterprise_user, enterprise, scheme, executed_standard
):
    with pytest.raises(WorkflowError) as excinfo:
        new_declaration(other_enterprise_user, enterprise, scheme, executed_standard)
    assert excinfo.value.code == "not_allowed"
    assert "无权为该企业录入声明" in excinfo.value.messages[0]
    assert not Declaration.objects.exists()


def test_create_by_a_manager_refused(manager, enterprise, scheme, executed_standard):
    with pytest.raises(WorkflowError) as excinfo:
        new_declaration(manager, enterprise, scheme, executed_standard)
    assert excinfo.value.code == "not_allowed"
    assert not Declaration.objects.exists()


def test_create_against_a_draft_scheme_refused(enterprise_user, enterprise, executed_standard):
    draft_scheme = SchemeFactory(code="YKDB-T-9001")
    IndicatorFactory(scheme=draft_scheme)
    with pytest.raises(WorkflowError) as excinfo:
        new_declaration(enterprise_user, enterprise, draft_scheme, executed_standard)
    assert excinfo.value.code == "scheme_not_published"
    message = excinfo.value.messages[0]
    assert "只能对已发布的技术方案作出声明" in message
    assert "YKDB-T-9001" in message
    assert "草稿" in message
    assert not Declaration.objects.exists()
    assert not DeclarationEvent.objects.exists()


def test_second_declaration_for_same_product_model_refused_with_the_unique_message(
    draft, enterprise_user, enterprise, scheme, executed_standard
):
    events_before = DeclarationEvent.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        # The same model typed with stray spaces is the same model.
        new_declaration(enterprise_user, enterprise, scheme, executed_standard, model="  YK-500 ")
    assert any("已就此技术方案为同一产品型号作出声明" in m for m in excinfo.value.messages)
    assert list(Declaration.objects.values_list("pk", flat=True)) == [draft.pk]
    assert DeclarationEvent.objects.count() == events_before


def test_same_product_model_may_be_declared_again_after_withdrawal(
    published, bureau_staff, enterprise_user, enterprise, scheme, executed_standard
):
    declaration_withdraw(declaration=published, actor=bureau_staff, comment="检测数据有误，撤回重报")
    again = new_declaration(enterprise_user, enterprise, scheme, executed_standard, values=all_better(scheme))
    assert again.pk != published.pk
    assert again.status == S.DRAFT
    assert (
        Declaration.objects.filter(enterprise=enterprise, scheme=scheme, product_model="YK-500").count() == 2
    )


def test_a_different_product_model_is_a_separate_declaration(
    draft, enterprise_user, enterprise, scheme, executed_standard
):
    other = new_declaration(enterprise_user, enterprise, scheme, executed_standard, model="YK-600")
    assert other.pk != draft.pk


# ---------------------------------------------------------------------------
# submit / publish / return / resubmit / withdraw
# ---------------------------------------------------------------------------


def test_submit_by_the_enterprise_user(draft, enterprise_user):
    at = T0 + dt.timedelta(hours=2)
    result = declaration_submit(declaration=draft, actor=enterprise_user, comment=" 请审核 ", at=at)

    draft.refresh_from_db()
    assert result.status == draft.status == S.SUBMITTED
    assert draft.submitted_at == at
    assert draft.declared_on == dt.date(2024, 5, 6)  # Shanghai date of the submission
    assert draft.published_at is None
    event = last_event(draft)
    assert (event.action, event.from_status, event.to_status) == (
        DeclarationAction.SUBMIT,
        S.DRAFT,
        S.SUBMITTED,
    )
    assert event.actor == enterprise_user
    assert event.at == at
    assert event.comment == "请审核"
    assert draft.events.count() == 2


@pytest.mark.parametrize("reviewer", ["branch_staff", "bureau_staff"])
def test_publish_by_staff(submitted, reviewer, request):
    actor = request.getfixturevalue(reviewer)
    at = T0 + dt.timedelta(days=2)
    declaration_publish(declaration=submitted, actor=actor, comment="材料齐全", at=at)

    submitted.refresh_from_db()
    assert submitted.status == S.PUBLISHED
    assert submitted.published_at == at
    assert submitted.withdrawn_at is None
    event = last_event(submitted)
    assert (event.action, event.from_status, event.to_status) == (
        DeclarationAction.PUBLISH,
        S.SUBMITTED,
        S.PUBLISHED,
    )
    assert (event.actor, event.at, event.comment) == (actor, at, "材料齐全")


def test_return_with_reason(submitted, branch_staff):
    at = T0 + dt.timedelta(days=1)
    declaration_return(declaration=submitted, actor=branch_staff, comment="  检测报告缺少盖章页 ", at=at)

    submitted.refresh_from_db()
    assert submitted.status == S.RETURNED
    assert submitted.published_at is None
    event = last_event(submitted)
    assert (event.action, event.from_status, event.to_status) == (
        DeclarationAction.RETURN,
        S.SUBMITTED,
        S.RETURNED,
    )
    assert (event.actor, event.at, event.comment) == (branch_staff, at, "检测报告缺少盖章页")


def test_enterprise_edits_and_resubmits_after_return(returned, enterprise_user, scheme):
    i = ids(scheme)
    declaration_update(
        declaration=returned,
        actor=enterprise_user,
        product_name="真空保温杯（改）",
        values={i["保温效能"]: Decimal("16")},
    )
    at = T0 + dt.timedelta(days=3)
    declaration_submit(declaration=returned, actor=enterprise_user, comment="已补盖章页", at=at)

    returned.refresh_from_db()
    assert returned.status == S.SUBMITTED
    assert returned.submitted_at == at
    assert returned.product_name == "真空保温杯（改）"
    assert returned.items.get(indicator_id=i["保温效能"]).value == Decimal("16")
    history = list(returned.events.order_by("at", "id").values_list("action", "from_status", "to_status"))
    assert history == [
        (DeclarationAction.CREATE, "", S.DRAFT),
        (DeclarationAction.SUBMIT, S.DRAFT, S.SUBMITTED),
        (DeclarationAction.RETURN, S.SUBMITTED, S.RETURNED),
        (DeclarationAction.SUBMIT, S.RETURNED, S.SUBMITTED),
    ]


def test_withdraw_with_reason(published, bureau_staff):
    at = T0 + dt.timedelta(days=30)
    declaration_withdraw(declaration=published, actor=bureau_staff, comment="企业申请更正数据", at=at)

    published.refresh_from_db()
    assert published.status == S.WITHDRAWN
    assert published.withdrawn_at == at
    assert published.published_at == T0 + dt.timedelta(days=1)  # kept: it counted until withdrawn
    event = last_event(published)
    assert (event.action, event.from_status, event.to_status) == (
        DeclarationAction.WITHDRAW,
        S.PUBLISHED,
        S.WITHDRAWN,
    )
    assert (event.actor, event.at, event.comment) == (bureau_staff, at, "企业申请更正数据")


@pytest.mark.parametrize("clerk", ["branch_staff", "bureau_staff"])
def test_paper_declaration_entered_by_staff_may_be_published_from_draft(
    clerk, request, enterprise, scheme, executed_standard
):
    actor = request.getfixturevalue(clerk)
    declaration = new_declaration(actor, enterprise, scheme, executed_standard, values=all_better(scheme))
    assert declaration.entered_on_paper is True
    at = T0 + dt.timedelta(hours=3)
    declaration_publish(declaration=declaration, actor=actor, at=at)

    declaration.refresh_from_db()
    assert declaration.status == S.PUBLISHED
    assert declaration.published_at == at
    assert declaration.created_by == actor
    history = list(
        declaration.events.order_by("id").values_list("action", "from_status", "to_status", "actor")
    )
    assert history == [
        (DeclarationAction.CREATE, "", S.DRAFT, actor.pk),
        (DeclarationAction.PUBLISH, S.DRAFT, S.PUBLISHED, actor.pk),
    ]
    assert declaration.events.get(action=DeclarationAction.CREATE).comment == "纸质申报代录"


def test_staff_may_submit_on_the_enterprise_behalf(draft, branch_staff):
    declaration_submit(declaration=draft, actor=branch_staff)
    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED
    assert last_event(draft).actor == branch_staff


# ---------------------------------------------------------------------------
# illegal moves: refused, nothing changed, no event written
# ---------------------------------------------------------------------------


def test_enterprise_user_cannot_publish_its_own_declaration(submitted, enterprise_user):
    assert_refused(
        lambda: declaration_publish(declaration=submitted, actor=enterprise_user),
        declaration=submitted,
        code="not_allowed",
        contains=("企业用户不能发布自己的声明", "审核"),
    )


def test_enterprise_user_cannot_publish_its_own_draft_either(draft, enterprise_user):
    assert_refused(
        lambda: declaration_publish(declaration=draft, actor=enterprise_user),
        declaration=draft,
        code="not_allowed",
        contains=("企业用户不能发布自己的声明",),
    )


def test_another_enterprise_user_cannot_submit(draft, other_enterprise_user):
    assert_refused(
        lambda: declaration_submit(declaration=draft, actor=other_enterprise_user),
        declaration=draft,
        code="not_allowed",
        contains=("您无权提交该声明",),
    )


def test_manager_cannot_publish(submitted, manager):
    assert_refused(
        lambda: declaration_publish(declaration=submitted, actor=manager),
        declaration=submitted,
        code="not_allowed",
        contains=("您无权发布该声明",),
    )


def test_branch_staff_of_another_office_cannot_publish(submitted, other_branch_staff):
    assert_refused(
        lambda: declaration_publish(declaration=submitted, actor=other_branch_staff),
        declaration=submitted,
        code="not_allowed",
        contains=("您无权发布该声明",),
    )


def test_branch_staff_without_an_office_cannot_publish(submitted):
    homeless = make_user(Role.BRANCH_STAFF, username="branch_no_office")
    assert_refused(
        lambda: declaration_publish(declaration=submitted, actor=homeless),
        declaration=submitted,
        code="not_allowed",
        contains=("您无权发布该声明",),
    )


@pytest.mark.parametrize("reason", ["", "   ", "\n\t　"])
def test_return_needs_a_reason(submitted, branch_staff, reason):
    assert_refused(
        lambda: declaration_return(declaration=submitted, actor=branch_staff, comment=reason),
        declaration=submitted,
        code="reason_required",
        contains=("退回声明必须填写理由",),
    )


@pytest.mark.parametrize("reason", ["", "   ", "\n\t　"])
def test_withdraw_needs_a_reason(published, bureau_staff, reason):
    assert_refused(
        lambda: declaration_withdraw(declaration=published, actor=bureau_staff, comment=reason),
        declaration=published,
        code="reason_required",
        contains=("撤回声明必须填写理由",),
    )


def test_withdrawing_a_draft_refused(draft, bureau_staff):
    assert_refused(
        lambda: declaration_withdraw(declaration=draft, actor=bureau_staff, comment="误操作"),
        declaration=draft,
        code="illegal_transition",
        contains=("“草稿”状态的声明不能撤回",),
    )


def test_withdrawing_a_submitted_one_refused(submitted, bureau_staff):
    assert_refused(
        lambda: declaration_withdraw(declaration=submitted, actor=bureau_staff, comment="误操作"),
        declaration=submitted,
        code="illegal_transition",
        contains=("“已提交”状态的声明不能撤回",),
    )


def test_publishing_a_returned_one_refused(returned, bureau_staff):
    assert_refused(
        lambda: declaration_publish(declaration=returned, actor=bureau_staff),
        declaration=returned,
        code="illegal_transition",
        contains=("“已退回”状态的声明不能发布",),
    )


def test_publishing_an_enterprise_draft_directly_refused(draft, bureau_staff):
    # Only a paper declaration that staff entered may skip the enterprise's submission.
    assert_refused(
        lambda: declaration_publish(declaration=draft, actor=bureau_staff),
        declaration=draft,
        code="illegal_transition",
        contains=("“草稿”状态的声明不能发布",),
    )


def test_publishing_twice_refused(published, bureau_staff):
    assert_refused(
        lambda: declaration_publish(declaration=published, actor=bureau_staff),
        declaration=published,
        code="illegal_transition",
        contains=("“已发布”状态的声明不能发布",),
    )


def test_returning_a_published_one_refused(published, bureau_staff):
    assert_refused(
        lambda: declaration_return(declaration=published, actor=bureau_staff, comment="再看看"),
        declaration=published,
        code="illegal_transition",
        contains=("“已发布”状态的声明不能退回",),
    )


def test_resubmitting_a_withdrawn_one_refused(published, bureau_staff, enterprise_user):
    declaration_withdraw(declaration=published, actor=bureau_staff, comment="数据有误")
    assert_refused(
        lambda: declaration_submit(declaration=published, actor=enterprise_user),
        declaration=published,
        code="illegal_transition",
        contains=("“已撤回”状态的声明不能提交",),
    )


def test_submitting_an_incomplete_declaration_lists_the_missing_indicators(
    enterprise_user, enterprise, scheme, executed_standard
):
    i = ids(scheme)
    declaration = new_declaration(
        enterprise_user, enterprise, scheme, executed_standard, values={i["保温效能"]: Decimal("13")}
    )
    error = assert_refused(
        lambda: declaration_submit(declaration=declaration, actor=enterprise_user),
        declaration=declaration,
        code="incomplete",
        contains=("以下指标尚未填写声明值", "铅迁移量", "外观"),
    )
    assert "保温效能" not in error.messages[0]


def test_publishing_an_incomplete_paper_declaration_refused(
    bureau_staff, enterprise, scheme, executed_standard
):
    declaration = new_declaration(bureau_staff, enterprise, scheme, executed_standard)
    assert_refused(
        lambda: declaration_publish(declaration=declaration, actor=bureau_staff),
        declaration=declaration,
        code="incomplete",
        contains=("保温效能", "铅迁移量", "外观"),
    )


@pytest.mark.parametrize(("stage", "label"), [("published", "已发布"), ("submitted", "已提交")])
def test_editing_in_place_refused(stage, label, request, enterprise_user, scheme):
    declaration = request.getfixturevalue(stage)
    i = ids(scheme)
    assert_refused(
        lambda: declaration_update(
            declaration=declaration,
            actor=enterprise_user,
            product_model="YK-999",
            values={i["保温效能"]: Decimal("1")},
        ),
        declaration=declaration,
        code="not_editable",
        contains=(f"“{label}”状态的声明不能直接修改", "撤回后重新声明"),
    )


def test_staff_cannot_edit_a_published_declaration_in_place_either(published, bureau_staff, scheme):
    assert_refused(
        lambda: declaration_update(
            declaration=published, actor=bureau_staff, values={ids(scheme)["外观"]: False}
        ),
        declaration=published,
        code="not_editable",
        contains=("撤回后重新声明",),
    )


def test_another_enterprise_user_cannot_edit(draft, other_enterprise_user):
    assert_refused(
        lambda: declaration_update(declaration=draft, actor=other_enterprise_user, product_model="HACK"),
        declaration=draft,
        code="not_allowed",
        contains=("您无权修改该企业的声明",),
    )


# ---------------------------------------------------------------------------
# grade override
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("reviewer", ["bureau_staff", "branch_staff"])
def test_staff_override_the_grade_with_a_reason(draft, reviewer, request):
    actor = request.getfixturevalue(reviewer)
    assert draft.computed_grade == Grade.LEADING
    declaration_override_grade(
        declaration=draft, actor=actor, grade=Grade.ADVANCED, reason=" 专家组复核意见 "
    )

    draft.refresh_from_db()
    assert draft.override_grade == draft.grade == Grade.ADVANCED
    assert draft.override_reason == "专家组复核意见"
    assert draft.computed_grade == Grade.LEADING  # kept beside the override


@pytest.mark.parametrize("reason", ["", "  "])
def test_override_without_a_reason_refused(draft, bureau_staff, reason):
    assert_refused(
        lambda: declaration_override_grade(
            declaration=draft, actor=bureau_staff, grade=Grade.BEHIND, reason=reason
        ),
        declaration=draft,
        code="reason_required",
        contains=("调整对标水平必须填写理由",),
    )


@pytest.mark.parametrize("who", ["enterprise_user", "manager", "other_branch_staff"])
def test_override_by_non_reviewer_refused(draft, who, request):
    actor = request.getfixturevalue(who)
    assert_refused(
        lambda: declaration_override_grade(
            declaration=draft, actor=actor, grade=Grade.LEADING, reason="自评"
        ),
        declaration=draft,
        code="not_allowed",
        contains=("只有负责审核的工作人员可以调整对标水平",),
    )


def test_override_with_an_unknown_grade_refused(draft, bureau_staff):
    assert_refused(
        lambda: declaration_override_grade(
            declaration=draft, actor=bureau_staff, grade="excellent", reason="x"
        ),
        declaration=draft,
        code="unknown_grade",
        contains=("未知的对标水平",),
    )


def test_clearing_the_override_returns_to_the_computed_grade(draft, bureau_staff):
    declaration_override_grade(declaration=draft, actor=bureau_staff, grade=Grade.BEHIND, reason="抽检不合格")
    declaration_override_grade(declaration=draft, actor=bureau_staff, grade="", reason="")

    draft.refresh_from_db()
    assert draft.override_grade == ""
    assert draft.override_reason == ""
    assert draft.grade == draft.computed_grade == Grade.LEADING


def test_override_survives_a_recomputation(draft, bureau_staff, enterprise_user, scheme):
    declaration_override_grade(declaration=draft, actor=bureau_staff, grade=Grade.BEHIND, reason="抽检不合格")
    declaration_update(
        declaration=draft, actor=enterprise_user, values={ids(scheme)["铅迁移量"]: Decimal("0.01")}
    )
    draft.refresh_from_db()
    assert draft.computed_grade == Grade.LEADING
    assert draft.grade == Grade.BEHIND


# ---------------------------------------------------------------------------
# values
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", [Decimal("1"), 1, "1"])
def test_a_number_on_a_pass_fail_indicator_refused(draft, enterprise_user, scheme, value):
    assert_refused(
        lambda: declaration_update(
            declaration=draft, actor=enterprise_user, values={ids(scheme)["外观"]: value}
        ),
        declaration=draft,
        code="pass_fail_value",
        contains=("外观", "合格/不合格指标"),
    )


@pytest.mark.parametrize("value", [True, False])
def test_a_bool_on_a_numeric_indicator_refused(draft, enterprise_user, scheme, value):
    assert_refused(
        lambda: declaration_update(
            declaration=draft, actor=enterprise_user, values={ids(scheme)["保温效能"]: value}
        ),
        declaration=draft,
        code="numeric_value",
        contains=("保温效能", "需要填写数值"),
    )


def test_a_bad_value_at_creation_creates_nothing(enterprise_user, enterprise, scheme, executed_standard):
    with pytest.raises(WorkflowError) as excinfo:
        new_declaration(
            enterprise_user, enterprise, scheme, executed_standard, values={ids(scheme)["保温效能"]: True}
        )
    assert excinfo.value.code == "numeric_value"
    assert not Declaration.objects.exists()
    assert not DeclarationItem.objects.exists()
    assert not DeclarationEvent.objects.exists()


def test_a_value_for_an_indicator_of_another_scheme_refused(draft, enterprise_user):
    stranger = IndicatorFactory(direction=Direction.HIGHER_BETTER, benchmark_value=Decimal("1"))
    assert_refused(
        lambda: declaration_update(
            declaration=draft, actor=enterprise_user, values={stranger.pk: Decimal("2")}
        ),
        declaration=draft,
        code="unknown_indicator",
        contains=("不属于该声明的技术方案",),
    )


# ---------------------------------------------------------------------------
# concurrency (PostgreSQL row locks)
# ---------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_publish_and_return_exactly_one_wins(
    monkeypatch, enterprise_user, enterprise, scheme, executed_standard, bureau_staff, branch_staff
):
    # serialized_rollback: the role groups come from a data migration, which a
    # transactional test's flush would otherwise leave behind.
    declaration = new_declaration(
        enterprise_user, enterprise, scheme, executed_standard, values=all_better(scheme)
    )
    declaration_submit(declaration=declaration, actor=enterprise_user)

    # Widen the race: each move pauses after reading the row and before writing it.
    # Without the row lock both would read "submitted" and both would succeed.
    real_is_reviewer_for = services.is_reviewer_for

    def slow_is_reviewer_for(user, enterprise):
        allowed = real_is_reviewer_for(user, enterprise)
        time.sleep(0.5)
        return allowed

    monkeypatch.setattr(services, "is_reviewer_for", slow_is_reviewer_for)

    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def run(name, move, **kwargs):
        try:
            barrier.wait(timeout=10)
            move(declaration=Declaration(pk=declaration.pk), **kwargs)
            outcomes[name] = "ok"
        except Exception as error:  # reported by the assertions below
            outcomes[name] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=("publish", declaration_publish), kwargs={"actor": bureau_staff}),
        threading.Thread(
            target=run,
            args=("return", declaration_return),
            kwargs={"actor": branch_staff, "comment": "补材料"},
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)

    successes = [name for name, outcome in outcomes.items() if outcome == "ok"]
    failures = [outcome for outcome in outcomes.values() if outcome != "ok"]
    assert len(successes) == 1, outcomes
    assert len(failures) == 1, outcomes
    [failure] = failures
    assert isinstance(failure, WorkflowError), repr(failure)
    assert failure.code == "illegal_transition"

    declaration.refresh_from_db()
    winner = successes[0]
    assert declaration.status == (S.PUBLISHED if winner == "publish" else S.RETURNED)
    moves = list(
        declaration.events.filter(
            action__in=[DeclarationAction.PUBLISH, DeclarationAction.RETURN]
        ).values_list("action", flat=True)
    )
    assert moves == [winner]
