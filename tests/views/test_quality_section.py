"""The dashboard's 质量强市 card and the three lists behind its figures (views.quality): the card
shows selectors.quality's figures for the county (a branch office's staff their office's share),
each figure opens its records for the same day, and each list's count is the figure. Staff only,
scoped to the viewer's county and office; bad parameters are said in Chinese, never a 500; a
fixed number of queries at any size."""

import datetime as dt
import re
from html import unescape

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarking.choices import CertificateStatus, DrafterRole, Role, ZhejiangStandardStage
from benchmarking.models import BeltRoadCertificate, PinCertificate, ZhejiangMadeDrafter, ZhejiangMadeStandard
from benchmarking.regions import RegionScope
from benchmarking.selectors.quality import (
    belt_road_certificates,
    led_standards,
    pin_enterprises,
    quality_figures,
)
from tests.factories import BranchOfficeFactory, EnterpriseFactory, make_user
from tests.test_region_counting import YIWU, YONGKANG, move

DASHBOARD = reverse("progress-dashboard")
STANDARDS, PIN, BELT_ROAD = "quality-zhejiang-made", "quality-pin-enterprises", "quality-belt-road"
AS_OF = dt.date(2025, 6, 30)
D = dt.date

_numbers = iter(range(1, 100_000))


def standard(lead, *, published_on=None, stage=ZhejiangStandardStage.PUBLISHED, co=()):
    n = next(_numbers)
    s = ZhejiangMadeStandard.objects.create(
        number=f"T/ZZB {n:04d}—2025" if stage == ZhejiangStandardStage.PUBLISHED else None,
        title=f"测试标准{n}",
        stage=stage,
        published_on=published_on,
    )
    ZhejiangMadeDrafter.objects.create(standard=s, enterprise=lead, role=DrafterRole.LEAD)
    for enterprise in co:
        ZhejiangMadeDrafter.objects.create(standard=s, enterprise=enterprise, role=DrafterRole.CO_DRAFTER)
    return s


def pin(enterprise, issued_on, expires_on=None, status=CertificateStatus.VALID, product="不锈钢保温杯"):
    return PinCertificate.objects.create(
        enterprise=enterprise,
        number=f"PZB-{next(_numbers)}",
        product=product,
        issued_on=issued_on,
        expires_on=expires_on or issued_on.replace(year=issued_on.year + 3),
        status=status,
    )


def belt_road(enterprise, issued_on, expires_on=None, status=CertificateStatus.VALID):
    return BeltRoadCertificate.objects.create(
        enterprise=enterprise,
        number=f"YDYL-{next(_numbers)}",
        product="电动工具",
        issued_on=issued_on,
        expires_on=expires_on,
        status=status,
    )


@pytest.fixture
def world(enterprise, other_enterprise, office):
    """Yongkang: enterprise (东城所) and other_enterprise (西城所); one enterprise in 义乌."""
    a, b = enterprise, other_enterprise
    c = EnterpriseFactory(name="永康丙工具有限公司", branch_office=b.branch_office)
    yiwu = move(
        EnterpriseFactory(name="义乌丁饰品有限公司", branch_office=BranchOfficeFactory(code="YW")), YIWU
    )
    # 浙江制造: a leads one old and one new standard, b one new; none of the rest count on AS_OF.
    standard(a, published_on=D(2024, 3, 1), co=[b, c])
    standard(a, published_on=D(2025, 2, 1))
    standard(b, published_on=D(2025, 5, 1), co=[a])
    standard(a, stage=ZhejiangStandardStage.DRAFTING)
    standard(b, published_on=D(2025, 8, 1))  # after the day
    standard(yiwu, published_on=D(2025, 3, 1))
    # 品字标: a since 2023 (two valid certificates), b new in 2025, c's only one revoked.
    pin(a, D(2023, 1, 10), product="保温杯")
    pin(a, D(2024, 6, 1), product="电动工具")
    pin(b, D(2025, 3, 1))
    pin(c, D(2025, 1, 5), status=CertificateStatus.REVOKED)
    pin(yiwu, D(2025, 2, 1))
    # 一带一路: a's two valid (one of 2025), b's expired one and its valid one of 2025.
    belt_road(a, D(2024, 5, 1))
    belt_road(a, D(2025, 4, 1), expires_on=D(2028, 4, 1))
    belt_road(b, D(2025, 1, 10), expires_on=D(2025, 6, 1))
    belt_road(b, D(2025, 6, 1), status=CertificateStatus.SUSPENDED)
    belt_road(yiwu, D(2025, 1, 1))
    return {"a": a, "b": b, "c": c, "yiwu": yiwu}


