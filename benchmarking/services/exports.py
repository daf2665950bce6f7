"""Exports too long for a request, built by a background job (``export_tasks.build_export``).

A list export of at most ``EXPORT_AT_ONCE_MAX_ROWS`` rows is answered at once, as it always
was. A longer one costs the request one COUNT and two INSERTs (the ``ExportJob`` and the queued
job, in one transaction: the job is never queued without its row, nor the row left without a
job); a worker builds the file with the list's own columns and rows
(``selectors.exports.ListExport``), writing its progress as it goes, and keeps it for the user
who asked, for ``EXPORT_KEPT``, in storage no URL serves (``export_storage``).

The dashboard's workbook (/progress/report.xlsx) stays immediate: it is four small tables
(offices, industries, months) whatever the number of records, measured at 100 × the demo data at
26 ms from the counts cache and 166 ms with the cache emptied (benchmarks/exports.py).

A job may run twice (its worker killed mid-export and the job queued again: ``jobs``): the
second run starts the progress again and rewrites the same file; a job already finished is
never run again, and only a running job can finish (``export_job_run``).
"""

import datetime as dt
import logging
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.http import QueryDict
from django.utils import timezone, translation

from ..access import branch_office_id_of, may_read_staff_pages, role_of
from ..exports import Sheet, write_csv, write_xlsx
from ..models import ExportJob, ExportStatus
from ..selectors.exports import LIST_EXPORTS

logger = logging.getLogger(__name__)

__all__ = [
    "EXPORT_AT_ONCE_MAX_ROWS",
    "EXPORT_KEPT",
    "EXPORT_ROWS_KEPT",
    "PROGRESS_EVERY_ROWS",
    "PROGRESS_EVERY_SECONDS",
    "delete_expired_exports",
    "export_job_create",
    "export_job_fail",
    "export_job_run",
    "export_storage",
    "scope_key",
]

# The most rows a list export builds inside the request (records, weighed by the file rows each
# makes: ``ListExport.file_rows``). Measured at 100 × the demo data on PostgreSQL (benchmarks/
# exports.py, a quiet machine) a file costs 57–276 µs a row (.csv of enterprises to .xlsx of
# declarations), so 2,000 rows answer within about half a second: a download that starts while
# the person still watches the button. Past that the request would hold a web worker for seconds
# (the whole city's declarations: 5 s as .csv, 14 s as .xlsx), which is what the queue is for.
EXPORT_AT_ONCE_MAX_ROWS = 2000
# How long the file of a finished export is kept (the job page says so).
EXPORT_KEPT = dt.timedelta(hours=24)
# How long an export's row is kept, after which it leaves the user's list of exports.
EXPORT_ROWS_KEPT = dt.timedelta(days=7)
# The progress is written every this many records, or after this long, whichever comes first:
# a page polling every second or two sees it move, and the export pays one small UPDATE per
# several hundred rows, not one per row.
PROGRESS_EVERY_ROWS = 500
PROGRESS_EVERY_SECONDS = 1.0

FAILED_MESSAGE = "导出失败：生成文件时出错。请重新导出，或联系管理员。"
WORKER_LOST_MESSAGE = "导出失败：后台任务多次中断。请重新导出，或联系管理员。"
NO_LONGER_ALLOWED_MESSAGE = "导出失败：您的账号已无权查看该列表，或权限范围已变更。"
BAD_FILTERS_MESSAGE = "导出失败：筛选条件已失效（例如所选监管所已不存在）。请回到列表重新筛选后导出。"


def export_storage() -> FileSystemStorage:
    """Where export files are kept: ``exports/`` under the uploads' root, which every app server
    and worker shares, but outside anything served: ``views.files.protected_file`` serves only
    files a record owns, and no record owns these. Only ``views.exports`` reads them, for their
    owner. Overwrites, so a job run again rewrites its own file."""
    return FileSystemStorage(location=Path(settings.MEDIA_ROOT) / "exports", allow_overwrite=True)


def scope_key(user) -> str:
    """What a user's list rows are scoped by: their role and office. A file built for one scope
    is not handed to the same login once it has another."""
    return f"{role_of(user) or ''}:{branch_office_id_of(user) or ''}"


def export_job_create(*, user, kind: str, fmt: str, query: QueryDict, rows_total: int) -> ExportJob:
    """Queue the export of list ``kind`` with the list's ``query``, for ``user``. No row is read
    here: the request that asks answers at once."""
    from ..export_tasks import build_export

    export = LIST_EXPORTS[kind]
    query = query.copy()
    query.pop("page", None)
    with transaction.atomic():
        job = ExportJob.objects.create(
            user=user,
            kind=kind,
            fmt=fmt,
            query=query.urlencode(),
            language=translation.get_language() or settings.LANGUAGE_CODE,
            scope=scope_key(user),
            rows_total=rows_total,
            filename=export.filename(fmt),
            # Random, so nothing about the export (or who asked) is in the stored name.
            file=f"{uuid.uuid4().hex}.{fmt}",
        )
        # The queue is in this database: the job and its row commit together.
        result = build_export.enqueue(export_id=job.pk)
        ExportJob.objects.filter(pk=job.pk).update(task_result_id=str(result.id))
        job.task_result_id = str(result.id)
    return job


