"""The 千项计划 progress dashboard's pages: who may open it and whose share each viewer sees,
its parameters and their error messages, where its figures lead, the rendered page and the
.xlsx report. What it counts is tests/selectors/test_dashboard.py."""

import datetime as dt
import io
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from benchmarking.models import Plan
from tests.factories import BranchOfficeFactory, EnterpriseFactory, IndustryFactory

URL = reverse("progress-dashboard")
REPORT = reverse("progress-report")


def figures(response):
    return {m.key: m.count for m in response.context["dashboard"].measures}


# ---------------------------------------------------------------------------
# who may open it, and whose share each viewer sees
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
    page = response.content.decode()
    assert "千项计划进度" in page
    # 西城 trails the third of the plan's time gone by more than 10 points: red; 东城 is ahead:
    # green (tests/selectors/test_dashboard.py, test_offices_are_ranked_by_completion_and_laggards_marked).
    assert page.count('class="pace-behind"') == 1
    assert page.count('class="pace-ahead"') == 1
    assert "落后超过 10 个百分点</strong>" in page
    # The legend says what the time gone is and what each colour means.
    elapsed = response.context["dashboard"].elapsed
    assert f"时间进度 {elapsed:.1%}：" in page
    for words in ("绿色 达到或超过时间进度", "黄色 落后不超过 10 个百分点", "红色 落后超过 10 个百分点"):
        assert words in page


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
# parameters: the as-of day and the 考核 table's order
# ---------------------------------------------------------------------------


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


def test_an_unknown_sort_is_explained(client, manager, records):
    client.force_login(manager)
    response = client.get(URL, {"sort": "password"})
    assert response.status_code == 200
    assert "无法按该列排序" in response.content.decode()


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


# ---------------------------------------------------------------------------
# the rendered page
# ---------------------------------------------------------------------------


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
    # The same banding as the page's colours, in words.
    assert offices[office.name]["对照时间进度"] == "绿色：达到或超过时间进度"
    assert offices["西城市场监管所"]["对照时间进度"] == "红色：落后超过 10 个百分点"
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
