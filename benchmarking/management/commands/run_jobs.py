"""``manage.py run_jobs``: a background job worker. Start as many as the load needs, on any machine
that reaches the database; each takes one job at a time.

It is django-tasks-db's ``db_worker`` (same options: ``--batch``, ``--interval``, ``--max-tasks``
…) with our roll call beside it: a thread that writes this worker's heartbeat every
``jobs.HEARTBEAT_SECONDS`` and runs the queue's housekeeping every ``jobs.MAINTENANCE_EVERY``,
above all ``jobs.recover_lost_tasks``, which gives the jobs of workers that died back to the
queue. SIGTERM or Ctrl-C lets the running job finish, then stops (a second one stops at once);
SIGKILL stops at once, and the job is run again by another worker (or this one, restarted).
"""

import os
import socket
import threading
import time

from django.core.exceptions import SuspiciousOperation
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.compat import TaskContext, task_finished, task_started
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from benchmarking import jobs
from benchmarking.models import JobWorker

# Seconds between attempts to reach a database that went away.
OUTAGE_PAUSE = 1.0


DATABASE_GONE = jobs.DATABASE_GONE


class RollCallWorker(db_worker.Worker):
    def run(self) -> None:
        stop = threading.Event()
        beat = threading.Thread(target=self._roll_call, args=(stop,), name="job-roll-call", daemon=True)
        self._report_alive()
        beat.start()
        try:
            self._run_through_outages()
        finally:
            stop.set()
            beat.join(timeout=jobs.HEARTBEAT_SECONDS * 2)
            JobWorker.objects.filter(worker_id=self.worker_id).delete()

    def _run_through_outages(self) -> None:
        """The library's loop, started again when the database goes away (a restart, a failover)
        instead of ending the process. A job cut off by the outage is not failed: the worker
        takes a new id, so the job, still RUNNING under the old one, is recovered as a lost
        worker's (``jobs.recover_lost_tasks``) and run again."""
        while True:
            try:
                super().run()
                return
            except DATABASE_GONE:
                if not self.running:
                    return
                db_worker.logger.warning(
                    "job worker %s: database unreachable; retrying in %s s", self.worker_id, OUTAGE_PAUSE
                )
                self.running_task = False
                self.worker_id = f"{self.worker_id.split('~')[0][:56]}~{get_random_string(6)}"
                db_worker.close_old_connections()  # the broken connection; a new one next time
                time.sleep(OUTAGE_PAUSE)

    def run_task(self, db_task_result: DBTaskResult) -> None:
        """The library's, except for a job that hit a database error (the connection lost in a
        restart, a failover): it is not failed, since its failure could not be saved anyway and
        the job would succeed a moment later. The error goes to ``_run_through_outages`` and the
        job is run again (at most ``jobs.MAX_ATTEMPTS`` times in all)."""
        try:
            self.running_task = True
            task = db_task_result.task
            task_result = db_task_result.task_result
            backend_type = task.get_backend()
            task_started.send(sender=backend_type, task_result=task_result)
            if task.takes_context:
                value = task.call(
                    TaskContext(task_result=task_result), *task_result.args, **task_result.kwargs
                )
            else:
                value = task.call(*task_result.args, **task_result.kwargs)
            db_task_result.set_successful(value)
            task_finished.send(sender=backend_type, task_result=db_task_result.task_result)
        except DATABASE_GONE:
            raise
        except BaseException as error:
            db_task_result.set_failed(error)
            try:
                sender, result = type(db_task_result.task.get_backend()), db_task_result.task_result
            except (ImportError, SuspiciousOperation):
                db_worker.logger.exception("Task id=%s failed unexpectedly", db_task_result.id)
            else:
                task_finished.send(sender=sender, task_result=result)
        finally:
            self.running_task = False
            self._run_tasks += 1

    def _report_alive(self) -> None:
        now = timezone.now()
        JobWorker.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={"seen_at": now},
            create_defaults={
                "hostname": socket.gethostname()[:255],
                "pid": os.getpid(),
                "started_at": now,
                "seen_at": now,
            },
        )

    def _roll_call(self, stop: threading.Event) -> None:
        """The heartbeat and the housekeeping, on this thread's own database connection. A
        database that is away (restarting) costs a beat, never the thread."""
        next_maintenance = timezone.now()
        try:
            while not stop.wait(jobs.HEARTBEAT_SECONDS):
                try:
                    close_old_connections()
                    self._report_alive()
                    if timezone.now() >= next_maintenance:
                        jobs.run_maintenance()
                        next_maintenance = timezone.now() + jobs.MAINTENANCE_EVERY
                except Exception:
                    db_worker.logger.exception("job worker %s: heartbeat failed", self.worker_id)
        finally:
            connection.close()


class Command(db_worker.Command):
    help = "运行后台任务工作进程（导出、邮件）。可在任意多台机器上各启动若干个。"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # Every queue by default. No --reload: a service manager (docker compose, systemd,
        # scripts/dev.py) runs and restarts the worker, and the library's reloader forks a child
        # that would outlive a SIGTERM to its parent.
        parser.set_defaults(queue_name="*")

    def handle(self, *, verbosity, queue_name, exclude_queues, batch, max_tasks, **options):
        # db_worker's own handle, with our worker and without its autoreloader.
        self.configure_logging(verbosity)
        worker = RollCallWorker(
            queue_names=queue_name.split(","),
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [],
            interval=options["interval"],
            batch=batch,
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=max_tasks,
            worker_id=options["worker_id"],
        )
        worker.configure_signals()
        worker.run()
