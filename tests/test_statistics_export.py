"""The yearly statistics workbook of a region (benchmarking/statistics.py, views/rollup.py): a
sheet per figure, a row per county (prefecture subtotals for the province), a column per month,
read back with openpyxl; scope and a query count that does not grow with the counties."""

import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from benchmarking.choices import RegionKind, Role
from benchmarking.models import Region
from tests.conftest import sh
from tests.factories import make_user
from tests.views import test_rollup
from tests.views.test_rollup import DONGYANG, JINHUA, PROVINCE, YIWU, YONGKANG

# The roll-up's fixture: a county's records written in bulk.
county_data = test_rollup.county_data

STATISTICS = reverse("region-statistics")
COUNTY_KINDS = [RegionKind.DISTRICT, RegionKind.COUNTY_CITY, RegionKind.COUNTY, RegionKind.AUTONOMOUS_COUNTY]


def workbook(response) -> openpyxl.Workbook:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(response.content))


def table(sheet) -> tuple[list, dict[str, list]]:
    """The header row and every data row by its region code."""
    rows = list(sheet.iter_rows(values_only=True))
    header_at = next(i for i, row in enumerate(rows) if row[0] == "行政区划代码")
    return list(rows[header_at]), {row[0]: list(row) for row in rows[header_at + 1 :]}


@pytest.fixture
def jinhua_staff(db):
    return make_user(Role.BUREAU_STAFF, username="jinhua-staff", region=JINHUA)


def test_a_prefecture_by_month(client, jinhua_staff, county_data):
    # 2025: Yongkang's records in March, Yiwu's in May and one more scheme in November;
    # Dongyang's before the year (counted in every month, new in none).
    county_data(YONGKANG, schemes=2, enterprises=2, results=3, published=sh(2025, 3, 15))
    county_data(YIWU, schemes=1, enterprises=1, results=1, published=sh(2025, 5, 31, 23))
    county_data(YIWU, schemes=1, published=sh(2025, 11, 1))
    county_data(DONGYANG, schemes=4, enterprises=1, results=2, published=sh(2024, 6, 1))
    client.force_login(jinhua_staff)

    book = workbook(client.get(STATISTICS, {"year": 2025}))

    assert book.sheetnames == ["发布对标技术方案", "完成对标企业", "发布对标结果"]
    header, rows = table(book["发布对标技术方案"])
    assert header[:4] == ["行政区划代码", "地区", "所属设区市", "类别"]
    assert header[4:16] == [f"{m}月" for m in range(1, 13)]
    assert header[16] == "2025年新增"
    assert rows[YONGKANG][1:4] == ["永康市", "金华", "县（市、区）"]
    assert rows[YONGKANG][4:16] == [0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]
    assert rows[YIWU][4:17] == [0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2]
    assert rows[DONGYANG][4:17] == [4] * 12 + [0]
    assert rows[JINHUA][1] == "金华市合计"
    assert rows[JINHUA][4:17] == [4, 4, 6, 6, 7, 7, 7, 7, 7, 7, 8, 8, 4]
    counties = Region.objects.filter(parent__code=JINHUA, kind__in=COUNTY_KINDS).count()
    assert len(rows) == counties + 1

    _, results = table(book["发布对标结果"])
    assert results[YONGKANG][16] == 3
    assert results[JINHUA][4:7] == [2, 2, 5]
    _, enterprises = table(book["完成对标企业"])
    assert enterprises[JINHUA][16] == 3
    assert "金华市2025年发布对标技术方案月度统计表" in [c.value for c in book["发布对标技术方案"]["A"][:3]]


def test_this_year_leaves_the_months_to_come_blank(client, jinhua_staff, county_data):
    county_data(YONGKANG, schemes=1, published=sh(2025, 3, 15))
    client.force_login(jinhua_staff)
    today = timezone.localdate()

    _, rows = table(workbook(client.get(STATISTICS)).worksheets[0])

    monthly = rows[YONGKANG][4:16]
    assert monthly[: today.month] == [1] * today.month
    assert all(value is None for value in monthly[today.month :])
    assert rows[YONGKANG][16] == 0


