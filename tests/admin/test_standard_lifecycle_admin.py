"""Standards over time in the admin: status, dates, what a standard replaces and its adoption,
entered by staff; the standards it replaces become 被代替 by the service's rule; refusals in
Chinese beside their fields, never a 500."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from benchmarking.choices import StandardStatus
from benchmarking.models import Standard
from benchmarking.services.standards import REPLACED_REASON, apply_calendar
from tests.factories import StandardFactory

ADD = reverse("admin:benchmarking_standard_add")
LIST = reverse("admin:benchmarking_standard_changelist")


def change_url(standard) -> str:
    return reverse("admin:benchmarking_standard_change", args=[standard.pk])


@pytest.fixture
def staff_client(client, bureau_staff):
    client.force_login(bureau_staff)
    return client


def form(**overrides) -> dict:
    data = {
        "number": "GB/T 29606—2023",
        "title": "不锈钢真空杯",
        "kind": "",
        "status": StandardStatus.CURRENT,
        "published_on": "",
        "implemented_on": "",
        "withdrawn_on": "",
        "adoption_degree": "",
        "adopted_standard": "",
    }
    return {**data, **overrides}


def today() -> dt.date:
    return timezone.localdate()


@pytest.mark.django_db
def test_the_form_groups_the_new_fields_and_says_what_the_calendar_does(staff_client):
    page = staff_client.get(ADD).content.decode()
    for heading in ("基本信息", "状态与日期", "代替关系", "采标"):
        assert f">{heading}<" in page
    for label in (
        "标准状态",
        "发布日期",
        "实施日期",
        "废止日期",
        "代替标准",
        "采标程度",
        "采用的国际/国外标准",
    ):
        assert label in page
    assert "实施日期晚于今天的标准保存为“即将实施”" in page
    # 代替标准 is searched, not a list of every standard.
    assert "data-autocomplete-light-url" in page or "admin-autocomplete" in page


@pytest.mark.django_db
def test_a_new_standard_replacing_one_in_force_withdraws_it_with_history(staff_client, bureau_staff):
    old = StandardFactory(number="GB/T 29606—2013", status=StandardStatus.CURRENT)
    already_abolished = StandardFactory(status=StandardStatus.ABOLISHED, withdrawn_on=dt.date(2019, 1, 1))
    implemented = today() - dt.timedelta(days=10)
    response = staff_client.post(
        ADD,
        form(
            published_on=(implemented - dt.timedelta(days=180)).isoformat(),
            implemented_on=implemented.isoformat(),
            replaces=[old.pk, already_abolished.pk],
        ),
    )
    assert response.status_code == 302, response.content.decode()
    new = Standard.objects.get(number="GB/T 29606—2023")
    assert set(new.replaces.all()) == {old, already_abolished}
    old.refresh_from_db()
    assert old.status == StandardStatus.REPLACED
    assert old.withdrawn_on == implemented
    record = old.history.first()
    assert record.history_user == bureau_staff
    assert record.history_change_reason == REPLACED_REASON % {"number": new.number}
    # A standard already 废止 keeps its own record.
    already_abolished.refresh_from_db()
    assert already_abolished.status == StandardStatus.ABOLISHED
    assert already_abolished.withdrawn_on == dt.date(2019, 1, 1)
    # Its change page names what replaced it.
    page = staff_client.get(change_url(old)).content.decode()
    assert "被以下标准代替" in page
    assert "GB/T 29606—2023" in page


@pytest.mark.django_db
def test_a_replacement_not_yet_in_force_leaves_the_old_one_current_until_the_day(staff_client):
    old = StandardFactory(status=StandardStatus.CURRENT)
    implemented = today() + dt.timedelta(days=30)
    response = staff_client.post(ADD, form(implemented_on=implemented.isoformat(), replaces=[old.pk]))
    assert response.status_code == 302
    new = Standard.objects.get(number="GB/T 29606—2023")
    # 现行 with an implementation date to come is saved as 即将实施.
    assert new.status == StandardStatus.UPCOMING
    old.refresh_from_db()
    assert (old.status, old.withdrawn_on) == (StandardStatus.CURRENT, implemented)
    apply_calendar(implemented)
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.status == StandardStatus.REPLACED
    assert new.status == StandardStatus.CURRENT


@pytest.mark.django_db
def test_editing_status_and_dates_of_a_stored_standard(staff_client):
    standard = StandardFactory(status=StandardStatus.UPCOMING, implemented_on=today() + dt.timedelta(days=5))
    response = staff_client.post(
        change_url(standard),
        form(
            number=standard.number,
            title=standard.title,
            status=StandardStatus.ABOLISHED,
            implemented_on="2020-01-01",
            withdrawn_on="2024-06-30",
            adoption_degree="MOD",
            adopted_standard="ISO  8442-1:2008",
        ),
    )
    assert response.status_code == 302
    standard.refresh_from_db()
    assert standard.status == StandardStatus.ABOLISHED
    assert standard.withdrawn_on == dt.date(2024, 6, 30)
    assert (standard.adoption_degree, standard.adopted_standard) == ("MOD", "ISO 8442-1:2008")
    # 即将实施 whose date has come is saved 现行.
    response = staff_client.post(
        change_url(standard),
        form(
            number=standard.number,
            title=standard.title,
            status=StandardStatus.UPCOMING,
            implemented_on="2020-01-01",
        ),
    )
    assert response.status_code == 302
    standard.refresh_from_db()
    assert standard.status == StandardStatus.CURRENT


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"status": StandardStatus.ABOLISHED}, "标准状态为废止或被代替时，请填写废止日期。"),
        ({"published_on": "2023-05-01", "implemented_on": "2023-01-01"}, "实施日期不能早于发布日期。"),
        ({"adopted_standard": "ISO 8442-1:2008"}, "请选择采标程度"),
        ({"adoption_degree": "IDT"}, "请同时填写所采用的国际/国外标准编号"),
        ({"implemented_on": "2023-02-30"}, "日期"),
        ({"status": "obsolete"}, "选择一个有效的选项"),
    ],
)
def test_bad_input_is_a_chinese_error_beside_the_field(staff_client, overrides, message):
    response = staff_client.post(ADD, form(**overrides))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "errorlist" in page
    assert not Standard.objects.exists()


@pytest.mark.django_db
def test_a_standard_cannot_replace_itself(staff_client):
    standard = StandardFactory()
    response = staff_client.post(
        change_url(standard), form(number=standard.number, title=standard.title, replaces=[standard.pk])
    )
    assert response.status_code == 200
    assert "标准不能代替它自己。" in response.content.decode()
    assert not standard.replaces.exists()


@pytest.mark.django_db
def test_a_replacement_that_would_leave_the_old_one_invalid_is_refused_and_writes_nothing(staff_client):
    # The old standard was published after the new one's implementation: withdrawn before it was published.
    old = StandardFactory(status=StandardStatus.CURRENT, published_on=dt.date(2022, 3, 1))
    response = staff_client.post(ADD, form(implemented_on="2021-01-01", replaces=[old.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"「{old.number}」被代替后：废止日期不能早于发布日期。" in page
    assert not Standard.objects.filter(number="GB/T 29606—2023").exists()
    old.refresh_from_db()
    assert (old.status, old.withdrawn_on) == (StandardStatus.CURRENT, None)


@pytest.mark.django_db
def test_the_list_shows_status_and_dates_filters_by_status_and_search_still_normalises(staff_client):
    StandardFactory(
        number="GB/T 1.1—2020", status=StandardStatus.CURRENT, implemented_on=dt.date(2020, 10, 1)
    )
    StandardFactory(
        number="GB/T 2.1—2027", status=StandardStatus.UPCOMING, implemented_on=dt.date(2027, 1, 1)
    )
    page = staff_client.get(LIST).content.decode()
    assert "即将实施" in page and "现行" in page
    assert "2027年1月1日" in page or "2027-01-01" in page
    filtered = staff_client.get(LIST, {"status__exact": StandardStatus.UPCOMING}).content.decode()
    assert "GB/T 2.1—2027" in filtered and "GB/T 1.1—2020" not in filtered
    found = staff_client.get(LIST, {"q": "gb/t 1.1-2020"}).content.decode()
    assert "GB/T 1.1—2020" in found and "GB/T 2.1—2027" not in found


@pytest.mark.django_db
def test_the_list_costs_the_same_at_5_and_at_30_standards(staff_client, django_assert_max_num_queries):
    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(LIST).status_code == 200
        return len(queries)

    StandardFactory.create_batch(5, status=StandardStatus.UPCOMING, implemented_on=dt.date(2027, 1, 1))
    at_five = count()
    StandardFactory.create_batch(25, status=StandardStatus.CURRENT)
    with django_assert_max_num_queries(at_five):
        assert staff_client.get(LIST).status_code == 200
