"""/api/v1/staff/ (benchmarking/api/staff.py): who may read it, what each role sees (the pages'
scope: another office's record is absent and a 404), the pages' filters and their Chinese 400s,
the records' details, cursor pages, the progress figures as the dashboard's, and a fixed number
of queries per list page whatever its length."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from benchmarking.choices import DeclarationStatus, Direction, Role, SchemeStatus, StandardStatus
from benchmarking.models import IndicatorReferenceValue, SchemeBenchmark
from benchmarking.selectors.dashboard import dashboard_for
from benchmarking.services.api_tokens import api_token_create, api_token_revoke
from benchmarking.services.declarations import declaration_return, declaration_submit
from tests.api.conftest import client_with_token
from tests.conftest import sh
from tests.factories import (
    EnterpriseFactory,
    IndicatorFactory,
    SchemeFactory,
    StandardFactory,
    make_user,
)

LISTS = {
    "enterprises": "api-staff-enterprise-list",
    "standards": "api-staff-standard-list",
    "schemes": "api-staff-scheme-list",
    "declarations": "api-staff-declaration-list",
}
YONGKANG, YIWU, JINHUA, XIHU = "330784", "330782", "330700", "330106"


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# -- who may call it -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", [*LISTS.values(), "api-staff-progress"])
def test_without_a_token_every_route_is_401(db, name):
    response = client_with_token(None).get(reverse(name))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["detail"]


@pytest.mark.parametrize("name", [*LISTS.values(), "api-staff-progress"])
def test_an_enterprise_token_is_403(api_as, enterprise_user, name):
    response = api_as(enterprise_user).get(reverse(name))
    assert response.status_code == 403
    assert "工作人员" in response.json()["detail"]


def test_a_revoked_token_is_401(bureau_staff, enterprise):
    token, raw = api_token_create(actor=bureau_staff, user=bureau_staff, name="省平台", valid_days=30)
    client = client_with_token(raw)
    assert client.get(reverse(LISTS["enterprises"])).status_code == 200
    api_token_revoke(actor=bureau_staff, token=token)

    response = client.get(reverse(LISTS["enterprises"]))
    assert response.status_code == 401
    assert "吊销" in response.json()["detail"]


def test_an_expired_token_is_401(bureau_staff):
    _token, raw = api_token_create(
        actor=bureau_staff,
        user=bureau_staff,
        name="旧令牌",
        valid_days=30,
        now=timezone.now() - dt.timedelta(days=31),
    )
    response = client_with_token(raw).get(reverse(LISTS["enterprises"]))
    assert response.status_code == 401
    assert "过期" in response.json()["detail"]


@pytest.mark.parametrize("role_user", ["bureau_staff", "branch_staff", "manager"])
def test_every_kind_of_staff_may_read(request, db, api_as, role_user):
    user = request.getfixturevalue(role_user)
    for name in LISTS.values():
        assert api_as(user).get(reverse(name)).status_code == 200, name


# -- scope: the pages' own -----------------------------------------------------------------------


@pytest.fixture
def two_offices(enterprise, other_enterprise, declare):
    """A published result of each office's enterprise."""
    return (
        declare(enterprise, model="A-1", published=sh(2024, 3, 5)),
        declare(other_enterprise, model="B-1", published=sh(2024, 4, 5)),
    )


def test_bureau_staff_see_every_office(api_as, bureau_staff, enterprise, other_enterprise, two_offices):
    client = api_as(bureau_staff)
    assert set(ids(client.get(reverse(LISTS["enterprises"])))) == {enterprise.pk, other_enterprise.pk}
    assert set(ids(client.get(reverse(LISTS["declarations"])))) == {d.pk for d in two_offices}


def test_branch_staff_see_their_own_office_only(
    api_as, branch_staff, enterprise, other_enterprise, two_offices
):
    own, others = two_offices
    client = api_as(branch_staff)

    assert ids(client.get(reverse(LISTS["enterprises"]))) == [enterprise.pk]
    assert ids(client.get(reverse(LISTS["declarations"]))) == [own.pk]
    assert client.get(reverse("api-staff-enterprise-detail", args=[enterprise.pk])).status_code == 200
    assert client.get(reverse("api-staff-declaration-detail", args=[own.pk])).status_code == 200
    # Another office's records do not exist for them, as on the pages.
    response = client.get(reverse("api-staff-enterprise-detail", args=[other_enterprise.pk]))
    assert response.status_code == 404
    assert response.json() == {"detail": response.json()["detail"]}
    assert client.get(reverse("api-staff-declaration-detail", args=[others.pk])).status_code == 404