def card(response) -> dict[str, int]:
    """The figures the dashboard's 质量强市 card shows (its HTML is cached: read the HTML)."""
    html = response.content.decode()
    section = re.search(r'<section class="card quality-figures".*?</section>', html, re.S).group(0)
    big = {
        key: int(
            re.search(
                rf'data-quality="{key}".*?<p class="figure"><(?:a|span)[^>]*>(\d+)</(?:a|span)>',
                section,
                re.S,
            ).group(1)
        )
        for key in ("standards", "pin", "belt_road")
    }
    small = {
        key: int(value) for key, value in re.findall(r'data-figure="(\w+)"><strong>(\d+)</strong>', section)
    }
    return {
        "standards": big["standards"],
        "pin_enterprises": big["pin"],
        "belt_road_certificates": big["belt_road"],
        **small,
    }


def figures_of(f) -> dict[str, int]:
    return {
        "standards": f.standards,
        "standards_new": f.standards_new,
        "lead_enterprises": f.lead_enterprises,
        "pin_enterprises": f.pin_enterprises,
        "pin_enterprises_new": f.pin_enterprises_new,
        "belt_road_certificates": f.belt_road_certificates,
        "belt_road_certificates_new": f.belt_road_certificates_new,
    }


def card_links(response) -> list[str]:
    html = response.content.decode()
    section = re.search(r'<section class="card quality-figures".*?</section>', html, re.S).group(0)
    return [unescape(href) for href in re.findall(r'href="([^"]+)"', section)]


def listed(response) -> int:
    return int(re.search(r'data-count="(\d+)"', response.content.decode()).group(1))


def rows(response) -> list[str]:
    body = re.search(r"<tbody>(.*?)</tbody>", response.content.decode(), re.S).group(1)
    return re.findall(r"<tr>(.*?)</tr>", body, re.S)


# -- the dashboard's card -------------------------------------------------------------------------


def test_the_card_shows_the_countys_figures_as_of_the_day(client, manager, world):
    client.force_login(manager)
    shown = card(client.get(DASHBOARD, {"as_of": AS_OF.isoformat()}))
    assert shown == {
        "standards": 2 + 1,
        "standards_new": 2,
        "lead_enterprises": 2,
        "pin_enterprises": 2,
        "pin_enterprises_new": 1,
        "belt_road_certificates": 3,
        "belt_road_certificates_new": 2,
    }
    # The one place the rules live agrees, and 义乌's records are not Yongkang's.
    assert shown == figures_of(quality_figures(AS_OF, region=RegionScope(YONGKANG)))
    assert "截至 2025-06-30" in client.get(DASHBOARD, {"as_of": AS_OF.isoformat()}).content.decode()


def test_a_branch_offices_staff_see_their_offices_share(client, branch_staff, office, world):
    client.force_login(branch_staff)
    shown = card(client.get(DASHBOARD, {"as_of": AS_OF.isoformat()}))
    assert shown == {
        "standards": 2,
        "standards_new": 1,
        "lead_enterprises": 1,
        "pin_enterprises": 1,
        "pin_enterprises_new": 0,
        "belt_road_certificates": 2,
        "belt_road_certificates_new": 1,
    }
    assert shown == figures_of(
        quality_figures(AS_OF, region=RegionScope(YONGKANG), branch_office_id=office.pk)
    )


def test_each_figure_opens_its_records_for_the_same_day(client, manager, world):
    client.force_login(manager)
    links = card_links(client.get(DASHBOARD, {"as_of": AS_OF.isoformat()}))
    day = "as_of=2025-06-30"
    assert links == [
        f"{reverse(STANDARDS)}?{day}",
        f"{reverse(STANDARDS)}?{day}",  # 主导企业: the lead enterprises are the list's column
        f"{reverse(STANDARDS)}?{day}&new=1",
        f"{reverse(PIN)}?{day}",
        f"{reverse(PIN)}?{day}&new=1",
        f"{reverse(BELT_ROAD)}?{day}",
        f"{reverse(BELT_ROAD)}?{day}&new=1",
    ]
    # Each list's count is the figure its link stands beside.
    shown = card(client.get(DASHBOARD, {"as_of": AS_OF.isoformat()}))
    expected = [
        shown["standards"],
        shown["standards"],
        shown["standards_new"],
        shown["pin_enterprises"],
        shown["pin_enterprises_new"],
        shown["belt_road_certificates"],
        shown["belt_road_certificates_new"],
    ]
    assert [listed(client.get(link)) for link in links] == expected


def test_a_new_record_shows_on_the_card_at_once(client, manager, world):
    # The card is cached with the page; a write to the quality tables raises the counts version.
    client.force_login(manager)
    assert card(client.get(DASHBOARD, {"as_of": AS_OF.isoformat()}))["belt_road_certificates"] == 3
    belt_road(world["c"], D(2025, 6, 2))
    assert card(client.get(DASHBOARD, {"as_of": AS_OF.isoformat()}))["belt_road_certificates"] == 4


