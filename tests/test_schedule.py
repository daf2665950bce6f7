"""Jobs by the calendar (benchmarking.schedule): due from their hour, queued once per period
however many workers look, their period handed to them."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from benchmarking import schedule
from benchmarking.models import ScheduledRun

SHANGHAI = ZoneInfo("Asia/Shanghai")
RAN: list[str] = []


@task()
def remember_period(*, period: str) -> str:
    RAN.append(period)
    return period


@pytest.fixture
def calendar_jobs(monkeypatch, settings):
    """Only this module's jobs, on the given schedule (the project's own stay out of the way)."""
    RAN.clear()
    monkeypatch.setattr(schedule, "_SCHEDULED", {})
    schedule.scheduled("daily", every="day", hour=8)(remember_period)
    schedule.scheduled("weekly", every="week", hour=8)(remember_period)
    schedule.scheduled("monthly", every="month", hour=8)(remember_period)
    settings.BENCHMARKING_SCHEDULE = {}
    return settings


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def test_periods_are_the_local_day_iso_week_and_month():
    # 23:30 UTC on 6 December is already 7 December in Shanghai.
    late = dt.datetime(2026, 12, 6, 23, 30, tzinfo=dt.UTC)
    assert schedule.period_of("day", late) == "2026-12-07"
    assert schedule.period_of("week", late) == "2026-W50"
    assert schedule.period_of("month", late) == "2026-12"
    assert schedule.period_of("week", at(2027, 1, 1, 9)) == "2026-W53"


@pytest.mark.django_db
def test_a_daily_job_is_due_from_its_hour_and_queued_once_that_day(calendar_jobs):
    assert schedule.enqueue_due_jobs(at(2026, 12, 7, 7, 59), names=["daily"]) == []
    assert schedule.enqueue_due_jobs(at(2026, 12, 7, 8, 0), names=["daily"]) == ["daily 2026-12-07"]
    assert schedule.enqueue_due_jobs(at(2026, 12, 7, 20, 0), names=["daily"]) == []
    assert schedule.enqueue_due_jobs(at(2026, 12, 8, 8, 5), names=["daily"]) == ["daily 2026-12-08"]
    # The immediate backend of the tests runs a job as it is queued, with its period.
    assert RAN == ["2026-12-07", "2026-12-08"]
    assert list(ScheduledRun.objects.order_by("period").values_list("name", "period")) == [
        ("daily", "2026-12-07"),
        ("daily", "2026-12-08"),
    ]


@pytest.mark.django_db
def test_weekly_and_monthly_jobs_wait_for_their_first_day_and_hour_then_catch_up_in_the_period(calendar_jobs):
    # Monday 7 December 2026, 07:00: not yet; 08:00: due.
    assert schedule.enqueue_due_jobs(at(2026, 12, 7, 7, 0), names=["weekly"]) == []
    assert schedule.enqueue_due_jobs(at(2026, 12, 7, 8, 0), names=["weekly"]) == ["weekly 2026-W50"]
    # A worker down all of Monday queues it on Tuesday, once.
    assert schedule.enqueue_due_jobs(at(2026, 12, 15, 3, 0), names=["weekly"]) == ["weekly 2026-W51"]
    assert schedule.enqueue_due_jobs(at(2026, 12, 16, 9, 0), names=["weekly"]) == []
    assert schedule.enqueue_due_jobs(at(2027, 1, 1, 7, 0), names=["monthly"]) == []
    assert schedule.enqueue_due_jobs(at(2027, 1, 1, 8, 0), names=["monthly"]) == ["monthly 2027-01"]
    assert schedule.enqueue_due_jobs(at(2027, 1, 20, 8, 0), names=["monthly"]) == []


@pytest.mark.django_db
def test_settings_move_a_job_to_another_hour_or_period(calendar_jobs):
    calendar_jobs.BENCHMARKING_SCHEDULE = {"daily": {"every": "month", "hour": 6}}
    assert schedule.enqueue_due_jobs(at(2027, 2, 1, 6, 0), names=["daily"]) == ["daily 2027-02"]
    calendar_jobs.BENCHMARKING_SCHEDULE = {"daily": {"every": "fortnight"}}
    with pytest.raises(ValueError, match="must be one of"):
        schedule.enqueue_due_jobs(at(2027, 2, 1, 6, 0), names=["daily"])


@pytest.mark.django_db
def test_on_the_real_queue_two_workers_looking_queue_the_job_once(calendar_jobs, job_queue):
    now = at(2026, 12, 7, 9, 0)
    assert schedule.enqueue_due_jobs(now, names=["daily"]) == ["daily 2026-12-07"]
    assert schedule.enqueue_due_jobs(now, names=["daily"]) == []
    assert DBTaskResult.objects.count() == 1
    assert job_queue() == 1
    assert RAN == ["2026-12-07"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_at_the_same_moment_on_postgresql_queue_it_once(calendar_jobs):
    """Two connections racing for the same period: the unique row lets exactly one through."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    calendar_jobs.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    now = at(2026, 12, 7, 9, 0)
    start = threading.Barrier(2)
    queued: list[list[str]] = []

    def worker():
        from django.db import connections

        try:
            start.wait()
            queued.append(schedule.enqueue_due_jobs(now, names=["daily"]))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(len(q) for q in queued) == [0, 1]
    assert ScheduledRun.objects.filter(name="daily", period="2026-12-07").count() == 1
    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db
def test_run_scheduled_queues_what_is_due_once_and_refuses_an_unknown_name(calendar_jobs, capsys):
    calendar_jobs.BENCHMARKING_SCHEDULE = {"daily": {"hour": 0}}  # due at any hour of the day
    call_command("run_scheduled", "daily")
    today = schedule.period_of("day", timezone.now())
    assert f"已排队：daily {today}" in capsys.readouterr().out
    call_command("run_scheduled", "daily")
    assert "没有到期且未排队的定时任务" in capsys.readouterr().out
    assert [today] == RAN
    with pytest.raises(CommandError, match="未知的定时任务：nightly"):
        call_command("run_scheduled", "nightly")