def test_another_countys_draft_scheme_is_not_there(api_as, bureau_staff, list_scheme):
    elsewhere = SchemeFactory(publisher_region_id=YIWU)
    own_draft = SchemeFactory()
    client = api_as(bureau_staff)

    assert set(ids(client.get(reverse(LISTS["schemes"])))) == {list_scheme.pk, own_draft.pk}
    assert client.get(reverse("api-staff-scheme-detail", args=[elsewhere.pk])).status_code == 404


def test_a_detail_address_takes_ids_only(api_as, bureau_staff):
    response = api_as(bureau_staff).get("/api/v1/staff/enterprises/abc/")
    assert response.status_code == 404
    assert response.json()["detail"]


# -- the pages' filters ----------------------------------------------------------------------------


def test_the_enterprise_list_takes_the_pages_filters(
    api_as, bureau_staff, enterprise, other_enterprise, other_office, two_offices
):
    client = api_as(bureau_staff)
    url = reverse(LISTS["enterprises"])

    assert ids(client.get(url, {"branch_office": other_office.pk})) == [other_enterprise.pk]
    # The office as staff write it, as in a page's address.
    assert ids(client.get(url, {"branch_office": other_office.name})) == [other_enterprise.pk]
    assert ids(client.get(url, {"q": "甲杯业"})) == [enterprise.pk]
    assert ids(client.get(url, {"q": enterprise.credit_code.lower()})) == [enterprise.pk]
    # Counted as of a day: A's result was published in March, B's in April.
    assert ids(client.get(url, {"counted_on": "2024-03-31"})) == [enterprise.pk]


def test_the_declaration_list_filters_by_status_and_dates(
    api_as, bureau_staff, enterprise, declare, two_offices
):
    draft = declare(enterprise, model="A-DRAFT")
    client = api_as(bureau_staff)
    url = reverse(LISTS["declarations"])

    assert ids(client.get(url, {"status": DeclarationStatus.DRAFT})) == [draft.pk]
    assert ids(client.get(url, {"published_from": "2024-04-01"})) == [two_offices[1].pk]
    assert set(ids(client.get(url, {"counted_on": "2024-12-31"}))) == {d.pk for d in two_offices}


def test_the_scheme_and_standard_lists_filter(api_as, bureau_staff, list_scheme):
    draft = SchemeFactory(title="电动工具对标技术方案")
    old = StandardFactory(
        number="GB/T 2000—2008",
        title="旧标准",
        status=StandardStatus.ABOLISHED,
        withdrawn_on=dt.date(2020, 1, 1),
    )
    current = StandardFactory(number="GB/T 3000—2020", title="新标准")
    client = api_as(bureau_staff)

    assert ids(client.get(reverse(LISTS["schemes"]), {"status": SchemeStatus.DRAFT})) == [draft.pk]
    assert ids(client.get(reverse(LISTS["schemes"]), {"q": "电动工具"})) == [draft.pk]
    assert ids(client.get(reverse(LISTS["standards"]), {"status": StandardStatus.ABOLISHED})) == [old.pk]
    assert ids(client.get(reverse(LISTS["standards"]), {"q": "新标准"})) == [current.pk]


@pytest.mark.parametrize(
    ("list_key", "params", "field", "words"),
    [
        ("declarations", {"status": "finished"}, "status", "不是可选的值"),
        ("declarations", {"counted_on": "2024-13-01"}, "counted_on", "请输入有效的日期"),
        ("enterprises", {"branch_office": "999999"}, "branch_office", "所选监管所不存在"),
        ("schemes", {"published_from": "yesterday"}, "published_from", "请输入有效的日期"),
        ("standards", {"kind": "secret"}, "kind", "不是可选的值"),
        ("standards", {"q": "标" * 101}, "q", "搜索内容过长"),
    ],
)
def test_a_bad_filter_is_a_400_naming_the_field_in_chinese(
    api_as, bureau_staff, list_key, params, field, words
):
    response = api_as(bureau_staff).get(reverse(LISTS[list_key]), params)

    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == f"请检查以下字段：{field}。"
    assert list(body["errors"]) == [field]
    assert words in body["errors"][field][0]