def test_opened_from_above_the_links_keep_the_county(client, world):
    client.force_login(make_user(Role.MANAGER, username="jinhua", region="330700"))
    response = client.get(DASHBOARD, {"region": YONGKANG, "as_of": AS_OF.isoformat()})
    assert card(response)["standards"] == 3
    links = card_links(response)
    assert all(f"region={YONGKANG}" in link for link in links)
    assert listed(client.get(links[0])) == 3
    # Without a county named, the prefecture's list holds 义乌's records too.
    assert listed(client.get(reverse(STANDARDS), {"as_of": AS_OF.isoformat()})) == 4


# -- the lists ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, selector",
    [(STANDARDS, led_standards), (PIN, pin_enterprises), (BELT_ROAD, belt_road_certificates)],
)
@pytest.mark.parametrize("new", [False, True])
def test_each_list_holds_the_selectors_records(client, bureau_staff, world, name, selector, new):
    client.force_login(bureau_staff)
    params = {"as_of": AS_OF.isoformat(), **({"new": "1"} if new else {})}
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    expected = selector(AS_OF, region=RegionScope(YONGKANG), new_this_year=new)
    assert listed(response) == expected.count() == len(rows(response))
    html = response.content.decode()
    for record in expected:
        assert (record.name if name == PIN else record.number) in html
    assert world["yiwu"].name not in html


def test_the_standards_list_columns(client, bureau_staff, world):
    client.force_login(bureau_staff)
    response = client.get(reverse(STANDARDS), {"as_of": AS_OF.isoformat()})
    html = response.content.decode()
    assert "今年新增" not in re.search(r"<h1>.*?</h1>", html, re.S).group(0)
    assert "截至 2025-06-30，共 3 项" in html
    first = rows(response)[0]  # newest first: b's standard of 2025-05-01, a as co-drafter
    assert "2025-05-01" in first and "发布" in first
    assert f'href="{reverse("enterprise-detail", args=[world["b"].pk])}"' in first
    assert re.search(r'<td class="num drop-sm">1</td>', first)
    oldest = rows(response)[2]
    assert re.search(r'<td class="num drop-sm">2</td>', oldest)


def test_the_pin_list_has_one_row_per_enterprise(client, bureau_staff, world):
    client.force_login(bureau_staff)
    response = client.get(reverse(PIN), {"as_of": AS_OF.isoformat()})
    found = rows(response)
    assert len(found) == 2
    a_row = next(row for row in found if world["a"].name in row)
    # Both its valid certificates, and the issue date of its first.
    assert "保温杯" in a_row and "电动工具" in a_row and "2023-01-10" in a_row
    assert world["c"].name not in response.content.decode()  # its only certificate is revoked
    new = client.get(reverse(PIN), {"as_of": AS_OF.isoformat(), "new": "1"})
    assert [world["b"].name in row for row in rows(new)] == [True]
    assert "今年新增品字标企业" in new.content.decode()


def test_the_belt_road_list_columns(client, bureau_staff, world):
    client.force_login(bureau_staff)
    response = client.get(reverse(BELT_ROAD), {"as_of": AS_OF.isoformat()})
    html = response.content.decode()
    assert "暂停" in html  # a suspended certificate still counts
    assert "2025-06-01" in html and "2025-01-10" not in html  # b's expired one does not
    assert "—" in rows(response)[-1]  # a's certificate without an expiry date, the oldest


def test_a_branch_offices_staff_list_their_offices_share(client, branch_staff, office, world):
    client.force_login(branch_staff)
    for name, selector in (
        (STANDARDS, led_standards),
        (PIN, pin_enterprises),
        (BELT_ROAD, belt_road_certificates),
    ):
        response = client.get(reverse(name), {"as_of": AS_OF.isoformat()})
        expected = selector(AS_OF, region=RegionScope(YONGKANG), branch_office_id=office.pk)
        assert listed(response) == expected.count() > 0
        # 西城所's enterprise leads a standard a 东城所 enterprise helps draft: not the office's.
        assert world["b"].name not in "".join(rows(response))
        assert office.name in response.content.decode()


@pytest.mark.parametrize(
    "params, message",
    [
        ({"as_of": "2099-01-01"}, "截至日期不能晚于今天"),
        ({"as_of": "1999-12-31"}, "截至日期不能早于 2000 年。"),
        ({"as_of": "2025-13-45"}, "请输入有效日期，例如 2026-06-30。"),
        ({"as_of": "2025-06-30", "new": "yes"}, "参数 new 只能为 1（只看今年新增）或 0（全部）。"),
    ],
)
@pytest.mark.parametrize("name", [STANDARDS, PIN, BELT_ROAD])
def test_bad_parameters_are_said_in_chinese_and_list_nothing(client, manager, world, name, params, message):
    client.force_login(manager)
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "参数有误" in html
    assert listed(response) == 0
    assert "截至" not in re.search(r'<span class="list-count".*?</span>', html, re.S).group(0)


