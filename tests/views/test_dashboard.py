"""The 千项计划 progress dashboard: who may open it, what it counts, and where its figures lead."""

import datetime as dt
import io
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from benchmarking.models import Plan, PlanQuota
from benchmarking.selectors.progress import progress_as_of
from benchmarking.services.declarations import declaration_withdraw
from tests.factories import BranchOfficeFactory, EnterpriseFactory, IndustryFactory

from .conftest import sh

URL = reverse("progress-dashboard")
REPORT = reverse("progress-report")


@pytest.fixture
def plan(office, other_office):
    plan = Plan.objects.create(
        name="千项计划",
        starts_on=dt.date(2024, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        target_schemes=10,
        target_enterprises=6,
        target_results=12,
        is_active=True,
    )
    PlanQuota.objects.create(plan=plan, branch_office=office, enterprises=2, results=4)
    PlanQuota.objects.create(plan=plan, branch_office=other_office, enterprises=4, results=8)
    return plan


@pytest.fixture
def records(plan, enterprise, other_enterprise, declare, bureau_staff):
    """Before the plan: one result of enterprise A. In 2024: two more of A, one of B.
    In 2025: one of B, withdrawn in March 2025."""
    declare(enterprise, model="A-0", published=sh(2023, 11, 20))
    declare(enterprise, model="A-1", published=sh(2024, 3, 5))
    declare(enterprise, model="A-2", published=sh(2024, 8, 5))
    declare(other_enterprise, model="B-1", published=sh(2024, 9, 9))
    late = declare(other_enterprise, model="B-2", published=sh(2025, 1, 8))
    declaration_withdraw(declaration=late, actor=bureau_staff, comment="数据有误", at=sh(2025, 3, 3))
    declare(other_enterprise, model="B-DRAFT")  # never counts
    return plan


def figures(response):
    return {m.key: m.count for m in response.context["dashboard"].measures}


# ---------------------------------------------------------------------------
# who may open it
# ---------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_login(client, db):
    for url in (URL, REPORT):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_enterprise_users_may_not_open_it(client, enterprise_user):
    client.force_login(enterprise_user)
    assert client.get(URL).status_code == 403
    assert client.get(REPORT).status_code == 403


@pytest.mark.parametrize("user", ["bureau_staff", "manager"])
def test_bureau_staff_and_managers_see_the_whole_city(client, request, records, office, other_office, user):
    client.force_login(request.getfixturevalue(user))
    response = client.get(URL, {"as_of": "2024-12-31"})

    assert response.status_code == 200
    assert figures(response) == {"schemes": 1, "enterprises": 2, "results": 4}
    assert {row.office for row in response.context["dashboard"].offices} == {office, other_office}
    assert "千项计划进度" in response.content.decode()


def test_branch_staff_see_their_own_offices_share(client, records, branch_staff, office, plan):
    client.force_login(branch_staff)
    response = client.get(URL, {"as_of": "2024-12-31"})
    dashboard = response.context["dashboard"]

    assert dashboard.branch_office == office
    # Enterprise A (their office) has three results; B's are another office's. Schemes are the city's.
    assert figures(response) == {"schemes": 1, "enterprises": 1, "results": 3}
    assert [row.office for row in dashboard.offices] == [office]
    targets = {m.key: m.target for m in dashboard.measures}
    assert targets == {"schemes": 10, "enterprises": 2, "results": 4}  # the office's quota
    assert "西城市场监管所" not in response.content.decode()


def test_a_branch_login_without_an_office_is_refused(client, db):
    from benchmarking.choices import Role
    from tests.factories import make_user

    client.force_login(make_user(Role.BRANCH_STAFF, username="branch_nowhere"))
    assert client.get(URL).status_code == 403


# ---------------------------------------------------------------------------
# as of a day
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["2023-12-31", "2024-06-30", "2025-02-28", "2025-03-31"])
def test_figures_as_of_a_past_day_follow_the_counting_rule(client, manager, records, day):
    client.force_login(manager)
    response = client.get(URL, {"as_of": day})
    expected = progress_as_of(dt.date.fromisoformat(day))

    assert figures(response) == {
        "schemes": expected.schemes,
        "enterprises": expected.enterprises,
        "results": expected.results,
    }


def test_a_result_withdrawn_later_still_counts_on_the_day_before(client, manager, records):
    client.force_login(manager)
    assert figures(client.get(URL, {"as_of": "2025-02-28"}))["results"] == 5
    assert figures(client.get(URL, {"as_of": "2025-03-31"}))["results"] == 4