class _Progress:
    """Counts the records as the file reads them and writes the count every
    ``PROGRESS_EVERY_ROWS`` records or ``PROGRESS_EVERY_SECONDS``."""

    def __init__(self, export_id: int):
        self.export_id = export_id
        self.done = 0
        self._saved = 0
        self._saved_at = time.monotonic()

    def tick(self, records: Iterable[Any]) -> Iterator[Any]:
        for record in records:
            yield record
            self.done += 1
            if self.done - self._saved >= PROGRESS_EVERY_ROWS or (
                time.monotonic() - self._saved_at >= PROGRESS_EVERY_SECONDS
            ):
                self.save()

    def save(self) -> None:
        ExportJob.objects.filter(pk=self.export_id, status=ExportStatus.RUNNING).update(
            rows_done=self.done, rows_total=_at_least(self.done)
        )
        self._saved, self._saved_at = self.done, time.monotonic()


def _at_least(done: int) -> Greatest:
    """rows_total, raised to ``done`` when more records have been read than were counted (some
    added since the count)."""
    return Greatest(F("rows_total"), Value(done))


def export_job_run(*, export_id: int) -> str:
    """Build the export's file, as the requesting user would have got it at once: their rows
    (their scope, checked again now), their filters, their language. Returns what happened."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=export_id).first()
        if job is None:
            return "gone"  # deleted (expired) before a worker took it
        if job.status in (ExportStatus.DONE, ExportStatus.FAILED):
            return f"already {job.status}"  # a job finished is not done twice
        job.status, job.started_at, job.rows_done = ExportStatus.RUNNING, timezone.now(), 0
        job.save(update_fields=["status", "started_at", "rows_done"])

    user = get_user_model().objects.filter(pk=job.user_id).first()
    if user is None or not may_read_staff_pages(user) or scope_key(user) != job.scope:
        export_job_fail(export_id=job.pk, message=NO_LONGER_ALLOWED_MESSAGE)
        return "refused"
    export = LIST_EXPORTS[job.kind]
    progress = _Progress(job.pk)
    with translation.override(job.language):
        filterset = export.filterset(user, QueryDict(job.query))
        if not filterset.is_valid():
            export_job_fail(export_id=job.pk, message=BAD_FILTERS_MESSAGE)
            return "bad filters"
        queryset = export.queryset(filterset)
        total = export.size(queryset)
        ExportJob.objects.filter(pk=job.pk).update(rows_total=total)
        columns, rows = export.table(queryset, progress.tick)
        with tempfile.TemporaryFile() as built:
            if job.fmt == "csv":
                write_csv(built, columns, rows)
            else:
                write_xlsx(built, [Sheet(title=export.file_stem, columns=columns, rows=rows)])
            built.seek(0)
            stored = export_storage().save(job.file, File(built))
    now = timezone.now()
    finished = ExportJob.objects.filter(pk=job.pk, status=ExportStatus.RUNNING).update(
        status=ExportStatus.DONE,
        rows_done=progress.done,
        rows_total=progress.done,
        file=stored,
        finished_at=now,
        expires_at=now + EXPORT_KEPT,
    )
    return "done" if finished else "finished elsewhere"


def export_job_fail(*, export_id: int, message: str) -> bool:
    """Mark an export that has not finished as failed, with ``message`` for its owner."""
    return bool(
        ExportJob.objects.filter(pk=export_id, status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING]).update(
            status=ExportStatus.FAILED, error=message[:500], finished_at=timezone.now()
        )
    )


def delete_expired_exports(now: dt.datetime | None = None) -> tuple[int, int]:
    """Housekeeping (every worker, ``jobs.register_maintenance``): the files of exports past
    ``expires_at`` are deleted (their page then says the file has expired), and exports older
    than ``EXPORT_ROWS_KEPT`` with them. Returns (files, rows) deleted. Safe to run twice at once:
    deleting a file already gone is nothing."""
    now = now or timezone.now()
    storage = export_storage()
    expired = list(ExportJob.objects.filter(expires_at__lte=now).exclude(file="").values_list("pk", "file"))
    for pk, name in expired:
        storage.delete(name)
        ExportJob.objects.filter(pk=pk, file=name).update(file="")
    old = ExportJob.objects.filter(created_at__lt=now - EXPORT_ROWS_KEPT)
    for name in old.exclude(file="").values_list("file", flat=True):
        storage.delete(name)  # a job that never finished may have no file: nothing to delete
    rows, _ = old.delete()
    return len(expired), rows
