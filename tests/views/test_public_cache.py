"""The public results pages cached whole for anonymous visitors (views/anonymous_cache.py):
a repeat visit costs the counts-version read alone; a publication, a withdrawal or an edit
of anything a page shows is seen on the very next request; a signed-in user's page is never
shared; the headers let a browser or a proxy keep and revalidate the anonymous page."""

import datetime as dt

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date

from benchmarking.choices import Grade
from benchmarking.models import (
    CountsVersion,
    Declaration,
    DeclarationItem,
    Enterprise,
    Indicator,
    SchemeBenchmark,
    Standard,
    TechnicalScheme,
)
from benchmarking.selectors.progress import counts_version
from benchmarking.services.declarations import declaration_publish, declaration_withdraw
from benchmarking.views import public
from benchmarking.views.anonymous_cache import PUBLIC_MAX_AGE
from tests.conftest import sh
from tests.factories import StandardFactory
from tests.views.test_public import DETAIL_QUERIES, LIST_QUERIES, VERSION_QUERY

LIST = reverse("public-results")


def detail(pk: int) -> str:
    return reverse("public-result-detail", args=[pk])


@pytest.fixture
def shown(enterprise, declare):
    """One published result of 永康甲杯业有限公司, model SHOWN-1."""
    return declare(enterprise, model="SHOWN-1", published=sh(2024, 6, 10))


def _cached(client, url, django_assert_num_queries, **params):
    """A second anonymous visit: served from the cache for the version read alone."""
    first = client.get(url, params)
    assert first.status_code == 200
    with django_assert_num_queries(VERSION_QUERY):
        again = client.get(url, params)
    assert again.status_code == 200
    assert again.content == first.content
    return again


# ---------------------------------------------------------------------------
# a hit costs one query; what the miss costs is pinned in test_public.py


def test_a_repeat_visit_to_the_list_costs_only_the_version_read(client, shown, django_assert_num_queries):
    page = _cached(client, LIST, django_assert_num_queries).content.decode()
    assert "SHOWN-1" in page


def test_a_repeat_visit_to_the_detail_costs_only_the_version_read(client, shown, django_assert_num_queries):
    page = _cached(client, detail(shown.pk), django_assert_num_queries).content.decode()
    assert "SHOWN-1" in page


def test_a_head_request_is_served_from_the_cache_too(client, shown, django_assert_num_queries):
    client.get(LIST)
    with django_assert_num_queries(VERSION_QUERY):
        response = client.head(LIST)
    assert response.status_code == 200
    assert response["ETag"] == client.get(LIST)["ETag"]


# ---------------------------------------------------------------------------
# never stale: publication, withdrawal, edits


def test_a_publication_shows_on_the_next_anonymous_request(
    client, enterprise, declare, bureau_staff, django_assert_num_queries
):
    declare(enterprise, model="OLD-1", published=sh(2024, 6, 10))
    draft = declare(enterprise, model="NEW-1")
    _cached(client, LIST, django_assert_num_queries)
    assert client.get(detail(draft.pk)).status_code == 404  # a 404 is not kept either

    declaration_publish(declaration=draft, actor=bureau_staff, at=sh(2024, 7, 1))

    page = client.get(LIST).content.decode()
    assert "NEW-1" in page and "共 2 项" in page
    assert client.get(detail(draft.pk)).status_code == 200


def test_a_withdrawal_shows_on_the_next_anonymous_request(
    client, enterprise, declare, shown, bureau_staff, django_assert_num_queries
):
    declare(enterprise, model="STAYS-1", published=sh(2024, 6, 11))
    assert "SHOWN-1" in _cached(client, LIST, django_assert_num_queries).content.decode()
    _cached(client, detail(shown.pk), django_assert_num_queries)

    declaration_withdraw(declaration=shown, actor=bureau_staff, comment="数据有误")

    page = client.get(LIST).content.decode()
    assert "SHOWN-1" not in page and "STAYS-1" in page
    assert client.get(detail(shown.pk)).status_code == 404


def _published_indicator(shown) -> Indicator:
    return shown.items.get().indicator


