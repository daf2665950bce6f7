"""The county dashboard per county (its figures, plan and offices; who may open which county with
``?region``) and its rank statements, on the page and in the Excel report (docs/domain.md,
"Ranks"). The counting per region itself is tests/test_region_counting.py."""

import datetime as dt
import io
import re
from urllib.parse import quote

import openpyxl
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarking.choices import Role
from benchmarking.models import Plan
from benchmarking.selectors.ranks import county_places
from tests.conftest import EARLY, sh
from tests.factories import BranchOfficeFactory, EnterpriseFactory, make_user
from tests.test_region_counting import JINHUA, SHANGCHENG, YIWU, YONGKANG, move, publish_scheme
from tests.test_region_counting import counties as counties

URL = reverse("progress-dashboard")
REPORT = reverse("progress-report")
ZHEJIANG = "330000"

# Yongkang in the ``counties`` fixture, now: 1 scheme, 2 enterprises, 3 results; Yiwu 1, 1, 2;
# Shangcheng (a 市辖区 of 杭州) 1, 1, 1; the province's other 87 county-level units nothing.
YONGKANG_NOW = [
    "对标技术方案发布数 1 项，居全省县级市并列第 1、金华并列第 1，全省并列第 1 / 90",
    "完成对标企业数 2 家，居全省县级市第 1、金华第 1，全省第 1 / 90",
    "自我声明对标结果数 3 条，居全省县级市第 1、金华第 1，全省第 1 / 90",
]
YIWU_NOW = [
    "对标技术方案发布数 1 项，居全省县级市并列第 1、金华并列第 1，全省并列第 1 / 90",
    "完成对标企业数 1 家，居全省县级市第 2、金华第 2，全省并列第 2 / 90",
    "自我声明对标结果数 2 条，居全省县级市第 2、金华第 2，全省第 2 / 90",
]


def page_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def statements(html: str) -> list[str]:
    return re.findall(r'<li data-rank="\w+">([^<]*)</li>', html)


def figures(html: str) -> dict[str, int]:
    return {
        key: int(n)
        for key, n in re.findall(r'data-measure="(\w+)">.*?<p class="figure"><a [^>]*>(\d+)</a>', html, re.S)
    }


def workbook_lines(response) -> list[str]:
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return [cell.value for row in book["汇总"].iter_rows() for cell in row if isinstance(cell.value, str)]


@pytest.fixture
def jinhua_manager(db):
    return make_user(Role.MANAGER, username="jinhua", region=JINHUA)


@pytest.fixture
def province_manager(db):
    return make_user(Role.MANAGER, username="zhejiang", region=ZHEJIANG)


@pytest.fixture
def yiwu_manager(db):
    return make_user(Role.MANAGER, username="yiwu", region=YIWU)


# -- the rank statements ------------------------------------------------------------------------


def test_a_countys_dashboard_states_its_ranks_ties_included(client, counties, manager):
    client.force_login(manager)  # the home county's: 永康
    html = page_of(client.get(URL))
    assert statements(html) == YONGKANG_NOW
    assert "全省排名" in html
    # The figure ranked is the figure shown.
    assert figures(html) == {"schemes": 1, "enterprises": 2, "results": 3}


def test_each_county_sees_its_own_ranks(client, counties, yiwu_manager):
    client.force_login(yiwu_manager)
    html = page_of(client.get(URL))
    assert statements(html) == YIWU_NOW
    assert figures(html) == {"schemes": 1, "enterprises": 1, "results": 2}


def test_the_ranks_as_of_a_past_day(client, counties, manager):
    # 2024-08-31: Yongkang 1 scheme, 1 enterprise, 2 results; Yiwu 2 schemes (one withdrawn in
    # October), 1 enterprise, 1 result; Shangcheng 1 scheme (July), no result yet.
    client.force_login(manager)
    html = page_of(client.get(URL, {"as_of": "2024-08-31"}))
    assert statements(html) == [
        "对标技术方案发布数 1 项，居全省县级市第 2、金华第 2，全省并列第 2 / 90",
        "完成对标企业数 1 家，居全省县级市并列第 1、金华并列第 1，全省并列第 1 / 90",
        "自我声明对标结果数 2 条，居全省县级市第 1、金华第 1，全省第 1 / 90",
    ]
    # And today's, again, from the same cache: another day, another entry.
    assert statements(page_of(client.get(URL))) == YONGKANG_NOW


def test_the_excel_report_states_the_same_ranks(client, counties, manager):
    client.force_login(manager)
    lines = workbook_lines(client.get(REPORT))
    assert lines[0] == "永康市对标达标千项计划进度报表（全市）"
    assert [line for line in lines if line.startswith("全省排名：")] == [
        f"全省排名：{s}" for s in YONGKANG_NOW
    ]
    past = workbook_lines(client.get(REPORT, {"as_of": "2024-08-31"}))
    assert "全省排名：对标技术方案发布数 1 项，居全省县级市第 2、金华第 2，全省并列第 2 / 90" in past


