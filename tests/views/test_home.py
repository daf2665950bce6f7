"""The staff home page (``/``): what waits for each role and how the plan stands, read from
the review queue's and the dashboard's own selectors, in a fixed number of queries."""

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from benchmarking.choices import Role
from benchmarking.models import PlanQuota
from benchmarking.selectors.dashboard import dashboard_for
from benchmarking.selectors.declarations import pending_review
from benchmarking.selectors.home import calendar_days_since
from benchmarking.services.declarations import declaration_create, declaration_return, declaration_submit
from tests.factories import BranchOfficeFactory, EnterpriseFactory, make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def submit(scheme, executed_standard, bureau_staff):
    """submit(enterprise, model=…, days_ago=…, returned=False): a declaration its enterprise
    submitted ``days_ago`` days ago (then returned by bureau staff if ``returned``)."""
    indicators = dict(scheme.indicators.values_list("name", "pk"))

    def make(enterprise, *, model, days_ago=1, returned=False):
        user = make_user(Role.ENTERPRISE, username=f"u-{model}", enterprise=enterprise)
        at = timezone.now() - dt.timedelta(days=days_ago)
        declaration = declaration_create(
            actor=user,
            enterprise=enterprise,
            scheme=scheme,
            product_name="真空保温杯",
            product_model=model,
            executed_standard=executed_standard,
            values={
                indicators["保温效能"]: Decimal("13"),
                indicators["铅迁移量"]: Decimal("0.005"),
                indicators["外观"]: True,
            },
            at=at - dt.timedelta(hours=1),
        )
        declaration = declaration_submit(declaration=declaration, actor=user, at=at)
        if returned:
            declaration = declaration_return(
                declaration=declaration, actor=bureau_staff, comment="请补充检测报告"
            )
        return declaration

    return make


@pytest.fixture
def waiting(submit, enterprise, other_enterprise):
    """东城所: two waiting (the older 9 days), one returned. 西城所: one waiting 20 days, two returned."""
    return {
        "own_old": submit(enterprise, model="DC-1", days_ago=9),
        "own_new": submit(enterprise, model="DC-2", days_ago=2),
        "own_returned": submit(enterprise, model="DC-3", returned=True),
        "other_old": submit(other_enterprise, model="XC-1", days_ago=20),
        "other_returned_1": submit(other_enterprise, model="XC-2", returned=True),
        "other_returned_2": submit(other_enterprise, model="XC-3", returned=True),
    }


def tile(html: str, name: str) -> str:
    match = re.search(rf'<a [^>]*data-tile="{name}"[^>]*>.*?</a>', html, re.S)
    assert match, f"no {name} tile"
    return match.group(0)


def figure(html: str) -> str:
    return re.search(r'class="home-tile-figure">(\d+)', html).group(1)


