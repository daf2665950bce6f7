"""Records entered after a day that change its figures (selectors.progress.entered_later): the
as-of dashboard says so, with how many and a link to them, and the linked lists
(``entered_after`` with ``counted_on``) show exactly those records, scoped as the lists are."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from benchmarking.models import Declaration, TechnicalScheme
from benchmarking.selectors.dashboard import dashboard_for
from benchmarking.selectors.progress import EnteredLater, entered_later, progress_as_of
from benchmarking.services.declarations import declaration_withdraw
from benchmarking.services.schemes import scheme_publish
from tests.conftest import sh
from tests.factories import EnterpriseFactory, IndicatorFactory, SchemeFactory

DAY = dt.date(2024, 12, 31)
DASHBOARD = reverse("progress-dashboard")


def entered_as_made():
    """Date every record's entry when it was made, as a tracker used day by day has them (the
    fixtures create them now, with past moves)."""
    for model in (Declaration, TechnicalScheme):
        model.objects.update(created_at=Coalesce(F("published_at"), F("created_at")))


@pytest.fixture
def lived(records):
    """The ``records`` of conftest, entered as they happened."""
    entered_as_made()
    return records


@pytest.fixture
def imported_later(lived, declare, enterprise, other_enterprise, office, bureau_staff):
    """Entered today, dated in the past: two results counted on DAY (one of a new enterprise
    of 东城, one of 西城's enterprise 乙, which already counted), a scheme published before DAY,
    and two that do not count on DAY (withdrawn before it; published after it)."""
    newcomer = EnterpriseFactory(name="永康补录工贸有限公司", branch_office=office)
    later = {
        "newcomer": declare(newcomer, model="L-1", published=sh(2024, 6, 1)),
        "other": declare(other_enterprise, model="L-2", published=sh(2024, 10, 1)),
    }
    gone = declare(enterprise, model="L-GONE", published=sh(2024, 2, 1))
    declaration_withdraw(declaration=gone, actor=bureau_staff, comment="有误", at=sh(2024, 4, 1))
    declare(enterprise, model="L-AFTER", published=sh(2025, 2, 1))
    scheme = SchemeFactory(code="YKDB-LATE-001")
    IndicatorFactory(scheme=scheme)
    later["scheme"] = scheme_publish(scheme=scheme, actor=bureau_staff, at=sh(2024, 7, 1))
    return later


def listed(response) -> set:
    return set(response.context["page_obj"].object_list)


def notice_links(page: str) -> list[str]:
    start = page.index('class="notice entered-later"')
    block = page[start : page.index("</div>", start)]
    return [part.split('"', 1)[0].replace("&amp;", "&") for part in block.split('href="')[1:]]


# -- the selector ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_records_entered_as_they_happened_change_no_past_day(lived):
    for day in (dt.date(2023, 12, 31), DAY, dt.date(2025, 3, 31)):
        assert entered_later(day) == EnteredLater(day=day)
        assert dashboard_for(as_of=day).entered_later.records == 0


@pytest.mark.django_db
def test_records_entered_later_are_counted_on_the_days_they_change(imported_later):
    assert entered_later(DAY) == EnteredLater(day=DAY, results=2, schemes=1, enterprises=1)
    assert entered_later(DAY).records == 3
    # The difference between the day's figures now and what that day's report showed.
    assert progress_as_of(DAY).results == 4 + 2
    # Before the first of them was published the day is as it was; between, one by one.
    assert entered_later(dt.date(2024, 5, 31)) == EnteredLater(day=dt.date(2024, 5, 31))
    assert entered_later(dt.date(2024, 6, 1)) == EnteredLater(
        day=dt.date(2024, 6, 1), results=1, enterprises=1
    )
    # Withdrawn before the day (L-GONE) or published after it (L-AFTER): the day is untouched.
    assert entered_later(dt.date(2024, 3, 1)).results == 1  # L-GONE counted then
    assert entered_later(dt.date(2025, 2, 28)).results == 3  # and L-AFTER from February


@pytest.mark.django_db
def test_a_branch_office_sees_its_own_results_and_the_citys_schemes(imported_later, office, other_office):
    assert entered_later(DAY, branch_office_id=office.pk) == EnteredLater(
        day=DAY, results=1, schemes=1, enterprises=1
    )
    assert entered_later(DAY, branch_office_id=other_office.pk) == EnteredLater(
        day=DAY, results=1, schemes=1, enterprises=0
    )


@pytest.mark.django_db
def test_today_is_never_changed_by_later_entries(imported_later, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert entered_later(timezone.localdate()).records == 0
    assert dashboard_for(as_of=timezone.localdate()).entered_later is None


# -- the dashboard's notice and the lists it links to ---------------------------------------------


@pytest.mark.django_db
def test_the_as_of_dashboard_says_how_many_later_entries_changed_the_day(client, manager, imported_later):
    client.force_login(manager)
    page = client.get(DASHBOARD, {"as_of": DAY.isoformat()}).content.decode()
    assert "该日数据已被之后补录的 3 条记录改变" in page
    assert "补录的对标结果 2 条" in page and "完成对标企业因此多计 1 家" in page
    assert "补录的技术方案 1 项" in page
    results_url, schemes_url = notice_links(page)
    assert parse_qs(urlsplit(results_url).query) == {
        "counted_on": [DAY.isoformat()],
        "entered_after": [DAY.isoformat()],
    }
    # The linked lists show exactly those records.
    assert listed(client.get(results_url)) == {imported_later["newcomer"], imported_later["other"]}
    assert listed(client.get(schemes_url)) == {imported_later["scheme"]}
    assert escape(results_url) in page


@pytest.mark.django_db
def test_no_notice_when_nothing_entered_later_changed_the_day(client, manager, imported_later):
    client.force_login(manager)
    for params in ({"as_of": "2024-05-31"}, {}):
        page = client.get(DASHBOARD, params).content.decode()
        assert "之后补录" not in page and "entered-later" not in page


@pytest.mark.django_db
def test_a_branch_office_sees_only_its_own_later_entries(
    client, branch_staff, other_branch_staff, imported_later, office
):
    client.force_login(branch_staff)
    page = client.get(DASHBOARD, {"as_of": DAY.isoformat()}).content.decode()
    assert "该日数据已被之后补录的 2 条记录改变" in page and "补录的对标结果 1 条" in page
    results_url, _schemes_url = notice_links(page)
    assert parse_qs(urlsplit(results_url).query)["branch_office"] == [str(office.pk)]
    assert listed(client.get(results_url)) == {imported_later["newcomer"]}
    # The filter is scoped as the list is: without the office, still only its own.
    bare = reverse("declaration-list") + f"?counted_on={DAY}&entered_after={DAY}"
    assert listed(client.get(bare)) == {imported_later["newcomer"]}
    client.force_login(other_branch_staff)
    assert listed(client.get(bare)) == {imported_later["other"]}


@pytest.mark.django_db
def test_entered_after_alone_lists_what_was_entered_since_and_refuses_a_bad_date(
    client, bureau_staff, imported_later
):
    client.force_login(bureau_staff)
    everything_today = listed(client.get(reverse("declaration-list"), {"entered_after": DAY.isoformat()}))
    assert {imported_later["newcomer"], imported_later["other"]} < everything_today
    assert all(d.created_at.date() > DAY for d in everything_today)
    response = client.get(reverse("declaration-list"), {"entered_after": "2024-13-01"})
    assert response.status_code == 200 and response.context["filter_errors"]
