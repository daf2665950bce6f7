"""The daily job: 即将实施 becomes 现行 on its implementation date, 现行 becomes 被代替 or 废止 on
its withdrawal date; once a day, idempotent, with history."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from benchmarking import schedule
from benchmarking.choices import StandardStatus
from benchmarking.models import ScheduledRun, Standard
from benchmarking.services.standards import CALENDAR_REASON, apply_calendar
from tests.factories import StandardFactory

DAY = dt.date(2027, 3, 1)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def status(standard) -> str:
    return Standard.objects.get(pk=standard.pk).status


@pytest.mark.django_db
def test_upcoming_becomes_current_on_its_date_not_before():
    standard = StandardFactory(status=StandardStatus.UPCOMING, implemented_on=DAY)
    assert apply_calendar(DAY - dt.timedelta(days=1)) == []
    assert status(standard) == StandardStatus.UPCOMING
    changes = apply_calendar(DAY)
    assert [(c.number, c.old, c.new) for c in changes] == [
        (standard.number, StandardStatus.UPCOMING, StandardStatus.CURRENT)
    ]
    assert status(standard) == StandardStatus.CURRENT
    record = Standard.objects.get(pk=standard.pk).history.first()
    assert record.history_user is None
    assert record.history_change_reason == CALENDAR_REASON


@pytest.mark.django_db
def test_withdrawal_date_makes_current_replaced_when_something_replaces_it_else_abolished():
    replaced = StandardFactory(status=StandardStatus.CURRENT, withdrawn_on=DAY)
    abolished = StandardFactory(status=StandardStatus.CURRENT, withdrawn_on=DAY - dt.timedelta(days=3))
    later = StandardFactory(status=StandardStatus.CURRENT, withdrawn_on=DAY + dt.timedelta(days=1))
    StandardFactory(status=StandardStatus.CURRENT, implemented_on=DAY).replaces.add(replaced)
    apply_calendar(DAY)
    assert status(replaced) == StandardStatus.REPLACED
    assert status(abolished) == StandardStatus.ABOLISHED
    assert status(later) == StandardStatus.CURRENT


@pytest.mark.django_db
def test_running_twice_the_same_day_changes_nothing_the_second_time():
    StandardFactory(status=StandardStatus.UPCOMING, implemented_on=DAY)
    StandardFactory(status=StandardStatus.CURRENT, withdrawn_on=DAY)
    assert len(apply_calendar(DAY)) == 2
    history = Standard.history.count()
    assert apply_calendar(DAY) == []
    assert Standard.history.count() == history


@pytest.mark.django_db
def test_the_scheduled_job_runs_once_a_day_however_often_jobs_are_queued():
    standard = StandardFactory(status=StandardStatus.UPCOMING, implemented_on=DAY)
    # Before 01:00 local time it is not due.
    assert (
        schedule.enqueue_due_jobs(
            dt.datetime(2027, 3, 1, 0, 30, tzinfo=SHANGHAI), names=["standards_calendar"]
        )
        == []
    )
    now = dt.datetime(2027, 3, 1, 1, 5, tzinfo=SHANGHAI)
    assert schedule.enqueue_due_jobs(now, names=["standards_calendar"]) == ["standards_calendar 2027-03-01"]
    assert schedule.enqueue_due_jobs(now, names=["standards_calendar"]) == []
    # The tests' immediate backend ran it with its period: the day it was due.
    assert status(standard) == StandardStatus.CURRENT
    assert ScheduledRun.objects.filter(name="standards_calendar").count() == 1


@pytest.mark.django_db
def test_run_scheduled_queues_the_standards_calendar(capsys, monkeypatch):
    standard = StandardFactory(status=StandardStatus.UPCOMING, implemented_on=DAY)
    monkeypatch.setattr("django.utils.timezone.now", lambda: dt.datetime(2027, 3, 1, 2, 0, tzinfo=SHANGHAI))
    call_command("run_scheduled", "standards_calendar")
    assert "已排队：standards_calendar 2027-03-01" in capsys.readouterr().out
    assert status(standard) == StandardStatus.CURRENT
    call_command("run_scheduled", "standards_calendar")
    assert "没有到期且未排队的定时任务" in capsys.readouterr().out