def test_new_0_is_every_record(client, manager, world):
    client.force_login(manager)
    assert listed(client.get(reverse(BELT_ROAD), {"as_of": AS_OF.isoformat(), "new": "0"})) == 3


@pytest.mark.parametrize("name", [STANDARDS, PIN, BELT_ROAD])
def test_enterprise_users_are_refused_and_the_anonymous_sent_to_log_in(client, enterprise_user, world, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    client.force_login(enterprise_user)
    assert client.get(reverse(name), {"as_of": AS_OF.isoformat()}).status_code == 403


@pytest.mark.parametrize("name", [STANDARDS, PIN, BELT_ROAD])
def test_another_countys_bureau_sees_none_of_yongkangs_records(client, world, name):
    client.force_login(make_user(Role.BUREAU_STAFF, username="yiwu_bureau", region=YIWU))
    response = client.get(reverse(name), {"as_of": AS_OF.isoformat()})
    assert response.status_code == 200
    html = response.content.decode()
    assert listed(response) == 1 and world["yiwu"].name in html
    for firm in ("a", "b", "c"):
        assert world[firm].name not in html
    # Naming Yongkang does not open it: not there (404), as on the dashboard.
    assert client.get(reverse(name), {"region": YONGKANG}).status_code == 404


# -- queries --------------------------------------------------------------------------------------


def grow(world, n: int) -> None:
    """``n`` more enterprises in each office, each with counted records of every kind."""
    offices = [world["a"].branch_office, world["b"].branch_office]
    for i in range(n):
        firm = EnterpriseFactory(branch_office=offices[i % 2])
        standard(firm, published_on=D(2025, 1 + i % 6, 1), co=[world["a"], world["c"]])
        pin(firm, D(2024 + i % 2, 2, 1))
        pin(firm, D(2025, 3, 1))
        belt_road(firm, D(2025, 2, 1))


def queries_of(client, url, params) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


# Session, user (with profile), role; the COUNT, the page's rows; the 品字标 list's certificates
# (one prefetch); for a branch office's staff their office's name.
LIST_QUERIES = {STANDARDS: 5, PIN: 6, BELT_ROAD: 5}


@pytest.mark.parametrize("who", ["manager", "branch_staff"])
def test_the_lists_cost_the_same_queries_at_any_size(client, world, who, request):
    client.force_login(request.getfixturevalue(who))
    client.get(reverse("public-results"))  # the first request after a login touches the session
    params = {"as_of": AS_OF.isoformat()}
    extra = 1 if who == "branch_staff" else 0
    small = {name: queries_of(client, reverse(name), params) for name in LIST_QUERIES}
    assert small == {name: n + extra for name, n in LIST_QUERIES.items()}
    grow(world, 110)  # past one page of 50, for one office too
    large = {name: queries_of(client, reverse(name), params) for name in LIST_QUERIES}
    assert large == small
    assert {name: queries_of(client, reverse(name), {**params, "page": 2}) for name in LIST_QUERIES} == small
    assert listed(client.get(reverse(STANDARDS), params)) > 50


@pytest.mark.parametrize("who", ["manager", "branch_staff"])
def test_the_dashboard_costs_the_same_queries_at_any_size(client, world, who, request):
    client.force_login(request.getfixturevalue(who))
    client.get(reverse("public-results"))
    params = {"as_of": AS_OF.isoformat()}
    small = queries_of(client, DASHBOARD, params)
    grow(world, 60)
    assert queries_of(client, DASHBOARD, params) == small


# -- the roll-ups ---------------------------------------------------------------------------------


def test_a_prefectures_roll_up_shows_its_figures_linked_to_its_own_lists(client, world):
    client.force_login(make_user(Role.MANAGER, username="jinhua", region="330700"))
    response = client.get(reverse("region_dashboard", args=["330700"]), {"as_of": AS_OF.isoformat()})
    shown = card(response)
    # Yongkang's and 义乌's records: both in 金华.
    assert shown == figures_of(quality_figures(AS_OF, region=RegionScope("330700")))
    assert (shown["standards"], shown["pin_enterprises"], shown["belt_road_certificates"]) == (4, 3, 4)
    links = card_links(response)
    assert listed(client.get(links[0])) == 4 and listed(client.get(links[5])) == 4


def test_opened_from_the_province_the_prefectures_figures_are_not_links(client, world):
    # The province's lists hold more than 金华's records: a link would not show what is counted.
    client.force_login(make_user(Role.MANAGER, username="zhejiang", region="330000"))
    response = client.get(reverse("region_dashboard", args=["330700"]), {"as_of": AS_OF.isoformat()})
    assert card(response)["standards"] == 4
    assert card_links(response) == []
