"""The background job queue: Django's Tasks API (the ``django-tasks`` backport) with the
``django-tasks-db`` backend, so jobs wait in this project's own database and any number of
``manage.py run_jobs`` workers take them (``SKIP LOCKED`` on PostgreSQL).

What the library leaves to us, and this module adds:

- **A worker that dies mid-job.** The library marks a job RUNNING when a worker claims it and
  nothing ever looks at it again: a worker SIGKILLed (or its machine gone) leaves its job
  RUNNING for ever. Our workers keep a roll call (``JobWorker``: a heartbeat every
  ``HEARTBEAT_SECONDS`` from a thread of their own, also while a long job runs), and
  ``recover_lost_tasks`` puts a job whose worker has not been seen for ``WORKER_LOST_AFTER``
  back in the queue, or fails it after ``MAX_ATTEMPTS`` claims. A job may therefore run again
  after a crash: every job here is written so that running it twice leaves what running it once
  does (an export rewrites the same file; see ``tasks`` for mails).
- **Housekeeping.** Finished job results are deleted after ``FINISHED_KEPT``; other modules add
  their own (``register_maintenance``), run by every worker every ``MAINTENANCE_EVERY``.
- **Readiness.** ``queue_state`` gives the oldest waiting job's age and the live workers, for
  ``/readyz/``.
"""

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Case, F, When
from django.utils import timezone
from django_tasks.signals import task_finished
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from .models import JobWorker

logger = logging.getLogger(__name__)

__all__ = [
    "DATABASE_GONE",
    "FINISHED_KEPT",
    "HEARTBEAT_SECONDS",
    "MAINTENANCE_EVERY",
    "MAX_ATTEMPTS",
    "WORKER_LOST_AFTER",
    "QueueState",
    "WorkerLost",
    "prune_finished_tasks",
    "queue_state",
    "recover_lost_tasks",
    "register_maintenance",
    "run_maintenance",
]

# A worker writes its heartbeat this often …
HEARTBEAT_SECONDS = 5
# … and is taken for dead when it has not for this long: six missed beats, so a worker busy
# with a long export (its heartbeat thread still runs) or a database restart of a few seconds
# does not get its job run twice.
WORKER_LOST_AFTER = dt.timedelta(seconds=30)
# Claims of one job before it is failed: the first run and two reruns after lost workers. A job
# that kills its worker every time (memory, a crash in a library) must not do so for ever.
MAX_ATTEMPTS = 3
# How often each worker runs the housekeeping (recovery first).
MAINTENANCE_EVERY = dt.timedelta(seconds=15)
# Finished jobs' rows (their result or error) are kept this long for the admin, then deleted.
FINISHED_KEPT = dt.timedelta(days=7)
# A worker's roll-call row is deleted when it stops; one killed leaves it, deleted after this.
DEAD_WORKERS_KEPT = dt.timedelta(days=1)


# What a lost database connection (a restart, a failover) raises. A job that raises one is not
# failed but run again (``run_jobs``): its failure could not be saved anyway, and it would
# succeed a moment later. A job that catches its own errors must let these through.
DATABASE_GONE = (OperationalError, InterfaceError)


class WorkerLost(Exception):
    """The error recorded on a job failed because its worker died on every attempt."""


def _last_worker(task: DBTaskResult) -> str:
    return task.worker_ids[-1] if task.worker_ids else ""