def page(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


# -- what waits for a reviewer ----------------------------------------------------------------


def test_branch_staff_see_what_waits_in_their_office_only(client, branch_staff, waiting):
    html = page(client, branch_staff)
    pending = tile(html, "pending")
    assert figure(pending) == "2" == str(pending_review(branch_staff).count())
    assert f'href="{reverse("review-queue")}"' in pending
    oldest = tile(html, "oldest")
    assert figure(oldest) == "9"
    assert f'href="{reverse("review-detail", args=[waiting["own_old"].pk])}"' in oldest
    returned = tile(html, "returned")
    assert figure(returned) == "1"
    assert 'href="/declarations/?status=returned"' in returned


def test_bureau_staff_see_what_waits_in_every_office(client, bureau_staff, waiting):
    html = page(client, bureau_staff)
    assert figure(tile(html, "pending")) == "3"
    oldest = tile(html, "oldest")
    assert figure(oldest) == "20"
    assert reverse("review-detail", args=[waiting["other_old"].pk]) in oldest
    assert figure(tile(html, "returned")) == "3"


def test_the_returned_link_lists_exactly_those_declarations(client, branch_staff, waiting):
    html = page(client, branch_staff)
    response = client.get("/declarations/?status=returned")
    assert [d.pk for d in response.context["object_list"]] == [waiting["own_returned"].pk]
    assert figure(tile(html, "returned")) == "1"


def test_an_empty_queue_shows_no_oldest_tile(client, branch_staff, scheme):
    html = page(client, branch_staff)
    assert figure(tile(html, "pending")) == "0"
    assert "没有等待审核的声明" in html
    assert 'data-tile="oldest"' not in html


def test_waiting_days_are_beijing_calendar_days():
    today = dt.date(2026, 3, 10)
    # Submitted at 23:50 Beijing time the day before: one calendar day, though 10 minutes ago.
    late_yesterday = dt.datetime(2026, 3, 9, 23, 50, tzinfo=SHANGHAI)
    assert calendar_days_since(late_yesterday, today) == 1
    # 00:10 Beijing is still the previous day in UTC: the Beijing day counts.
    early_today = dt.datetime(2026, 3, 10, 0, 10, tzinfo=SHANGHAI)
    assert calendar_days_since(early_today.astimezone(dt.UTC), today) == 0


# -- the plan's figures, as the dashboard computes them -------------------------------------------


def test_bureau_staff_see_the_citys_figures_with_pace_and_the_lowest_offices(client, bureau_staff, records):
    html = page(client, bureau_staff)
    dashboard = dashboard_for(as_of=timezone.localdate())
    for measure in dashboard.measures:
        block = re.search(rf'data-measure="{measure.key}".*?</article>', html, re.S).group(0)
        assert f">{measure.count}</a>" in block and f"/ {measure.target}" in block
        pace = re.search(r"data-pace>([^<]*)<", block).group(1)
        assert pace == (
            f"超前 {measure.ahead_by} 项"
            if measure.ahead_by > 0
            else f"落后 {measure.behind_by} 项"
            if measure.ahead_by < 0
            else "与进度持平"
        )
    results = re.search(r'data-measure="results".*?</article>', html, re.S).group(0)
    today = timezone.localdate().isoformat()
    assert f'href="/declarations/?counted_on={today}"' in results
    assert "完成率最低的基层所" in html


def test_the_lowest_offices_are_the_dashboards_bottom_three(client, manager, plan, records):
    # Five offices with quotas: the three lowest in completion are named, lowest first.
    for code in ("N1", "N2", "N3"):
        PlanQuota.objects.create(
            plan=plan, branch_office=BranchOfficeFactory(code=code), enterprises=1, results=1
        )
    html = page(client, manager)
    rows = re.findall(r'<tr[^>]*data-office="(\d+)"', html)
    dashboard = dashboard_for(as_of=timezone.localdate(), sort="completion")
    expected = [row.office.pk for row in dashboard.offices if row.completion is not None][:3]
    assert [int(pk) for pk in rows] == expected
    # Each row wears the dashboard's 考核 colour (rules.pace_band).
    bands = {row.office.pk: row.pace_band for row in dashboard.offices}
    for pk in expected:
        assert f'<tr class="pace-{bands[pk]}" data-office="{pk}">' in html
    completions = {row.office.pk: row.completion for row in dashboard.offices}
    assert max(completions[pk] for pk in expected) <= min(
        c for pk, c in completions.items() if c is not None and pk not in expected
    )
    assert "/ 5</td>" in html  # rank among the five ranked offices


def test_branch_staff_see_their_office_rank_and_share(client, branch_staff, office, records):
    html = page(client, branch_staff)
    dashboard = dashboard_for(as_of=timezone.localdate(), branch_office=office)
    own = dashboard.offices[0]
    block = re.search(r'class="card home-office".*?</section>', html, re.S).group(0)
    assert f"排名第 <strong>{own.rank}</strong> / 2" in block
    assert f"{own.enterprises} / {own.enterprise_quota} 家" in block
    assert f'class="pace-key pace-{own.pace_band}"' in block and str(own.pace_band.label) in block
    # Their share of the plan, as their dashboard shows it; schemes stay the city's.
    enterprises = re.search(r'data-measure="enterprises".*?</article>', html, re.S).group(0)
    assert f"/ {own.enterprise_quota}" in enterprises
    assert f"branch_office={office.pk}" in enterprises
    assert "（全市）" in re.search(r'data-measure="schemes".*?</article>', html, re.S).group(0)
    assert "完成率最低的基层所" not in html  # other offices' figures are not theirs to see


def test_a_branch_login_without_an_office_is_told_so(client, db, scheme):
    html = page(client, make_user(Role.BRANCH_STAFF, username="lost"))
    assert "尚未关联基层市场监管所" in html
    assert 'data-measure="' not in html


# -- managers: read-only ---------------------------------------------------------------------------


def test_managers_see_no_review_work_and_no_admin_link(client, manager, records):
    html = page(client, manager)
    assert 'data-tile="pending"' not in html
    assert reverse("admin:index") not in html  # neither the button nor the nav link
    assert reverse("review-queue") not in html
    assert 'data-measure="results"' in html


@pytest.mark.parametrize("who", ["bureau_staff", "branch_staff"])
def test_those_who_enter_records_get_the_admin_link(client, request, who, plan):
    html = page(client, request.getfixturevalue(who))
    nav = re.search(r"<nav>.*?</nav>", html, re.S).group(0)
    assert f'href="{reverse("admin:index")}"' in nav
    assert "进入数据录入与审核" in html


def test_anonymous_visitors_get_the_login_and_public_links(client, db):
    html = client.get(reverse("home")).content.decode()
    assert reverse("login") in html and reverse("public-results") in html
    assert "data-measure" not in html


def test_enterprise_users_go_to_their_portal(client, enterprise_user):
    client.force_login(enterprise_user)
    assert client.get(reverse("home")).url == reverse("portal-home")


# -- a fixed number of queries, whatever the number of records --------------------------------------

# Measured and pinned, cold (nothing cached), the same at 5 and at 40 declarations: session, user
# with profile, role groups; then the review work (queue count, its oldest row, returned count);
# then the dashboard's reads (plan with quotas, counts version, the grid, offices, industries, the
# trend), and for a branch office its office.
HOME_QUERIES = {"bureau_staff": 15, "branch_staff": 16, "manager": 12}


@pytest.mark.parametrize("n", [5, 40])
@pytest.mark.parametrize("who", list(HOME_QUERIES))
def test_the_home_page_costs_a_fixed_number_of_queries(
    client, request, who, n, submit, plan, office, other_office, django_assert_num_queries
):
    for i in range(n):
        enterprise = EnterpriseFactory(branch_office=office if i % 2 else other_office)
        submit(enterprise, model=f"Q-{i}", days_ago=i % 7 + 1, returned=i % 3 == 0)
    client.force_login(request.getfixturevalue(who))
    # The first request after a test login pushes the session's expiry back (an UPDATE the
    # page itself does not cost); then nothing is cached, as after any count-changing write.
    client.get(reverse("public-results"))
    cache.clear()
    with django_assert_num_queries(HOME_QUERIES[who]):
        assert client.get(reverse("home")).status_code == 200