def test_a_single_county_deployment_shows_no_ranks_at_all(client, records, manager, bureau_staff):
    # Every record in the home county (the ``records`` of the dashboard tests): no rank means
    # anything, and nothing of regions shows — no box, no heading, no line in the report.
    for user in (manager, bureau_staff):
        client.force_login(user)
        html = page_of(client.get(URL))
        assert "全省排名" not in html
        assert "data-rank" not in html
        assert 'class="card ranks"' not in html
        assert "<h1>对标达标千项计划进度</h1>" in html
        lines = workbook_lines(client.get(REPORT))
        assert not [line for line in lines if "排名" in line]
        assert lines[0] == "永康市对标达标千项计划进度报表（全市）"


def test_a_branch_offices_share_states_no_county_ranks(client, counties, branch_staff):
    # Its figures are its office's share; the county's ranks belong on the county's page.
    client.force_login(branch_staff)
    assert statements(page_of(client.get(URL))) == []


def spread_over(codes: list[str], declare, office, bureau_staff) -> None:
    """One scheme, one enterprise and a result or two in each county of ``codes``."""
    for i, code in enumerate(codes):
        publish_scheme(code, bureau_staff, at=EARLY, code=f"S-{code}")
        enterprise = EnterpriseFactory(branch_office=office)
        for n in range(i % 2 + 1):
            declare(enterprise, model=f"{code}-{n}", published=sh(2024, 5, 1 + n))
        move(enterprise, code)


def cold_queries(client, url, params=None) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


def test_the_ranks_cost_the_same_queries_at_3_and_at_30_counties(
    client, declare, list_scheme, office, bureau_staff, manager
):
    others = sorted(code for code in county_places() if code != YONGKANG)
    client.force_login(manager)
    client.get(reverse("public-results"))  # the first request after a login touches the session
    spread_over(others[:2], declare, office, bureau_staff)
    declare(EnterpriseFactory(branch_office=office), model="YK", published=sh(2024, 6, 1))
    at_3 = {url: cold_queries(client, url) for url in (URL, REPORT)}
    assert len(statements(page_of(client.get(URL)))) == 3

    spread_over(others[2:29], declare, office, bureau_staff)
    at_30 = {url: cold_queries(client, url) for url in (URL, REPORT)}
    assert at_30 == at_3
    # And a province viewer's county page costs the same at any number of counties too.
    client.force_login(make_user(Role.MANAGER, username="zj", region=ZHEJIANG))
    client.get(reverse("public-results"))
    params = {"region": others[5]}
    assert cold_queries(client, URL, params) == cold_queries(client, URL, params)
    html = page_of(client.get(URL, params))
    assert len(statements(html)) == 3


def test_a_warm_page_reads_no_figures(client, counties, manager, django_assert_max_num_queries):
    client.force_login(manager)
    client.get(URL)
    # Session, user, role, counts version (tests/views/test_viewer_cache.py pins the minimum).
    with django_assert_max_num_queries(4):
        assert statements(page_of(client.get(URL))) == YONGKANG_NOW


# -- which county, for whom ---------------------------------------------------------------------