def recover_lost_tasks(now: dt.datetime | None = None) -> tuple[int, int]:
    """Jobs RUNNING on a worker not seen for ``WORKER_LOST_AFTER``: back in the queue, or failed
    (with ``WorkerLost``, and the ``task_finished`` signal the library sends for any failure) when
    they have been claimed ``MAX_ATTEMPTS`` times. Returns (requeued, failed).

    Safe with several workers recovering at once: each job is re-read under a row lock that the
    others skip, and left alone unless it is still RUNNING on the same lost worker."""
    now = now or timezone.now()
    alive = set(
        JobWorker.objects.filter(seen_at__gte=now - WORKER_LOST_AFTER).values_list("worker_id", flat=True)
    )
    suspects = [
        task.pk
        for task in DBTaskResult.objects.running().only("pk", "worker_ids")
        if _last_worker(task) not in alive
    ]
    requeued = failed = 0
    for pk in suspects:
        with transaction.atomic():
            task = DBTaskResult.objects.running().filter(pk=pk).select_for_update(skip_locked=True).first()
            if task is None or _last_worker(task) in alive:
                continue  # finished meanwhile, or another worker is recovering it
            if len(task.worker_ids) >= MAX_ATTEMPTS:
                task.set_failed(WorkerLost(f"运行该任务的工作进程 {len(task.worker_ids)} 次中断"))
                failed += 1
                lost = task
                transaction.on_commit(lambda lost=lost: _announce_failure(lost))
            else:
                task.status = TaskResultStatus.READY
                task.started_at = None
                task.save(update_fields=["status", "started_at"])
                requeued += 1
        logger.warning(
            "job %s (%s): worker %s lost after %d attempt(s), %s",
            pk,
            task.task_path,
            _last_worker(task),
            len(task.worker_ids),
            "failed" if task.status == TaskResultStatus.FAILED else "queued again",
        )
    return requeued, failed


def _announce_failure(task: DBTaskResult) -> None:
    """The signal a worker sends when a job fails, so whoever shows that job's state hears of it."""
    try:
        sender, result = type(task.task.get_backend()), task.task_result
    except Exception:  # the job's code is gone (renamed, removed): nothing listens for it
        logger.exception("job %s failed; its task cannot be loaded", task.pk)
        return
    task_finished.send(sender=sender, task_result=result)


def prune_finished_tasks(now: dt.datetime | None = None) -> int:
    """Deletes finished jobs older than ``FINISHED_KEPT`` and the roll-call rows of workers dead
    for ``DEAD_WORKERS_KEPT``. Returns how many jobs."""
    now = now or timezone.now()
    JobWorker.objects.filter(seen_at__lt=now - DEAD_WORKERS_KEPT).delete()
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=now - FINISHED_KEPT).delete()
    return deleted


_MAINTENANCE: list[Callable[[], object]] = [recover_lost_tasks, prune_finished_tasks]


def register_maintenance(job: Callable[[], object]) -> Callable[[], object]:
    """Adds ``job`` (no arguments) to what every worker runs each ``MAINTENANCE_EVERY``; usable as
    a decorator. It must be idempotent and cheap: every worker runs it, and may run it at once."""
    if job not in _MAINTENANCE:
        _MAINTENANCE.append(job)
    return job


def run_maintenance() -> None:
    """Each housekeeping job in turn; one that fails is logged and the others still run."""
    for job in list(_MAINTENANCE):
        try:
            job()
        except Exception:
            logger.exception("job-queue maintenance %s failed", getattr(job, "__name__", job))


@dataclass(frozen=True)
class QueueState:
    waiting: bool
    oldest_wait: dt.timedelta | None  # None when nothing waits
    live_workers: int


def queue_state(now: dt.datetime | None = None) -> QueueState:
    """The oldest job ready to run (counted from when it became ready: its enqueue time, or the
    time a deferred retry was due) and how many workers were seen lately. Two queries, both on
    indexed columns."""
    now = now or timezone.now()
    ready_since = Case(When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after"))
    oldest = (
        DBTaskResult.objects.ready()
        .annotate(ready_since=ready_since)
        .order_by("ready_since")
        .values_list("ready_since", flat=True)
        .first()
    )
    live = JobWorker.objects.filter(seen_at__gte=now - WORKER_LOST_AFTER).count()
    return QueueState(
        waiting=oldest is not None,
        oldest_wait=max(now - oldest, dt.timedelta(0)) if oldest is not None else None,
        live_workers=live,
    )