def test_the_province_has_prefecture_subtotals(client, county_data):
    county_data(YONGKANG, schemes=2, published=sh(2025, 3, 15))
    county_data("330106", schemes=1, published=sh(2025, 3, 15))
    client.force_login(make_user(Role.MANAGER, username="province", region=PROVINCE))

    _, rows = table(workbook(client.get(STATISTICS, {"year": 2025})).worksheets[0])

    assert rows[JINHUA][1:4] == ["金华市小计", "金华", "设区市小计"]
    assert rows[JINHUA][15] == 2
    assert rows["330100"][15] == 1
    assert rows[PROVINCE][1] == "浙江省合计"
    assert rows[PROVINCE][15] == 3
    assert len(rows) == 90 + 11 + 1
    codes = list(rows)
    # Each subtotal follows its own counties.
    assert codes.index(JINHUA) > codes.index(YONGKANG) > codes.index("330106") and codes.index(
        "330100"
    ) < codes.index(YONGKANG)


def test_a_county_viewer_gets_their_county(client, bureau_staff, county_data):
    county_data(YONGKANG, schemes=2, published=sh(2025, 3, 15))
    county_data(YIWU, schemes=5, published=sh(2025, 3, 15))
    client.force_login(bureau_staff)

    _, rows = table(workbook(client.get(STATISTICS, {"year": 2025})).worksheets[0])

    assert list(rows) == [YONGKANG]
    assert rows[YONGKANG][15] == 2


def test_a_region_under_the_viewer(client, jinhua_staff, bureau_staff, county_data):
    county_data(YIWU, schemes=5, published=sh(2025, 3, 15))
    client.force_login(jinhua_staff)

    _, rows = table(workbook(client.get(STATISTICS, {"year": 2025, "region": YIWU})).worksheets[0])
    assert list(rows) == [YIWU]
    assert rows[YIWU][15] == 5
    for elsewhere in ("330106", "330100", PROVINCE, "339900", "abc"):
        assert client.get(STATISTICS, {"year": 2025, "region": elsewhere}).status_code == 404

    # A county's bureau: its own county and nothing else.
    client.force_login(bureau_staff)
    assert client.get(STATISTICS, {"year": 2025, "region": YONGKANG}).status_code == 200
    for elsewhere in (YIWU, JINHUA):
        assert client.get(STATISTICS, {"year": 2025, "region": elsewhere}).status_code == 404


def test_who_may_download(client, branch_staff, enterprise_user):
    for user in (branch_staff, enterprise_user):
        client.force_login(user)
        assert client.get(STATISTICS).status_code == 404
    client.logout()
    response = client.get(STATISTICS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("year", "message"),
    [("二〇二五", "请输入四位数的年份"), ("2999", "年份不能晚于今年"), ("1990", "年份不能早于 2000 年")],
)
def test_a_bad_year_is_a_chinese_error(client, jinhua_staff, year, message):
    client.force_login(jinhua_staff)
    response = client.get(STATISTICS, {"year": year})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_query_count_does_not_grow_with_the_counties(client, county_data):
    client.force_login(make_user(Role.MANAGER, username="province", region=PROVINCE))
    counties = list(Region.objects.filter(kind__in=COUNTY_KINDS).values_list("code", flat=True))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            workbook(client.get(STATISTICS, {"year": 2025}))
        return len(captured)

    for code in counties[:3]:
        county_data(code, schemes=1, enterprises=1, results=1, published=sh(2025, 2, 2))
    few = queries()
    for code in counties[3:30]:
        county_data(code, schemes=1, enterprises=2, results=3, published=sh(2025, 4, 2))
    assert queries() == few


def test_the_county_dashboard_links_its_statistics(client, bureau_staff, branch_staff, jinhua_staff):
    link = f"{STATISTICS}?region={YONGKANG}&amp;year={timezone.localdate().year}"
    client.force_login(bureau_staff)
    assert link in client.get(reverse("progress-dashboard")).content.decode()
    # Above the county, its dashboard links the county's own statistics.
    client.force_login(jinhua_staff)
    assert link in client.get(reverse("progress-dashboard"), {"region": YONGKANG}).content.decode()
    # A branch office's staff see their office's share and download no county's statistics.
    client.force_login(branch_staff)
    assert STATISTICS not in client.get(reverse("progress-dashboard")).content.decode()