@pytest.mark.parametrize(
    ("value", "message"),
    [("2024-13-45", "请输入有效日期"), ("yesterday", "请输入有效日期"), ("2999-01-01", "不能晚于今天")],
)
def test_a_bad_as_of_day_is_explained_and_today_shown(client, manager, records, value, message):
    client.force_login(manager)
    response = client.get(URL, {"as_of": value})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["dashboard"].as_of == timezone.localdate()


def test_the_report_of_a_bad_day_goes_back_to_the_page_that_explains_it(client, manager, records):
    client.force_login(manager)
    response = client.get(REPORT, {"as_of": "not-a-day"})
    assert response.status_code == 302
    assert response.url == f"{URL}?as_of=not-a-day"


# ---------------------------------------------------------------------------
# pace, projection, 考核
# ---------------------------------------------------------------------------


def test_pace_runs_from_the_count_before_the_plan_to_the_target(client, manager, records):
    client.force_login(manager)
    dashboard = client.get(URL, {"as_of": "2025-07-01"}).context["dashboard"]
    results = dashboard.measure("results")

    # 1 result before the plan; 548 of 1096 days gone at the end of 1 July 2025 → halfway to 12.
    assert dashboard.elapsed == pytest.approx(548 / 1096)
    assert results.baseline == 1
    assert results.expected == round(1 + 11 * 548 / 1096)
    assert results.count == 4
    assert results.ahead_by == 4 - results.expected < 0
    # Nothing was published in the 90 days before: no date can be projected.
    assert results.projected_on is None


def test_projection_uses_the_rate_of_the_last_90_days(client, manager, records, declare, enterprise):
    for n in range(3):
        declare(enterprise, model=f"A-R{n}", published=sh(2025, 6, 1 + n))
    client.force_login(manager)
    results = client.get(URL, {"as_of": "2025-07-01"}).context["dashboard"].measure("results")

    # 3 in the 90 days to 1 July: 5 to go at 1/30 a day → 150 days.
    assert results.count == 7
    assert results.projected_on == dt.date(2025, 7, 1) + dt.timedelta(days=150)


def test_offices_are_ranked_by_completion_and_laggards_marked(client, manager, records, office, other_office):
    client.force_login(manager)
    response = client.get(URL, {"as_of": "2024-12-31"})
    rows = {row.office: row for row in response.context["dashboard"].offices}

    # 东城: 1 of 2 enterprises, 3 of 4 results → 62.5%; 西城: 1 of 4, 1 of 8 → 18.75%.
    assert rows[office].completion == pytest.approx(0.625)
    assert rows[other_office].completion == pytest.approx(0.1875)
    assert (rows[office].rank, rows[other_office].rank) == (1, 2)
    # A third of the plan's time is gone by: 西城 is behind it, 东城 is not.
    assert rows[other_office].behind_pace and not rows[office].behind_pace
    assert response.content.decode().count('class="laggard"') == 1


def test_an_office_without_a_quota_is_listed_unranked(client, manager, records):
    unassessed = BranchOfficeFactory(name="新设监管所", code="XS")
    client.force_login(manager)
    rows = client.get(URL).context["dashboard"].offices

    assert rows[-1].office == unassessed
    assert (rows[-1].rank, rows[-1].completion) == (None, None)


@pytest.mark.parametrize(
    ("sort", "first"), [("-completion", "东城"), ("completion", "西城"), ("-results", "东城")]
)
def test_the_assessment_table_sorts_by_column(client, manager, records, sort, first):
    client.force_login(manager)
    rows = client.get(URL, {"as_of": "2024-12-31", "sort": sort}).context["dashboard"].offices
    assert rows[0].office.name.startswith(first)


def test_an_unknown_sort_is_explained(client, manager, records):
    client.force_login(manager)
    response = client.get(URL, {"sort": "password"})
    assert response.status_code == 200
    assert "无法按该列排序" in response.content.decode()


def test_industry_breakdown_counts_enterprises_under_their_industry(client, manager, records, enterprise):
    client.force_login(manager)
    rows = {r.industry: r for r in client.get(URL, {"as_of": "2024-12-31"}).context["dashboard"].industries}
    assert rows[enterprise.industry].results == 3
    assert rows[enterprise.industry].enterprises == 1