def test_a_county_viewer_sees_their_countys_plan_offices_and_figures(client, counties, plan, yiwu_manager):
    yiwu_office = BranchOfficeFactory(name="稠城市场监管所", code="YW-CC", region_id=YIWU)
    Plan.objects.create(
        name="义乌千项计划",
        starts_on=dt.date(2024, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        target_schemes=5,
        target_enterprises=3,
        target_results=6,
        is_active=True,
        region_id=YIWU,
    )
    client.force_login(yiwu_manager)
    response = client.get(URL)
    html = page_of(response)
    dashboard = response.context["dashboard"]
    assert dashboard.county == YIWU
    assert dashboard.plan.name == "义乌千项计划"
    assert [row.office for row in dashboard.offices] == [yiwu_office]
    assert figures(html) == {"schemes": 1, "enterprises": 1, "results": 2}
    assert "义乌千项计划" in html and "东城市场监管所" not in html
    # Yongkang's own manager still sees Yongkang's plan (the ``plan`` fixture) and offices.
    client.force_login(make_user(Role.MANAGER, username="yk", region=YONGKANG))
    dashboard = client.get(URL).context["dashboard"]
    assert dashboard.plan == plan
    assert "稠城市场监管所" not in {row.office.name for row in dashboard.offices}


@pytest.mark.parametrize("url", [URL, REPORT])
def test_a_county_viewer_may_not_open_another_county(client, counties, manager, url):
    client.force_login(manager)
    assert client.get(url, {"region": YIWU}).status_code == 404
    assert client.get(url, {"region": "not-a-code"}).status_code == 404
    # Their own county named is their own page.
    assert client.get(url, {"region": YONGKANG}).status_code == 200


@pytest.mark.parametrize("url", [URL, REPORT])
def test_above_a_county_without_a_region_goes_to_the_roll_up(client, counties, jinhua_manager, url):
    client.force_login(jinhua_manager)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == reverse("region_dashboard", args=[JINHUA])


@pytest.mark.parametrize(
    "region",
    [
        SHANGCHENG,  # a county of another prefecture
        JINHUA,  # the prefecture itself: its page is the roll-up
        ZHEJIANG,
        "339999",  # shaped like a county, in no tree
        "330799",  # under 金华 by its digits, no such county
        "abc",
        "3307840",
        "３３０７８２",  # full-width digits
        "",
    ],
)
def test_above_a_county_only_a_county_under_them_opens(client, counties, jinhua_manager, region):
    client.force_login(jinhua_manager)
    response = client.get(URL, {"region": region})
    assert response.status_code == (302 if region == "" else 404)
    assert client.get(REPORT, {"region": region}).status_code == (302 if region == "" else 404)


def test_a_prefecture_viewer_opens_each_county_under_it(client, counties, jinhua_manager):
    client.force_login(jinhua_manager)
    yiwu = page_of(client.get(URL, {"region": YIWU}))
    assert statements(yiwu) == YIWU_NOW
    assert figures(yiwu) == {"schemes": 1, "enterprises": 1, "results": 2}
    assert "<h1>义乌市 · 对标达标千项计划进度" in yiwu
    # The county travels with the page's own links: the as-of form, the sort links, the report.
    assert '<input type="hidden" name="region" value="330782">' in yiwu
    assert f"{REPORT}?region={YIWU}" in yiwu
    assert "?region=330782&amp;sort=" in yiwu
    # Each figure opens its list narrowed to the county (the lists' county filter above a county).
    assert re.search(
        r'data-measure="schemes">.*?<a href="/schemes/\?counted_on=[\d-]+&amp;region=330782"', yiwu, re.S
    )
    assert re.search(
        r'data-measure="results">.*?<a href="/declarations/\?counted_on=[\d-]+&amp;region=330782"', yiwu, re.S
    )
    # Another county, another page (the cached body is per county).
    yongkang = page_of(client.get(URL, {"region": YONGKANG}))
    assert statements(yongkang) == YONGKANG_NOW
    assert figures(yongkang) == {"schemes": 1, "enterprises": 2, "results": 3}
    report = client.get(REPORT, {"region": YIWU})
    # The file names the county (Django's header: filename*=utf-8'' and the name percent-encoded).
    assert quote("义乌市千项计划进度_") in report["Content-Disposition"]
    lines = workbook_lines(report)
    assert lines[0] == "义乌市对标达标千项计划进度报表（全市）"
    assert "全省排名：" + YIWU_NOW[1] in lines


def test_the_province_opens_any_county(client, counties, province_manager):
    client.force_login(province_manager)
    html = page_of(client.get(URL, {"region": SHANGCHENG}))
    assert figures(html) == {"schemes": 1, "enterprises": 1, "results": 1}
    # A 市辖区 is ranked among the districts, within 杭州.
    assert "完成对标企业数 1 家，居全省市辖区第 1、杭州第 1，全省并列第 2 / 90" in statements(html)
    assert client.get(URL).url == reverse("region_dashboard", args=[ZHEJIANG])


# -- the home page above a county ---------------------------------------------------------------


@pytest.mark.parametrize(
    "who,region,expected",
    [("jinhua_manager", JINHUA, (2, 3, 5)), ("province_manager", ZHEJIANG, (3, 4, 6))],
)
def test_the_home_page_above_a_county_shows_the_regions_sums(
    client, counties, request, who, region, expected
):
    client.force_login(request.getfixturevalue(who))
    html = page_of(client.get(reverse("home")))
    tiles = dict(re.findall(r'data-measure="(\w+)"><h3>[^<]*</h3><p class="home-tile-figure">(\d+)<', html))
    assert tuple(int(tiles[key]) for key in ("schemes", "enterprises", "results")) == expected
    assert reverse("region_dashboard", args=[region]) in html
    assert "尚未关联基层市场监管所" not in html


def test_the_home_page_of_another_county_counts_that_county(client, counties, yiwu_manager, manager):
    client.force_login(yiwu_manager)
    yiwu = page_of(client.get(reverse("home")))
    client.force_login(manager)
    yongkang = page_of(client.get(reverse("home")))
    count = r'data-measure="{}".*?home-tile-figure"><a [^>]*>(\d+)</a>'
    assert re.search(count.format("results"), yiwu, re.S).group(1) == "2"
    assert re.search(count.format("results"), yongkang, re.S).group(1) == "3"
