"""Jobs that run by the calendar: the daily update of standards' status and the reminder digests
(docs/domain.md "Reminders").

Each is a task of the job queue registered here with how often it runs (``day``, ``week`` or
``month``) and from which local hour (``settings.BENCHMARKING_SCHEDULE``). Every worker, in its
housekeeping (``jobs.register_maintenance``), queues the jobs that are due; a ``ScheduledRun`` row
per job and period, unique, lets exactly one of them queue it, so a job runs once per period
however many workers there are. A deployment without workers runs ``manage.py run_scheduled``
from cron instead. The job itself receives its period, so it can key what it writes by it.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import jobs
from .models import ScheduledRun

logger = logging.getLogger(__name__)

__all__ = ["EVERY", "Scheduled", "enqueue_due_jobs", "period_of", "scheduled", "scheduled_jobs"]

EVERY = ("day", "week", "month")
# ScheduledRun rows are the record of what ran; older ones go.
RUNS_KEPT = dt.timedelta(days=400)


@dataclass(frozen=True)
class Scheduled:
    name: str
    task: object  # a django_tasks Task taking ``period`` as a keyword
    every: str
    hour: int

    def due(self, local: dt.datetime) -> bool:
        """Due from ``hour`` local time on the period's first day (Monday for a week); a worker that
        was down then queues it when it comes back, within the same period."""
        if (self.every == "week" and local.weekday() == 0) or (self.every == "month" and local.day == 1):
            return local.hour >= self.hour
        return self.every != "day" or local.hour >= self.hour


_SCHEDULED: dict[str, Scheduled] = {}


def _configured(name: str, every: str, hour: int) -> tuple[str, int]:
    configured = getattr(settings, "BENCHMARKING_SCHEDULE", {}).get(name, {})
    every = configured.get("every", every)
    if every not in EVERY:
        raise ValueError(f"BENCHMARKING_SCHEDULE[{name!r}]['every'] must be one of {EVERY}")
    return every, int(configured.get("hour", hour))


def scheduled(name: str, *, every: str = "day", hour: int = 0):
    """Register a task (decorator, applied over ``@task()``) to run each ``every`` from ``hour``;
    ``settings.BENCHMARKING_SCHEDULE[name]`` may change either."""

    def register(task):
        _SCHEDULED[name] = (task, every, hour)
        return task

    return register


def scheduled_jobs() -> list[Scheduled]:
    """The registered jobs with the settings applied (read each time: tests override settings)."""
    return [
        Scheduled(name, task, *_configured(name, every, hour))
        for name, (task, every, hour) in _SCHEDULED.items()
    ]


def period_of(every: str, moment: dt.datetime) -> str:
    """The period ``moment`` (local time) falls in: "2026-12-06", "2026-W49" (ISO week) or "2026-12"."""
    local = timezone.localtime(moment)
    if every == "day":
        return local.date().isoformat()
    if every == "week":
        year, week, _ = local.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{local.year}-{local.month:02d}"


def enqueue_due_jobs(now: dt.datetime | None = None, *, names: list[str] | None = None) -> list[str]:
    """Queue every job that is due and not yet queued for its period; returns "name period" of each
    queued. ``names`` limits it to some jobs (``run_scheduled``)."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    queued = []
    for job in scheduled_jobs():
        if (names is not None and job.name not in names) or not job.due(local):
            continue
        period = period_of(job.every, now)
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(name=job.name, period=period)
                # Queued in the same transaction: a crash between the two leaves neither.
                job.task.enqueue(period=period)
        except IntegrityError:
            continue  # another worker queued it for this period
        logger.info("scheduled job %s queued for %s", job.name, period)
        queued.append(f"{job.name} {period}")
    return queued


@jobs.register_maintenance
def queue_scheduled_jobs() -> None:
    enqueue_due_jobs()
    ScheduledRun.objects.filter(enqueued_at__lt=timezone.now() - RUNS_KEPT).delete()
