"""对标标准已更新 on the portal, the review pages and the public pages: marked when the scheme was
revised, needs revision, or the executed standard is 废止 / 被代替; not otherwise; the reasons name
the standards; the pages keep a fixed number of queries."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from benchmarking.choices import StandardStatus
from benchmarking.models import SchemeBenchmark, TechnicalScheme
from benchmarking.services.declarations import declaration_submit
from benchmarking.services.schemes import scheme_publish
from tests.factories import IndicatorFactory, SchemeFactory, StandardFactory

MARK = "对标标准已更新"


def withdraw_standard(standard, *, status=StandardStatus.REPLACED, by=None):
    standard.status = status
    standard.withdrawn_on = dt.date(2025, 1, 1)
    standard.save()
    if by is not None:
        StandardFactory(number=by).replaces.add(standard)


def outdate_benchmark(scheme, *, number="GB/T 1234—2010", by="GB/T 1234—2024"):
    old = StandardFactory(number=number)
    SchemeBenchmark.objects.create(scheme=scheme, standard=old)
    withdraw_standard(old, by=by)


def publish_revision(old, actor, code="YKDB-REV-0001"):
    """A published revision of ``old``, made directly (not through services.schemes.start_revision)."""
    revision = SchemeFactory(code=code, industry=old.industry, supersedes=old)
    IndicatorFactory(scheme=revision, name="保温效能")
    revision = scheme_publish(scheme=revision, actor=actor)
    TechnicalScheme.objects.filter(pk=old.pk).update(superseded_at=timezone.now())
    return revision


@pytest.fixture
def result(declare, enterprise):
    return declare(enterprise, model="YK-1", published=timezone.now() - dt.timedelta(days=1))


def pages(result, user_client_for):
    return {
        "portal-home": (user_client_for("enterprise"), reverse("portal-home")),
        "portal-detail": (
            user_client_for("enterprise"),
            reverse("portal-declaration-detail", args=[result.pk]),
        ),
        "review-detail": (user_client_for("branch"), reverse("review-detail", args=[result.pk])),
        "public-list": (user_client_for(None), reverse("public-results")),
        "public-detail": (user_client_for(None), reverse("public-result-detail", args=[result.pk])),
    }


@pytest.fixture
def user_client_for(enterprise_user, branch_staff):
    from django.test import Client

    def make(who):
        client = Client()
        if who == "enterprise":
            client.force_login(enterprise_user)
        elif who == "branch":
            client.force_login(branch_staff)
        return client

    return make


def texts(result, user_client_for):
    out = {}
    for name, (client, url) in pages(result, user_client_for).items():
        response = client.get(url)
        assert response.status_code == 200, name
        out[name] = response.content.decode()
    return out


def test_no_mark_while_every_standard_is_current(result, user_client_for):
    for name, html in texts(result, user_client_for).items():
        assert MARK not in html, name


def test_a_revised_scheme_marks_the_result_everywhere(result, list_scheme, bureau_staff, user_client_for):
    outdate_benchmark(list_scheme)
    publish_revision(list_scheme, bureau_staff)
    for name, html in texts(result, user_client_for).items():
        assert MARK in html, name
        assert "对标标准 GB/T 1234—2010 已被 GB/T 1234—2024 代替" in html, name
        assert "已修订为 YKDB-REV-0001" in html, name
        assert "方案待修订" not in html, name
    html = texts(result, user_client_for)
    assert "按修订后的方案重新申报" in html["portal-detail"]
    # a list row gets the badge and a line, a detail page the notice (the partial's variable is
    # not ``block``, which Django sets while rendering a template block)
    for name in ("portal-home", "public-list"):
        assert "standard-updated-notice" not in html[name], name
    for name in ("portal-detail", "review-detail", "public-detail"):
        assert "standard-updated-notice" in html[name], name


def test_a_scheme_needing_revision_says_so_with_no_button(result, list_scheme, user_client_for):
    outdate_benchmark(list_scheme)
    for name, html in texts(result, user_client_for).items():
        assert MARK in html and "方案待修订" in html, name
        assert "按修订后的方案重新申报" not in html, name


@pytest.mark.parametrize(
    ("status", "by", "sentence"),
    [
        (StandardStatus.ABOLISHED, None, "执行标准 Q/YKJB 001—2024 已废止"),
        (StandardStatus.REPLACED, "Q/YKJB 001—2026", "执行标准 Q/YKJB 001—2024 已被 Q/YKJB 001—2026 代替"),
    ],
)
def test_a_withdrawn_executed_standard_marks_the_result(
    result, executed_standard, user_client_for, status, by, sentence
):
    withdraw_standard(executed_standard, status=status, by=by)
    for name, html in texts(result, user_client_for).items():
        assert MARK in html and sentence in html, name
        assert "方案待修订" not in html, name


def test_the_review_queue_marks_a_submitted_declaration(
    declare, enterprise, enterprise_user, branch_staff, executed_standard, client
):
    declaration = declare(enterprise, model="Q-1")
    # declared on paper by staff; the enterprise submits it as any other draft would be
    declaration.entered_on_paper = False
    declaration_submit(declaration=declaration, actor=enterprise_user)
    client.force_login(branch_staff)
    assert MARK not in client.get(reverse("review-queue")).content.decode()
    withdraw_standard(executed_standard, status=StandardStatus.ABOLISHED)
    html = client.get(reverse("review-queue")).content.decode()
    assert MARK in html and "已废止" in html


@pytest.mark.parametrize("n", [5, 50])
def test_marked_pages_keep_a_fixed_number_of_queries(
    declare,
    enterprise,
    list_scheme,
    executed_standard,
    bureau_staff,
    enterprise_user,
    client,
    django_assert_max_num_queries,
    n,
):
    for i in range(n):
        declare(enterprise, model=f"M-{i}", published=timezone.now() - dt.timedelta(days=1))
    outdate_benchmark(list_scheme)
    publish_revision(list_scheme, bureau_staff)
    withdraw_standard(executed_standard, by="Q/YKJB 001—2026")
    # the unmarked pages' pinned counts (tests/views/test_portal.py, test_public.py) plus four:
    # the outdated benchmarks, the executed standards, their replacements, the revisions
    with django_assert_max_num_queries(1 + 4 + 4):
        html = client.get(reverse("public-results")).content.decode()
    assert html.count(MARK) >= n
    client.force_login(enterprise_user)
    with django_assert_max_num_queries(6 + 4):
        html = client.get(reverse("portal-home")).content.decode()
    assert html.count(MARK) >= n
