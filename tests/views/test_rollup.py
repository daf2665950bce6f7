"""The roll-up dashboards of a prefecture and the province (views/rollup.py, selectors/rollup.py):
sums, ranks with ties, as-of, scope, and a query count that does not grow with the counties."""

import datetime as dt
import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarking.choices import DeclarationStatus, Role, SchemeStatus
from benchmarking.models import BranchOffice, Declaration, Enterprise, Plan, Region
from benchmarking.rules import county_completion
from benchmarking.selectors.rollup import region_rollup
from tests.conftest import sh
from tests.factories import IndustryFactory, SchemeFactory, StandardFactory, make_credit_code, make_user

JINHUA, HANGZHOU, PROVINCE = "330700", "330100", "330000"
YONGKANG, YIWU, DONGYANG, WUCHENG = "330784", "330782", "330783", "330702"

_models = itertools.count(1)


@pytest.fixture
def county_data(db, bureau_staff):
    """county_data(code, schemes=…, enterprises=…, results=…, published=instant): that county's
    records, written in bulk: ``schemes`` published there, ``enterprises`` of the county with
    ``results`` results spread over them (at least one each)."""
    industry = IndustryFactory(name="测试行业")
    standard = StandardFactory()
    # The results' scheme is a draft, counted nowhere: each county's schemes are its own.
    base = SchemeFactory(industry=industry)

    def make(code: str, *, schemes=0, enterprises=0, results=0, published=None):
        published = published or sh(2025, 5, 5)
        for _ in range(schemes):
            SchemeFactory(
                industry=industry,
                publisher_region_id=code,
                status=SchemeStatus.PUBLISHED,
                published_at=published,
            )
        office = BranchOffice.objects.create(
            name=f"{code}所{next(_models)}", code=f"O{next(_models)}", region_id=code
        )
        firms = Enterprise.objects.bulk_create(
            Enterprise(
                name=f"{code}企业{next(_models)}",
                credit_code=make_credit_code(),
                branch_office=office,
                industry=industry,
                region_id=code,
            )
            for _ in range(enterprises)
        )
        Declaration.objects.bulk_create(
            Declaration(
                enterprise=firms[i % len(firms)],
                scheme=base,
                product_name="产品",
                product_model=f"M{next(_models)}",
                executed_standard=standard,
                status=DeclarationStatus.PUBLISHED,
                published_at=published,
                created_by=bureau_staff,
            )
            for i in range(results)
        )

    return make