def test_branch_staff_cannot_filter_by_another_office(api_as, branch_staff, other_office, two_offices):
    response = api_as(branch_staff).get(reverse(LISTS["declarations"]), {"branch_office": other_office.pk})

    assert response.status_code == 400
    assert "只能选择您所在的监管所" in response.json()["errors"]["branch_office"][0]


# -- what a record says ----------------------------------------------------------------------------


def test_an_enterprise_as_its_page_names_it(api_as, bureau_staff, enterprise, office, two_offices):
    body = api_as(bureau_staff).get(reverse("api-staff-enterprise-detail", args=[enterprise.pk])).json()

    assert body["name"] == "永康甲杯业有限公司"
    assert body["credit_code"] == enterprise.credit_code
    assert body["branch_office"] == {"id": office.pk, "code": "DC", "name": "东城市场监管所"}
    assert body["region"] == YONGKANG
    assert body["counted_results"] == 1


def test_a_scheme_with_its_benchmarks_indicators_and_reference_values(api_as, bureau_staff):
    scheme = SchemeFactory(code="YKDB-API-001")
    standard = StandardFactory(number="GB/T 29606—2013", title="不锈钢真空杯")
    SchemeBenchmark.objects.create(scheme=scheme, standard=standard, order=1)
    second = IndicatorFactory(
        scheme=scheme,
        name="铅迁移量",
        order=2,
        unit="mg/dm²",
        direction=Direction.LOWER_BETTER,
        benchmark_value=Decimal("0.01"),
    )
    first = IndicatorFactory(
        scheme=scheme, name="保温效能", order=1, is_core=True, benchmark_value=Decimal("12")
    )
    IndicatorReferenceValue.objects.create(indicator=first, standard=standard, value="≥ 8 h")

    body = api_as(bureau_staff).get(reverse("api-staff-scheme-detail", args=[scheme.pk])).json()

    assert body["code"] == "YKDB-API-001"
    assert body["status"] == SchemeStatus.DRAFT
    assert [b["standard"]["number"] for b in body["benchmarks"]] == [standard.number]
    assert [i["id"] for i in body["indicators"]] == [first.pk, second.pk]
    assert body["indicators"][0]["benchmark_display"] == "≥ 12 h"
    assert body["indicators"][0]["is_core"] is True
    assert body["indicators"][0]["reference_values"] == [
        {
            "standard": {
                "id": standard.pk,
                "number": standard.number,
                "title": "不锈钢真空杯",
                "status": "current",
            },
            "value": "≥ 8 h",
        }
    ]
    assert body["indicators"][1]["benchmark_display"] == "≤ 0.01 mg/dm²"


def test_a_declaration_with_its_items_and_history(api_as, bureau_staff, enterprise, enterprise_user, declare):
    bureau_staff.last_name, bureau_staff.first_name = "应", "立新"
    bureau_staff.save()
    declaration = declare(enterprise, model="A-9", value="13.5")
    declaration = declaration_submit(declaration=declaration, actor=bureau_staff)
    declaration_return(declaration=declaration, actor=bureau_staff, comment="请补充检测报告")

    body = api_as(bureau_staff).get(reverse("api-staff-declaration-detail", args=[declaration.pk])).json()

    assert body["status"] == DeclarationStatus.RETURNED
    assert body["enterprise"]["name"] == "永康甲杯业有限公司"
    assert body["scheme"]["code"] == "YKDB-LIST-001"
    [item] = body["items"]
    assert item["indicator_name"] == "保温效能"
    assert Decimal(item["value"]) == Decimal("13.5")
    assert item["comparison"] == "better"
    assert [(e["action"], e["to_status"]) for e in body["events"]] == [
        ("create", "draft"),
        ("submit", "submitted"),
        ("return", "returned"),
    ]
    assert body["events"][-1]["actor_name"] == "应立新"
    assert body["events"][-1]["comment"] == "请补充检测报告"


# -- cursor pages ----------------------------------------------------------------------------------


