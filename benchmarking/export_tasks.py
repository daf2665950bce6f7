"""The background job that builds a long export (``services.exports``), and what tells the
export when its job has failed for good.

A job that raises marks its export failed itself. A job that never gets to (its worker killed on
every attempt: ``jobs.recover_lost_tasks`` fails it with ``WorkerLost``) is failed by the queue,
which sends ``task_finished``: ``export_job_failed`` hears it and marks the export failed, so its
page never waits for ever.
"""

import logging

from django_tasks import task
from django_tasks.signals import task_finished
from django_tasks_db.compat import TaskResultStatus

from . import jobs
from .services import exports

logger = logging.getLogger(__name__)

__all__ = ["build_export", "export_job_failed"]


@task()
def build_export(*, export_id: int) -> str:
    """Build export ``export_id``'s file (``services.exports.export_job_run``)."""
    try:
        return exports.export_job_run(export_id=export_id)
    except jobs.DATABASE_GONE:
        raise  # not a failure of the export: run again once the database is back (run_jobs)
    except Exception:
        logger.exception("Export %s failed", export_id)
        exports.export_job_fail(export_id=export_id, message=exports.FAILED_MESSAGE)
        raise


def export_job_failed(sender, task_result, **kwargs) -> None:
    """A failed ``build_export`` job fails its export, with the reason in Chinese."""
    if task_result.status != TaskResultStatus.FAILED:
        return
    if task_result.task.module_path != build_export.module_path:
        return
    export_id = task_result.kwargs.get("export_id")
    lost = any(error.exception_class_path == f"{jobs.__name__}.WorkerLost" for error in task_result.errors)
    message = exports.WORKER_LOST_MESSAGE if lost else exports.FAILED_MESSAGE
    if export_id is not None:
        exports.export_job_fail(export_id=export_id, message=message)


task_finished.connect(export_job_failed, dispatch_uid="benchmarking.export_job_failed")
jobs.register_maintenance(exports.delete_expired_exports)