def plan_for(code: str, *, schemes=10, enterprises=10, results=20) -> Plan:
    return Plan.objects.create(
        name=f"{code} 千项计划",
        region_id=code,
        starts_on=dt.date(2024, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        target_schemes=schemes,
        target_enterprises=enterprises,
        target_results=results,
        is_active=True,
    )


def url(code: str, **query) -> str:
    from urllib.parse import urlencode

    return reverse("region_dashboard", args=[code]) + ("?" + urlencode(query) if query else "")


@pytest.fixture
def jinhua_manager(db):
    return make_user(Role.MANAGER, username="jinhua", region=JINHUA)


@pytest.fixture
def province_staff(db):
    return make_user(Role.BUREAU_STAFF, username="zhejiang", region=PROVINCE)


def row_of(html: str, code: str) -> str:
    match = re.search(rf'<tr data-region="{code}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, f"no row for {code}"
    return match.group(1)


def text(html: str) -> str:
    """What the reader sees: tags dropped, white space as single spaces."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_prefecture_sums_its_counties_and_ranks_them_with_ties(client, jinhua_manager, county_data):
    county_data(YONGKANG, schemes=5, enterprises=3, results=6)
    county_data(YIWU, schemes=5, enterprises=4, results=4)
    county_data(DONGYANG, schemes=2, enterprises=1, results=1)
    county_data("330106", schemes=9, enterprises=9, results=9)  # 西湖区, 杭州: ranked, not summed
    plan_for(YONGKANG)
    client.force_login(jinhua_manager)

    response = client.get(url(JINHUA))

    assert response.status_code == 200
    html = response.content.decode()
    assert "金华市对标达标千项计划进度" in html
    summed = region_rollup(JINHUA, as_of=dt.date.today())
    assert [m.count for m in summed.measures] == [12, 8, 11]
    assert {row.code for row in summed.counties} == {
        c.code for c in Region.objects.filter(parent__code=JINHUA)
    }
    # Yongkang and Yiwu tie on schemes: both 并列第 1 in 金华, and 县级市; 西湖 is first in the province.
    yongkang = text(row_of(html, YONGKANG))
    assert "全省并列第 2 / 90" in yongkang
    assert "县级市并列第 1" in yongkang
    assert "金华并列第 1" in yongkang
    assert "金华第 3" in text(row_of(html, DONGYANG))
    # Its own plan: 5 / 10 schemes, 3 / 10 enterprises, 6 / 20 results → completion 36.7%.
    assert "5 / 10" in yongkang
    assert "36.7%" in yongkang
    assert f'href="/progress/?region={YONGKANG}"' in row_of(html, YONGKANG)


def test_county_completion_caps_each_share():
    assert county_completion(
        {"schemes": 20, "enterprises": 0, "results": 10}, {"schemes": 10, "enterprises": 10, "results": 20}
    ) == pytest.approx(0.5)
    assert county_completion({"schemes": 1}, {}) is None


def test_the_province_lists_prefectures_above_counties(client, province_staff, county_data):
    county_data(YONGKANG, schemes=3, enterprises=2, results=2)
    county_data("330106", schemes=1, enterprises=1, results=1)
    client.force_login(province_staff)

    html = client.get(url(PROVINCE)).content.decode()

    prefectures = html.index('class="data prefectures"')
    counties = html.index('class="data counties"')
    assert prefectures < counties
    jinhua = row_of(html[prefectures:counties], JINHUA)
    assert f'href="{url(JINHUA)}"' in jinhua
    assert "3 / —" in text(jinhua)
    assert html.count('<tr data-region="33') == 11 + 90


def test_as_of_counts_the_past_day_and_bad_dates_are_a_chinese_error(client, jinhua_manager, county_data):
    county_data(YONGKANG, schemes=2, enterprises=1, results=1, published=sh(2024, 3, 1))
    county_data(YIWU, schemes=4, enterprises=2, results=2, published=sh(2025, 6, 1))
    client.force_login(jinhua_manager)

    html = client.get(url(JINHUA, as_of="2024-12-31")).content.decode()
    assert "截至 2024-12-31 日终" in html
    assert text(row_of(html, YIWU)) == "义乌市 县级市 0 / — 0 / — 0 / — — 未设计划"
    # Ranks as of that day too: only Yongkang had begun, so there were none to state.
    assert "全省" not in text(row_of(html, YONGKANG))
    assert "金华第 2" in text(row_of(client.get(url(JINHUA)).content.decode(), YONGKANG))
    assert region_rollup(JINHUA, as_of=dt.date(2024, 12, 31)).measure("schemes").count == 2
    assert f'href="/progress/?region={YONGKANG}&amp;as_of=2024-12-31"' in html

    # Written today with past dates: that day's figures were changed by later entries.
    assert "该日数据已被之后补录的 3 条记录改变" in html
    assert "/declarations/?counted_on=2024-12-31&amp;entered_after=2024-12-31" in html
    # The viewer's lists are the region's: the summed enterprises and results open the records
    # counted; the schemes not, as every county's staff read every county's published schemes.
    assert '<a href="/enterprises/?counted_on=2024-12-31" title="查看计入的记录">1</a>' in html
    assert '<a href="/declarations/?counted_on=2024-12-31" title="查看计入的记录">1</a>' in html
    assert "/schemes/?counted_on=" not in html
    for link, counted in (
        ("/enterprises/?counted_on=2024-12-31", 1),
        ("/declarations/?counted_on=2024-12-31", 1),
    ):
        assert client.get(link).context["paginator"].count == counted

    for bad, message in (
        ("2024-02-30", "请输入有效日期"),
        ("2999-01-01", "截至日期不能晚于今天"),
        ("1999-12-31", "不能早于 2000 年"),
    ):
        response = client.get(url(JINHUA, as_of=bad))
        assert response.status_code == 200
        assert message in response.content.decode()
    assert client.get(url(JINHUA, sort="nonsense")).status_code == 200


def test_above_the_region_the_later_entries_are_not_linked(client, province_staff, county_data):
    # The province's lists hold every prefecture's records: a link from 金华's page would list more.
    county_data(YONGKANG, schemes=2, enterprises=1, results=1, published=sh(2024, 3, 1))
    client.force_login(province_staff)
    html = client.get(url(JINHUA, as_of="2024-12-31")).content.decode()
    assert "该日数据已被之后补录的 3 条记录改变" in html
    assert "entered_after" not in html
    assert "/schemes/?counted_on=" not in html  # nor the summed figures: the counties' pages are
    html = client.get(url(PROVINCE, as_of="2024-12-31")).content.decode()
    assert "/schemes/?counted_on=2024-12-31&amp;entered_after=2024-12-31" in html
    assert '<a href="/schemes/?counted_on=2024-12-31" title="查看计入的记录">2</a>' in html


def test_sorting_by_a_figure(client, jinhua_manager, county_data):
    county_data(DONGYANG, schemes=1, enterprises=3, results=3)
    county_data(YONGKANG, schemes=5, enterprises=1, results=1)
    client.force_login(jinhua_manager)

    html = client.get(url(JINHUA, sort="enterprises")).content.decode()
    assert html.index(f'data-region="{DONGYANG}"') < html.index(f'data-region="{YONGKANG}"')
    html = client.get(url(JINHUA, sort="schemes")).content.decode()
    assert html.index(f'data-region="{YONGKANG}"') < html.index(f'data-region="{DONGYANG}"')
    # A second click reverses.
    assert "sort=-schemes" in html


def test_scope(client, jinhua_manager, province_staff, enterprise_user, bureau_staff, branch_staff):
    client.force_login(jinhua_manager)
    assert client.get(url(JINHUA)).status_code == 200
    assert client.get(url(HANGZHOU)).status_code == 404
    assert client.get(url(PROVINCE)).status_code == 404
    assert client.get(url(YONGKANG)).status_code == 404  # a county: its dashboard, not here
    assert client.get(url("339900")).status_code == 404  # no such prefecture
    assert client.get(url("abc")).status_code == 404

    client.force_login(province_staff)
    for code in (PROVINCE, JINHUA, HANGZHOU):
        assert client.get(url(code)).status_code == 200
    assert client.get(url("320000")).status_code == 404  # another province
    assert client.get(url(WUCHENG)).status_code == 404

    for county_viewer in (bureau_staff, branch_staff, enterprise_user):
        client.force_login(county_viewer)
        assert client.get(url(JINHUA)).status_code == 404

    client.logout()
    response = client.get(url(JINHUA))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def _queries(client, code, **query) -> int:
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(code, **query)).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_the_counties(client, province_staff, county_data):
    client.force_login(province_staff)
    counties = list(
        Region.objects.filter(
            code__startswith="33", kind__in=["district", "county_city", "county"]
        ).values_list("code", flat=True)
    )
    for code in counties[:3]:
        county_data(code, schemes=1, enterprises=1, results=2)
        plan_for(code)
    few = _queries(client, PROVINCE)
    few_past = _queries(client, PROVINCE, as_of="2025-06-30")
    for code in counties[3:30]:
        county_data(code, schemes=2, enterprises=2, results=3)
        plan_for(code)
    many = _queries(client, PROVINCE)
    # A past day also counts what later entries changed in it (two queries).
    assert few_past == _queries(client, PROVINCE, as_of="2025-06-30") == 17
    # The session, the user with its profile, the role, the counts version; the tree, the plans,
    # every county's figures (two), the region's trend (four) and its 质量强市 figures (three).
    assert few == many == 15


def test_the_warm_page_reads_no_figures(client, jinhua_manager, county_data, django_assert_num_queries):
    county_data(YONGKANG, schemes=1, enterprises=1, results=1)
    client.force_login(jinhua_manager)
    client.get(url(JINHUA))
    # The session, the user, the role, the counts version: the page is the cache's.
    with django_assert_num_queries(4):
        assert client.get(url(JINHUA)).status_code == 200
    county_data(YIWU, schemes=1)
    # A write that changes a count: the page is computed again, with it.
    assert "义乌市 县级市 1 / —" in text(row_of(client.get(url(JINHUA)).content.decode(), YIWU))
