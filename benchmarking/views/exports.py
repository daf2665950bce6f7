"""An export built in the background (``services.exports``): its page with the progress, the
progress as JSON for the page's script, the file, and the user's recent exports.

Each is for the user who asked only: anyone else, whatever their role, gets a 404, as for a
record outside their scope. The download checks again that the user may still read the lists,
with the same role and office the file was built for.
"""

from django.http import FileResponse, Http404, JsonResponse, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.generic import TemplateView, View

from ..exports import CSV_TYPE, XLSX_TYPE
from ..models import ExportJob, ExportStatus
from ..selectors.exports import LIST_EXPORTS, export_job_of, filter_summary, recent_export_jobs
from ..services.exports import EXPORT_AT_ONCE_MAX_ROWS, EXPORT_KEPT, export_storage, scope_key
from .mixins import StaffOnlyMixin

EXPIRED_MESSAGE = "文件已过期（保留 {hours} 小时），请重新导出。"


def _kept_hours() -> int:
    return int(EXPORT_KEPT.total_seconds() // 3600)


def job_state(job: ExportJob, now=None) -> dict:
    """What the page shows of a job, and what its script polls for."""
    now = now or timezone.now()
    expired = job.status == ExportStatus.DONE and (
        job.expires_at is None or job.expires_at <= now or not job.file
    )
    total = max(job.rows_total, job.rows_done)
    percent = 100 if job.status == ExportStatus.DONE else (job.rows_done * 100 // total if total else 0)
    state = "expired" if expired else job.status
    return {
        "state": state,
        "status_label": "已过期" if expired else job.get_status_display(),
        "rows_done": job.rows_done,
        "rows_total": total,
        "percent": percent,
        "download_url": reverse("export-job-download", args=[job.pk]) if state == ExportStatus.DONE else "",
        "message": (
            EXPIRED_MESSAGE.format(hours=_kept_hours())
            if expired
            else job.error
            if job.status == ExportStatus.FAILED
            else ""
        ),
        "finished": state in ("done", "failed", "expired"),
    }


def again_url(job: ExportJob) -> str:
    """The export asked again, with the same filters and format."""
    url = reverse(LIST_EXPORTS[job.kind].export_name, kwargs={"fmt": job.fmt})
    return f"{url}?{job.query}" if job.query else url


def _own_job(request, pk: int) -> ExportJob:
    job = export_job_of(request.user, pk)
    if job is None:
        raise Http404
    return job


class ExportJobView(StaffOnlyMixin, TemplateView):
    """The export's page: what it holds, its progress (refreshed by static/js/export-progress.js,
    or by the browser every few seconds without scripts), then the download link."""

    template_name = "benchmarking/exports/job.html"

    def get_context_data(self, **kwargs):
        job = _own_job(self.request, kwargs["pk"])
        export = LIST_EXPORTS[job.kind]
        filters = filter_summary(export.filterset(self.request.user, QueryDict(job.query)))
        state = job_state(job)
        return {
            **super().get_context_data(**kwargs),
            "job": job,
            "state": state,
            "filters": filters,
            "list_url": f"{reverse(export.list_name)}?{job.query}"
            if job.query
            else reverse(export.list_name),
            "again_url": again_url(job),
            "kept_hours": _kept_hours(),
            "status_url": reverse("export-job-status", args=[job.pk]),
        }

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        add_never_cache_headers(response)
        return response


class ExportJobStatusView(StaffOnlyMixin, View):
    """The job's progress as JSON, polled by the page's script every second or two."""

    def get(self, request, pk: int):
        response = JsonResponse(job_state(_own_job(request, pk)))
        add_never_cache_headers(response)
        return response


class ExportJobDownloadView(StaffOnlyMixin, View):
    """The finished file, for the user who asked, while their role and office are those it was
    built for, until it expires."""

    def get(self, request, pk: int):
        job = _own_job(request, pk)
        if scope_key(request.user) != job.scope or job_state(job)["state"] != ExportStatus.DONE:
            raise Http404
        storage = export_storage()
        if not storage.exists(job.file):
            raise Http404
        response = FileResponse(
            storage.open(job.file, "rb"),
            as_attachment=True,
            filename=job.filename,
            content_type=CSV_TYPE if job.fmt == "csv" else XLSX_TYPE,
        )
        # Someone's own rows: never kept by a shared cache, nor by the browser.
        patch_cache_control(response, private=True, no_store=True)
        return response


class ExportJobListView(StaffOnlyMixin, TemplateView):
    """我的导出: the user's recent exports, newest first."""

    template_name = "benchmarking/exports/list.html"

    def get_context_data(self, **kwargs):
        jobs = [(job, job_state(job)) for job in recent_export_jobs(self.request.user)]
        return {
            **super().get_context_data(**kwargs),
            "jobs": jobs,
            "kept_hours": _kept_hours(),
            "at_once_max": EXPORT_AT_ONCE_MAX_ROWS,
        }

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        add_never_cache_headers(response)
        return response
