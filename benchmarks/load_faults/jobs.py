"""The background jobs under load and faults: a job worker SIGKILLed while it runs an export, the
queue drained after the load, and the verification that every job ran exactly once to success."""

from __future__ import annotations

import time
from collections import Counter

from benchmarks.load_faults.browser import Run
from benchmarks.load_faults.services import JobWorkers

MAIL_TASK = "benchmarking.tasks.send_declaration_mail"
# The workflow moves whose commit queues one mail job each (notifications.MAIL_MOVES).
MAILED_ACTIONS = ("submit", "publish", "return", "withdraw")


def kill_job_worker(workers: JobWorkers, run: Run, *, prefer: str = "export", wait: float = 60.0) -> dict:
    """SIGKILL the worker running a job whose path contains ``prefer`` (an export), waiting up to
    ``wait`` seconds for one to be running; returns what was killed, or why nothing was."""
    from django.db import close_old_connections
    from django_tasks_db.models import DBTaskResult

    from benchmarking.models import JobWorker

    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and not run.stop.is_set():
        close_old_connections()
        running = DBTaskResult.objects.running().filter(task_path__contains=prefer).first()
        if running is not None and running.worker_ids:
            worker = JobWorker.objects.filter(worker_id=running.worker_ids[-1]).first()
            if worker is not None and worker.pid in workers.pids():
                at = run.now()
                workers.kill(worker.pid)
                return {"at": at, "pid": worker.pid, "task": str(running.pk), "task_path": running.task_path}
        time.sleep(0.05)
    return {"at": run.now(), "pid": None, "task": None, "task_path": None, "note": f"no {prefer} job ran"}


def drain(run_started_at, timeout: float = 240.0) -> float | None:
    """Seconds until no job of this run waits or runs (the workers still up); None if it never did."""
    from django.db import close_old_connections
    from django_tasks_db.models import DBTaskResult

    started = time.monotonic()
    while time.monotonic() - started < timeout:
        close_old_connections()
        busy = DBTaskResult.objects.filter(enqueued_at__gte=run_started_at, status__in=["READY", "RUNNING"])
        if not busy.exists():
            return time.monotonic() - started
        time.sleep(1)
    return None


def verify_jobs(run_started_at, killed: dict | None) -> dict:
    """Every job of the run finished successfully; one mail job per mailed workflow move (none
    lost, none doubled); the job whose worker was killed finished on its second worker."""
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    from benchmarking.models import DeclarationEvent

    tasks = DBTaskResult.objects.filter(enqueued_at__gte=run_started_at)
    counts = Counter()
    for path, status, n in tasks.values_list("task_path", "status").annotate(n=Count("pk")):
        counts[(path.rsplit(".", 1)[-1], status)] = n
    problems: list[str] = []
    unfinished = tasks.exclude(status__in=["SUCCESSFUL", "FAILED"]).count()
    failed = list(tasks.filter(status="FAILED").values_list("task_path", "exception_class_path")[:10])

    # Mails: the moves that happened (events of this run, answered or not) against the mail
    # jobs queued, both as a multiset of (declaration, action).
    events = Counter(
        DeclarationEvent.objects.filter(at__gte=run_started_at, action__in=MAILED_ACTIONS).values_list(
            "declaration_id", "action"
        )
    )
    mails = Counter()
    for args_kwargs in tasks.filter(task_path=MAIL_TASK).values_list("args_kwargs", flat=True):
        kwargs = args_kwargs["kwargs"]
        if kwargs.get("attempt", 1) == 1:  # a retry is the same mail tried again
            mails[(kwargs["declaration_id"], kwargs["action"])] += 1
    lost_mails = sum((events - mails).values())
    doubled_mails = sum((mails - events).values())
    if lost_mails:
        problems.append(
            f"{lost_mails} mailed move(s) without a mail job: {list((events - mails).items())[:5]}"
        )
    if doubled_mails:
        problems.append(f"{doubled_mails} mail job(s) without a move: {list((mails - events).items())[:5]}")

    killed_job = None
    if killed and killed.get("task"):
        job = DBTaskResult.objects.filter(pk=killed["task"]).first()
        killed_job = {
            "status": job.status if job else "missing",
            "workers": len(job.worker_ids) if job else 0,
        }
        if job is None or job.status != "SUCCESSFUL":
            problems.append(f"the job whose worker was killed ended {killed_job['status']}")
    return {
        "by task and status": dict(counts),
        "unfinished": unfinished,
        "failed": failed,
        "mailed moves": sum(events.values()),
        "mail jobs": sum(mails.values()),
        "lost mails": lost_mails,
        "doubled mails": doubled_mails,
        "killed job": killed_job,
        "problems": problems,
    }


def verify_exports(run_started_at, asked: list[dict]) -> dict:
    """Every export the export clients asked for finished with a file they downloaded; the
    database holds one export per request that queued one (none lost, none doubled)."""
    from benchmarking.models import ExportJob

    stored = dict(
        ExportJob.objects.filter(
            created_at__gte=run_started_at, user__username__startswith="lf_export"
        ).values_list("pk", "status")
    )
    queued = [record for record in asked if record.get("id")]
    unanswered = [record for record in asked if record["status"] is None or record["status"] >= 500]
    problems = []
    for record in queued:
        if record["id"] not in stored:
            problems.append(f"export #{record['id']} was queued but is not stored")
        elif record.get("state") != "done" or record.get("download") != 200 or not record.get("xlsx"):
            problems.append(f"export #{record['id']}: {record}")
    # A stored export no answer named: only a request that got no answer may have left one.
    unnamed = set(stored) - {record["id"] for record in queued}
    if len(unnamed) > len(unanswered):
        problems.append(
            f"{len(unnamed)} stored exports no answer named, {len(unanswered)} unanswered requests"
        )
    seconds = sorted(record["seconds"] for record in queued if "seconds" in record)
    return {
        "asked": len(asked),
        "queued": len(queued),
        "answered at once": sum(1 for r in asked if r.get("outcome") == "answered at once"),
        "unanswered": len(unanswered),
        "done and downloaded": sum(
            1 for r in queued if r.get("state") == "done" and r.get("download") == 200 and r.get("xlsx")
        ),
        "stored by status": dict(Counter(stored.values())),
        "rows": sorted({r.get("rows") for r in queued if r.get("rows")}),
        "seconds to file (min/median/max)": (
            (seconds[0], seconds[len(seconds) // 2], seconds[-1]) if seconds else None
        ),
        "problems": problems,
    }