# Writes past the services (the admin, a fix in SQL) to each column the pages show: each must
# raise the counts version, so the cached page gives way to one with the new text.
SHOWN_EDITS = {
    "enterprise name": lambda d: Enterprise.objects.filter(pk=d.enterprise_id).update(
        name="永康新名杯业有限公司"
    ),
    "product name": lambda d: Declaration.objects.filter(pk=d.pk).update(product_name="更正后的焖烧杯"),
    "product model": lambda d: Declaration.objects.filter(pk=d.pk).update(product_model="FIXED-9"),
    "grade": lambda d: Declaration.objects.filter(pk=d.pk).update(
        grade=Grade.BEHIND, computed_grade=Grade.BEHIND
    ),
    "declared on": lambda d: Declaration.objects.filter(pk=d.pk).update(declared_on=dt.date(2023, 3, 9)),
    "scheme title": lambda d: TechnicalScheme.objects.filter(pk=d.scheme_id).update(title="更正后的方案名称"),
    "indicator value": lambda d: DeclarationItem.objects.filter(declaration=d).update(value="987.5"),
    "indicator name": lambda d: Indicator.objects.filter(pk=_published_indicator(d).pk).update(
        name="更正后的指标"
    ),
    "executed standard title": lambda d: Standard.objects.filter(pk=d.executed_standard_id).update(
        title="更正后的企业标准"
    ),
    "benchmark standard added": lambda d: SchemeBenchmark.objects.create(
        scheme_id=d.scheme_id, standard=StandardFactory(number="GB/T 99999—2024", title="新增的对标标准")
    ),
}
EXPECTED_TEXT = {
    "enterprise name": "永康新名杯业有限公司",
    "product name": "更正后的焖烧杯",
    "product model": "FIXED-9",
    "grade": "落后",
    "declared on": "2023",
    "scheme title": "更正后的方案名称",
    "indicator value": "987.5",
    "indicator name": "更正后的指标",
    "executed standard title": "更正后的企业标准",
    "benchmark standard added": "新增的对标标准",
}


@pytest.mark.parametrize("edit", SHOWN_EDITS)
def test_an_edit_of_a_shown_field_is_seen_on_the_next_request(client, shown, edit, django_assert_num_queries):
    _cached(client, detail(shown.pk), django_assert_num_queries)
    before = counts_version()
    assert EXPECTED_TEXT[edit] not in client.get(detail(shown.pk)).content.decode()

    SHOWN_EDITS[edit](shown)

    assert counts_version() > before
    assert EXPECTED_TEXT[edit] in client.get(detail(shown.pk)).content.decode()


def test_editing_a_draft_leaves_the_cached_pages_alone(client, enterprise, declare, shown):
    """Drafts are edited all day and are on no public page: they do not empty the caches."""
    draft = declare(enterprise, model="DRAFT-1")
    before = counts_version()
    Declaration.objects.filter(pk=draft.pk).update(product_name="草稿里改的名字")
    DeclarationItem.objects.filter(declaration=draft).update(value="1")
    assert counts_version() == before


# ---------------------------------------------------------------------------
# one cached page per address, whatever the parameters' order