def test_the_next_link_walks_the_whole_list_once(api_as, bureau_staff, office):
    made = {EnterpriseFactory(branch_office=office).pk for _ in range(5)}
    client = api_as(bureau_staff)

    seen, url, pages = [], reverse(LISTS["enterprises"]) + "?page_size=2", 0
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url, pages = body["next"], pages + 1
    assert pages == 3
    assert sorted(seen, reverse=True) == seen  # newest first
    assert set(seen) == made and len(seen) == 5


def test_a_page_keeps_its_filters(api_as, bureau_staff, office, other_office):
    mine = {EnterpriseFactory(branch_office=office).pk for _ in range(3)}
    EnterpriseFactory(branch_office=other_office)
    client = api_as(bureau_staff)

    first = client.get(reverse(LISTS["enterprises"]), {"page_size": 2, "branch_office": office.pk}).json()
    second = client.get(first["next"]).json()

    assert {row["id"] for row in first["results"] + second["results"]} == mine
    assert second["next"] is None


# -- progress: the dashboard's figures -------------------------------------------------------------


def test_progress_is_the_dashboards(api_as, bureau_staff, records, office, other_office):
    response = api_as(bureau_staff).get(reverse("api-staff-progress"), {"as_of": "2025-02-28"})

    assert response.status_code == 200
    body = response.json()
    assert body["as_of"] == "2025-02-28"
    assert body["county"] == YONGKANG
    assert body["branch_office"] is None
    assert body["plan"] == {"name": "千项计划", "starts_on": "2024-01-01", "ends_on": "2026-12-31"}
    figures = {m["key"]: (m["count"], m["target"]) for m in body["measures"]}
    # A's three results and B's two (one withdrawn only in March): 5 of 12, by 2 enterprises of 6.
    assert figures == {"schemes": (1, 10), "enterprises": (2, 6), "results": (5, 12)}
    dashboard = dashboard_for(as_of=dt.date(2025, 2, 28))
    assert [(m["key"], m["count"], m["expected"]) for m in body["measures"]] == [
        (m.key, m.count, m.expected) for m in dashboard.measures
    ]
    rows = {row["office"]["code"]: row for row in body["offices"]}
    assert (rows["DC"]["enterprises"], rows["DC"]["results"], rows["DC"]["result_quota"]) == (1, 3, 4)
    assert (rows["XC"]["enterprises"], rows["XC"]["results"], rows["XC"]["result_quota"]) == (1, 2, 8)
    assert [row["office"]["id"] for row in body["offices"]] == [row.office.pk for row in dashboard.offices]
    assert rows["DC"]["rank"] == 1 and rows["DC"]["pace_band"] in {"ahead", "near", "behind"}


def test_progress_as_of_a_later_day_drops_the_withdrawn_result(api_as, bureau_staff, records):
    body = api_as(bureau_staff).get(reverse("api-staff-progress"), {"as_of": "2025-03-31"}).json()
    assert {m["key"]: m["count"] for m in body["measures"]}["results"] == 4


def test_a_branch_office_sees_its_own_share(api_as, branch_staff, records, office):
    body = api_as(branch_staff).get(reverse("api-staff-progress"), {"as_of": "2025-02-28"}).json()

    assert body["branch_office"]["id"] == office.pk
    figures = {m["key"]: (m["count"], m["target"], m["citywide"]) for m in body["measures"]}
    # Schemes stay the county's; the enterprises and results are the office's, against its quota.
    assert figures == {"schemes": (1, 10, True), "enterprises": (1, 2, False), "results": (3, 4, False)}
    assert [row["office"]["code"] for row in body["offices"]] == ["DC"]


@pytest.mark.parametrize(
    ("as_of", "words"),
    [("2025-02-30", "请输入有效日期"), ("2999-01-01", "不能晚于今天"), ("1999-12-31", "2000")],
)
def test_a_bad_day_is_a_400_naming_as_of(api_as, bureau_staff, as_of, words):
    response = api_as(bureau_staff).get(reverse("api-staff-progress"), {"as_of": as_of})

    assert response.status_code == 400
    assert response.json()["detail"] == "请检查以下字段：as_of。"
    assert words in response.json()["errors"]["as_of"][0]