# ---------------------------------------------------------------------------
# every figure leads to its records
# ---------------------------------------------------------------------------


def _linked_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page_obj"].paginator.count


def test_every_figure_links_to_the_list_of_exactly_what_it_counts(client, manager, records):
    client.force_login(manager)
    response = client.get(URL, {"as_of": "2025-02-28"})
    context = response.context

    for measure, url, _chart in context["measures"]:
        assert parse_qs(urlsplit(url).query)["counted_on"] == ["2025-02-28"]
        assert _linked_count(client, url) == measure.count, measure.key
    for row, enterprises_url, results_url in context["offices"]:
        assert _linked_count(client, enterprises_url) == row.enterprises
        assert _linked_count(client, results_url) == row.results
    for row, schemes_url, enterprises_url, results_url in context["industries"]:
        assert _linked_count(client, schemes_url) == row.schemes
        assert _linked_count(client, enterprises_url) == row.enterprises
        assert _linked_count(client, results_url) == row.results
    page = response.content.decode()
    assert "/declarations/?counted_on=2025-02-28" in page


def test_the_trend_chart_is_drawn_on_the_server(client, manager, records):
    client.force_login(manager)
    page = client.get(URL, {"as_of": "2025-03-31"}).content.decode()
    assert page.count('<svg class="trend-chart"') == 3
    assert page.count('<polyline class="actual"') == 3
    assert "<script" not in page


def test_without_an_active_plan_the_counts_still_show(client, manager, records):
    Plan.objects.update(is_active=False)
    client.force_login(manager)
    response = client.get(URL, {"as_of": "2024-12-31"})

    assert response.status_code == 200
    assert figures(response)["results"] == 4
    assert "尚未设置当前千项计划" in response.content.decode()


# ---------------------------------------------------------------------------
# the .xlsx report
# ---------------------------------------------------------------------------


def test_the_report_holds_the_dashboards_numbers_as_numbers(client, manager, records, office):
    client.force_login(manager)
    dashboard = client.get(URL, {"as_of": "2024-12-31"}).context["dashboard"]
    response = client.get(REPORT, {"as_of": "2024-12-31"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "2024-12-31.xlsx" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["汇总", "监管所考核", "行业", "月度趋势"]

    summary = _table(book["汇总"], "指标")
    assert [row["完成数"] for row in summary] == [m.count for m in dashboard.measures]
    assert summary[2]["完成率"] == pytest.approx(4 / 12)
    offices = {row["监管所"]: row for row in _table(book["监管所考核"], "排名")}
    assert offices[office.name]["对标结果"] == 3
    assert offices[office.name]["完成率"] == pytest.approx(0.625)
    trend = _table(book["月度趋势"], "月份")
    assert trend[0]["月份"] == dt.datetime(2023, 12, 1)
    assert trend[-1]["发布对标结果（累计）"] == 4
    assert all(isinstance(row["发布对标结果（累计）"], int) for row in trend)


def test_the_report_neutralises_formula_like_names(client, manager, records):
    office = BranchOfficeFactory(name='=HYPERLINK("http://evil")', code="EV")
    industry = IndustryFactory(name="@SUM(1+1)")
    EnterpriseFactory(branch_office=office, industry=industry)
    client.force_login(manager)
    book = openpyxl.load_workbook(io.BytesIO(client.get(REPORT).content))

    offices = {row["监管所"] for row in _table(book["监管所考核"], "排名")}
    assert '=HYPERLINK("http://evil")' in offices
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    formula_like = [c for c in cells if isinstance(c.value, str) and c.value[:1] in "=@"]
    assert {c.value for c in formula_like} == {'=HYPERLINK("http://evil")', "@SUM(1+1)"}
    assert all(c.data_type == "s" and c.quotePrefix for c in formula_like)


def _table(sheet, first_header: str) -> list[dict]:
    """The rows under the header row (the one starting with ``first_header``) as dicts."""
    rows = list(sheet.iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] == first_header)
    headers = rows[start]
    return [dict(zip(headers, row, strict=True)) for row in rows[start + 1 :]]


def test_a_branch_office_sees_its_rank_among_all_offices(client, records, other_branch_staff, other_office):
    client.force_login(other_branch_staff)
    rows = client.get(URL, {"as_of": "2024-12-31"}).context["dashboard"].offices
    assert [(row.office, row.rank) for row in rows] == [(other_office, 2)]