def test_each_query_string_is_its_own_page(
    client, enterprise, declare, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(public.PublicResultListView, "paginate_by", 1)
    declare(enterprise, model="NEWER-1", published=sh(2024, 6, 11))
    declare(enterprise, model="OLDER-1", published=sh(2024, 6, 10))

    first = client.get(LIST).content.decode()
    second = client.get(LIST, {"page": "2"}).content.decode()
    assert "NEWER-1" in first and "OLDER-1" not in first
    assert "OLDER-1" in second and "NEWER-1" not in second
    filtered = client.get(LIST, {"q": "OLDER-1"}).content.decode()
    assert "OLDER-1" in filtered and "NEWER-1" not in filtered


def test_the_order_of_the_parameters_does_not_make_another_page(client, shown, django_assert_num_queries):
    first = client.get(f"{LIST}?grade={shown.grade}&sort=-grade&q=SHOWN")
    with django_assert_num_queries(VERSION_QUERY):
        same = client.get(f"{LIST}?sort=-grade&q=SHOWN&grade={shown.grade}")
    assert same.content == first.content
    assert same["ETag"] == first["ETag"]
    assert client.get(f"{LIST}?sort=grade&q=SHOWN&grade={shown.grade}")["ETag"] != first["ETag"]


def test_a_bad_filter_value_is_kept_by_its_address(client, shown, django_assert_num_queries):
    page = _cached(client, LIST, django_assert_num_queries, published_from="昨天").content.decode()
    assert "请先修正筛选条件。" in page
    assert "SHOWN-1" in client.get(LIST).content.decode()


# ---------------------------------------------------------------------------
# a signed-in user's page is theirs


def test_a_signed_in_user_never_gets_the_anonymous_page(client, shown, branch_staff):
    anonymous = client.get(LIST)
    assert "登录</a>" in anonymous.content.decode()
    client.force_login(branch_staff)
    for url in (LIST, detail(shown.pk)):
        response = client.get(url)
        page = response.content.decode()
        assert branch_staff.username in page or str(branch_staff.get_full_name()) in page
        assert "csrfmiddlewaretoken" in page  # the logout form
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        assert "public" not in response["Cache-Control"]
        assert not response.has_header("ETag")


def test_a_signed_in_user_never_fills_the_cache(client, shown, branch_staff, django_assert_num_queries):
    client.force_login(branch_staff)
    client.get(LIST)
    client.get(detail(shown.pk))
    client.logout()
    # The anonymous visitor's first visits render afresh (the page's own queries) and show no name.
    with django_assert_num_queries(VERSION_QUERY + LIST_QUERIES - 1):  # no industry to validate
        page = client.get(LIST).content.decode()
    with django_assert_num_queries(VERSION_QUERY + DETAIL_QUERIES):
        client.get(detail(shown.pk))
    assert "csrfmiddlewaretoken" not in page and "退出登录" not in page


def test_a_visitor_with_a_message_pending_gets_their_own_page(client, shown):
    client.get(LIST)  # cached without the message
    storage = CookieStorage(RequestFactory().get("/"))
    carrier = HttpResponse()
    storage._store([Message(constants.INFO, "您已退出登录。")], carrier)
    client.cookies["messages"] = carrier.cookies["messages"].value

    response = client.get(LIST)
    assert "您已退出登录。" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    del client.cookies["messages"]
    assert "您已退出登录。" not in client.get(LIST).content.decode()


# ---------------------------------------------------------------------------
# headers for browsers and proxies


def test_the_anonymous_page_may_be_kept_by_anyone_for_a_minute(client, shown):
    for url in (LIST, detail(shown.pk)):
        for response in (client.get(url), client.get(url)):  # rendered, then from the cache
            assert response["Cache-Control"] == f"public, max-age={PUBLIC_MAX_AGE}"
            assert "Cookie" in response["Vary"]
            assert response["ETag"].startswith('"')
            assert not response.cookies  # nothing per visitor: no session, no CSRF cookie
            assert "csrfmiddlewaretoken" not in response.content.decode()


def test_a_matching_etag_is_a_304_for_the_version_read(
    client, shown, bureau_staff, django_assert_num_queries
):
    etag = client.get(LIST)["ETag"]
    with django_assert_num_queries(VERSION_QUERY):
        response = client.get(LIST, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert not response.content
    assert response["ETag"] == etag
    assert response["Cache-Control"] == f"public, max-age={PUBLIC_MAX_AGE}"
    # Once the data changes, the old tag no longer matches.
    declaration_withdraw(declaration=shown, actor=bureau_staff, comment="数据有误")
    fresh = client.get(LIST, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200
    assert "SHOWN-1" not in fresh.content.decode()


def test_the_detail_etag_is_the_detail_pages_own(client, shown):
    assert client.get(LIST)["ETag"] != client.get(detail(shown.pk))["ETag"]


def _version_at(moment: dt.datetime) -> int:
    value = int(moment.timestamp() * 1_000_000)
    CountsVersion.objects.filter(pk=1).update(value=value)
    return value


def test_last_modified_is_when_the_data_last_changed_and_answers_if_modified_since(
    client, shown, django_assert_num_queries
):
    changed = timezone.now() - dt.timedelta(minutes=5)
    _version_at(changed)
    response = client.get(LIST)
    assert response["Last-Modified"] == http_date(changed.timestamp())
    with django_assert_num_queries(VERSION_QUERY):
        again = client.get(LIST, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert again.status_code == 304
    # A later change: the same date no longer answers 304.
    _version_at(timezone.now() - dt.timedelta(minutes=1))
    assert client.get(LIST, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 200


def test_no_date_while_the_version_is_under_a_second_old(client, shown):
    """An HTTP date counts whole seconds: a second change within the same second would carry
    the same date, and a client revalidating by date alone would keep the older page."""
    _version_at(timezone.now())
    response = client.get(LIST)
    assert not response.has_header("Last-Modified")
    assert response.has_header("ETag")


def test_renaming_what_no_published_result_shows_leaves_the_version_alone(
    enterprise, other_enterprise, declare, shown
):
    """An enterprise with drafts only, a draft scheme and its indicators are on no public page."""
    from tests.factories import IndicatorFactory, SchemeFactory

    draft_scheme = SchemeFactory(code="YKDB-DRAFT-7")
    indicator = IndicatorFactory(scheme=draft_scheme, name="草稿指标")
    declare(other_enterprise, model="DRAFT-2")
    before = counts_version()
    Enterprise.objects.filter(pk=other_enterprise.pk).update(name="只有草稿的企业")
    TechnicalScheme.objects.filter(pk=draft_scheme.pk).update(title="草稿方案改名")
    Indicator.objects.filter(pk=indicator.pk).update(name="草稿指标改名")
    assert counts_version() == before