def test_progress_defaults_to_today(api_as, bureau_staff):
    body = api_as(bureau_staff).get(reverse("api-staff-progress")).json()
    assert body["as_of"] == timezone.localdate().isoformat()
    assert body["plan"] is None and [m["target"] for m in body["measures"]] == [None, None, None]


def test_a_county_login_cannot_ask_for_another_county(api_as, bureau_staff):
    response = api_as(bureau_staff).get(reverse("api-staff-progress"), {"region": YIWU})
    assert response.status_code == 404


def test_a_prefectures_staff_name_a_county_under_them(api_as, records):
    prefecture = make_user(Role.BUREAU_STAFF, username="jinhua", region=JINHUA)
    client = api_as(prefecture)

    missing = client.get(reverse("api-staff-progress"))
    assert missing.status_code == 400
    assert list(missing.json()["errors"]) == ["region"]
    assert client.get(reverse("api-staff-progress"), {"region": XIHU}).status_code == 404
    body = client.get(reverse("api-staff-progress"), {"region": YONGKANG, "as_of": "2025-02-28"}).json()
    assert {m["key"]: m["count"] for m in body["measures"]}["results"] == 5


# -- a fixed number of queries per list page ------------------------------------------------------


def _queries(client, url) -> tuple[int, int]:
    """(queries, rows) of one request."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries), len(response.json().get("results", []))


@pytest.fixture
def grow(office, other_office, declare, bureau_staff):
    """grow(key, n): n more rows of that list (with what each row names: offices, industries,
    replaced standards, indicators)."""
    counter = iter(range(10_000))

    def make(key: str, n: int) -> None:
        for _ in range(n):
            i = next(counter)
            if key == "enterprises":
                EnterpriseFactory(branch_office=office if i % 2 else other_office)
            elif key == "standards":
                new = StandardFactory()
                new.replaces.add(
                    StandardFactory(status=StandardStatus.REPLACED, withdrawn_on=dt.date(2020, 1, 1))
                )
            elif key == "schemes":
                IndicatorFactory(scheme=SchemeFactory())
            elif key == "declarations":
                declare(EnterpriseFactory(branch_office=office), model=f"M-{i}", published=sh(2024, 5, 5))

    return make


@pytest.mark.parametrize("key", list(LISTS))
@pytest.mark.parametrize("role_user", ["bureau_staff", "branch_staff"])
def test_a_list_page_costs_the_same_at_ten_times_the_rows(request, api_as, grow, key, role_user):
    client = api_as(request.getfixturevalue(role_user))
    url = reverse(LISTS[key])
    grow(key, 3)
    client.get(url)  # the token's first use is written once a minute: not in either count
    few, few_rows = _queries(client, url)
    grow(key, 27)
    many, many_rows = _queries(client, url)

    assert many_rows > few_rows > 0
    assert few == many


@pytest.mark.parametrize("key", ["schemes", "declarations"])
def test_a_detail_costs_the_same_with_ten_times_the_parts(
    api_as, bureau_staff, key, enterprise, declare, list_scheme
):
    client = api_as(bureau_staff)
    if key == "schemes":
        scheme = SchemeFactory()
        add = lambda n: [  # noqa: E731
            IndicatorReferenceValue.objects.create(
                indicator=IndicatorFactory(scheme=scheme), standard=StandardFactory(), value="1"
            )
            for _ in range(n)
        ]
        url = reverse("api-staff-scheme-detail", args=[scheme.pk])
    else:
        declaration = declare(enterprise, model="D-1")
        add = lambda n: [  # noqa: E731
            declaration.events.create(
                action="submit", to_status="submitted", actor=make_user(Role.BUREAU_STAFF), at=timezone.now()
            )
            for _ in range(n)
        ]
        url = reverse("api-staff-declaration-detail", args=[declaration.pk])
    add(1)
    client.get(url)
    few, _rows = _queries(client, url)
    add(9)
    assert _queries(client, url)[0] == few


def test_a_branch_login_tied_to_no_office_gets_no_figures(api_as, records):
    unattached = make_user(Role.BRANCH_STAFF, username="branch_nowhere")
    response = api_as(unattached).get(reverse("api-staff-progress"))

    assert response.status_code == 403
    assert "尚未关联基层市场监管所" in response.json()["detail"]
