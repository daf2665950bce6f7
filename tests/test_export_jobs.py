"""Long list exports built by a background job (benchmarking/services/exports.py, export_tasks.py,
views/exports.py): a small export is answered at once as before; above the threshold the request
queues the job and answers 303 with no row read; the worker writes the progress and a file
identical to the download's; the page, its status and the file are the requester's alone, in
their scope; expired, failed and killed jobs say so in Chinese, and a job is never done twice."""

import datetime as dt
import io
import os

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from benchmarking import jobs
from benchmarking.export_tasks import build_export
from benchmarking.models import ExportJob, ExportStatus
from benchmarking.services import exports as export_services
from tests.conftest import sh
from tests.factories import EnterpriseFactory, IndicatorFactory, SchemeFactory

pytestmark = pytest.mark.django_db

EXPORTS = ("scheme-export", "enterprise-export", "declaration-export")


@pytest.fixture
def rows(enterprise, other_enterprise, declare, bureau_staff, list_scheme):
    """Three declarations of 甲 (东城所), two of 乙 (西城所); a second scheme with two indicators,
    one with a formula-like title, so each export has several rows of every kind of cell."""
    for n in range(3):
        declare(enterprise, model=f"A-{n}", published=sh(2024, 6, 10 + n), declared_on=dt.date(2024, 6, 1))
    declare(other_enterprise, model="B-1", value="5", published=sh(2024, 6, 15))
    declare(other_enterprise, model="B-2")
    scheme = SchemeFactory(title="=1+1 方案")
    IndicatorFactory(scheme=scheme)
    IndicatorFactory(scheme=scheme)
    EnterpriseFactory(name="永康丙工贸有限公司", branch_office=enterprise.branch_office)


@pytest.fixture
def queue_everything(monkeypatch):
    """Every export with at least one record goes to the queue."""
    monkeypatch.setattr(export_services, "EXPORT_AT_ONCE_MAX_ROWS", 0)


def body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content) if response.streaming else response.content


def xlsx_cells(content: bytes) -> list:
    """Every sheet's cells with their number formats: the workbook as a person sees it (the zip's
    timestamps differ between two files written a second apart)."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [
        (
            sheet.title,
            sheet.freeze_panes,
            sheet.auto_filter.ref,
            [
                [(cell.value, cell.number_format, cell.quotePrefix) for cell in row]
                for row in sheet.iter_rows()
            ],
        )
        for sheet in book.worksheets
    ]


def queue(client, name: str, fmt: str, params=None) -> ExportJob:
    response = client.get(reverse(name, args=[fmt]), params or {})
    assert response.status_code == 303
    job = ExportJob.objects.latest("pk")
    assert response["Location"] == reverse("export-job", args=[job.pk])
    return job


def stored_files() -> list[str]:
    root = export_services.export_storage().location
    return sorted(os.listdir(root)) if os.path.isdir(root) else []


# -- small exports stay immediate ------------------------------------------------------------


@pytest.mark.parametrize("name", EXPORTS)
def test_an_export_at_or_below_the_threshold_is_the_file_itself(
    client, bureau_staff, rows, name, monkeypatch
):
    monkeypatch.setattr(export_services, "EXPORT_AT_ONCE_MAX_ROWS", 1000)
    client.force_login(bureau_staff)
    response = client.get(reverse(name, args=["csv"]))
    assert response.status_code == 200
    assert body(response).startswith("\ufeff".encode())
    assert not ExportJob.objects.exists()


def test_the_threshold_counts_the_filtered_records(client, bureau_staff, rows, office, monkeypatch):
    # 东城所 has 3 declarations: at the threshold of 3 they are answered at once, at 2 queued.
    client.force_login(bureau_staff)
    monkeypatch.setattr(export_services, "EXPORT_AT_ONCE_MAX_ROWS", 3)
    assert (
        client.get(reverse("declaration-export", args=["csv"]), {"branch_office": office.pk}).status_code
        == 200
    )
    monkeypatch.setattr(export_services, "EXPORT_AT_ONCE_MAX_ROWS", 2)
    job = queue(client, "declaration-export", "csv", {"branch_office": office.pk})
    assert job.rows_total == 3


def test_a_scheme_weighs_as_the_rows_of_its_indicators(client, bureau_staff, rows, monkeypatch):
    # Two schemes, about 7 file rows each (a row per indicator): 14 rows against the threshold.
    client.force_login(bureau_staff)
    monkeypatch.setattr(export_services, "EXPORT_AT_ONCE_MAX_ROWS", 14)
    assert client.get(reverse("scheme-export", args=["csv"])).status_code == 200
    monkeypatch.setattr(export_services, "EXPORT_AT_ONCE_MAX_ROWS", 13)
    assert queue(client, "scheme-export", "csv").rows_total == 2  # the progress counts schemes


# -- a long export is queued, built and downloaded --------------------------------------------

# Session, user (with its profile), role groups, the COUNT; then one transaction (a savepoint
# inside the test's): the ExportJob, the queued job, the queued job's id on the ExportJob.
QUEUEING_QUERIES = 9


def test_the_request_queues_the_job_without_reading_a_row(
    client, bureau_staff, rows, job_queue, queue_everything
):
    client.force_login(bureau_staff)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            reverse("declaration-export", args=["xlsx"]), {"sort": "-published_at", "page": "3"}
        )
    sqls = [q["sql"] for q in queries.captured_queries]
    assert len(sqls) == QUEUEING_QUERIES, "\n".join(s[:150] for s in sqls)
    job = ExportJob.objects.get()
    assert response.status_code == 303
    assert response["Location"] == reverse("export-job", args=[job.pk])
    declaration_reads = [
        sql for sql in sqls if '"benchmarking_declaration"' in sql and sql.startswith("SELECT")
    ]
    assert len(declaration_reads) == 1 and "COUNT(" in declaration_reads[0]
    assert (job.status, job.rows_done, job.rows_total) == (ExportStatus.QUEUED, 0, 5)
    assert job.query == "sort=-published_at"  # the page is not part of what is exported
    assert job.filename == f"对标结果_{timezone.localdate().isoformat()}.xlsx"
    waiting = DBTaskResult.objects.get()
    assert (waiting.status, waiting.task_path) == ("READY", "benchmarking.export_tasks.build_export")
    assert job.task_result_id == str(waiting.pk)
    assert stored_files() == []

    page = client.get(reverse("export-job", args=[job.pk]))
    text = page.content.decode()
    assert "排队中" in text and "已处理" in text and "0</span> / <span" in text
    assert 'http-equiv="refresh"' in text  # inside <noscript>: the page without scripts reloads
    assert "js/export-progress.js" in text

    assert job_queue() == 1
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.rows_total) == (ExportStatus.DONE, 5, 5)
    assert job.expires_at == job.finished_at + export_services.EXPORT_KEPT
    state = client.get(reverse("export-job-status", args=[job.pk])).json()
    assert state["state"] == "done" and state["percent"] == 100 and state["finished"]
    assert state["download_url"] == reverse("export-job-download", args=[job.pk])
    text = client.get(reverse("export-job", args=[job.pk])).content.decode()
    assert "已完成" in text and state["download_url"] in text and 'http-equiv="refresh"' not in text


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("name", EXPORTS)
def test_the_jobs_file_is_the_synchronous_file(client, bureau_staff, rows, job_queue, monkeypatch, name, fmt):
    client.force_login(bureau_staff)
    params = {"sort": "-counted_results"} if name != "declaration-export" else {"sort": "-published_at"}
    at_once = client.get(reverse(name, args=[fmt]), params)
    expected = body(at_once)

    monkeypatch.setattr(export_services, "EXPORT_AT_ONCE_MAX_ROWS", 0)
    job = queue(client, name, fmt, params)
    job_queue()
    download = client.get(reverse("export-job-download", args=[job.pk]))
    got = body(download)
    assert download["Content-Type"] == at_once["Content-Type"]
    assert download["Content-Disposition"] == at_once["Content-Disposition"]
    assert "private" in download["Cache-Control"] and "no-store" in download["Cache-Control"]
    if fmt == "csv":
        assert got == expected
    else:
        assert xlsx_cells(got) == xlsx_cells(expected)
        assert len(xlsx_cells(got)[0][3]) > 2  # a header and rows, not an empty sheet


def test_progress_is_written_every_few_hundred_rows_not_every_row(
    client, bureau_staff, rows, job_queue, queue_everything, monkeypatch
):
    seen = []
    save = export_services._Progress.save

    def noting(progress):
        save(progress)
        seen.append(ExportJob.objects.values_list("rows_done", "rows_total").get(pk=progress.export_id))

    monkeypatch.setattr(export_services._Progress, "save", noting)
    monkeypatch.setattr(export_services, "PROGRESS_EVERY_ROWS", 2)
    monkeypatch.setattr(export_services, "PROGRESS_EVERY_SECONDS", 3600)
    client.force_login(bureau_staff)
    job = queue(client, "declaration-export", "csv")
    job_queue()
    assert seen == [(2, 5), (4, 5)]  # every 2nd record, while running; then done at 5
    job.refresh_from_db()
    assert (job.rows_done, job.rows_total, job.status) == (5, 5, ExportStatus.DONE)


# -- the requester's alone, in their scope ----------------------------------------------------


def test_another_user_gets_a_404_whatever_their_role(
    client, bureau_staff, manager, branch_staff, rows, queue_everything, django_user_model
):
    client.force_login(bureau_staff)
    job = queue(client, "enterprise-export", "csv")  # immediate backend: built already
    urls = [reverse(n, args=[job.pk]) for n in ("export-job", "export-job-status", "export-job-download")]
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]
    other_bureau = django_user_model.objects.create_superuser("bureau2", "b2@example.cn", "x")
    for other in (other_bureau, manager, branch_staff):
        client.force_login(other)
        assert [client.get(url).status_code for url in urls] == [404, 404, 404], other


def test_enterprise_users_are_refused_and_the_anonymous_sent_to_log_in(
    client, bureau_staff, enterprise_user, rows, queue_everything
):
    client.force_login(bureau_staff)
    job = queue(client, "enterprise-export", "csv")
    client.force_login(enterprise_user)
    assert client.get(reverse("export-job", args=[job.pk])).status_code == 403
    assert client.get(reverse("export-job-download", args=[job.pk])).status_code == 403
    client.logout()
    response = client.get(reverse("export-job-download", args=[job.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_job_reads_the_requesters_scope_not_everything(
    client, branch_staff, rows, job_queue, queue_everything, enterprise, other_enterprise
):
    client.force_login(branch_staff)
    job = queue(client, "declaration-export", "csv")
    assert job.rows_total == 3  # 东城所's own
    job_queue()
    text = body(client.get(reverse("export-job-download", args=[job.pk]))).decode("utf-8")
    assert enterprise.name in text
    assert other_enterprise.name not in text
    assert text.count("\r\n") == 1 + 3


def test_a_file_is_not_handed_to_a_login_whose_office_or_account_changed(
    client, branch_staff, other_office, rows, queue_everything
):
    client.force_login(branch_staff)
    job = queue(client, "declaration-export", "csv")
    url = reverse("export-job-download", args=[job.pk])
    assert client.get(url).status_code == 200
    profile = branch_staff.profile
    profile.branch_office = other_office
    profile.save()
    assert client.get(url).status_code == 404  # built for 东城所's rows, not for this login now
    branch_staff.is_active = False
    branch_staff.save()
    assert client.get(url).status_code == 302  # logged out: to the login page


def test_a_requester_who_lost_the_right_before_the_job_ran_gets_a_failed_export(
    client, branch_staff, rows, job_queue, queue_everything
):
    client.force_login(branch_staff)
    job = queue(client, "declaration-export", "csv")
    profile = branch_staff.profile
    profile.branch_office = None
    profile.save()
    job_queue()
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED
    assert job.error == export_services.NO_LONGER_ALLOWED_MESSAGE
    assert stored_files() == []


# -- expired, failed, killed ----------------------------------------------------------------


def test_an_expired_export_says_so_and_its_file_is_deleted(client, bureau_staff, rows, queue_everything):
    client.force_login(bureau_staff)
    job = queue(client, "enterprise-export", "xlsx")
    assert len(stored_files()) == 1
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    text = client.get(reverse("export-job", args=[job.pk])).content.decode()
    assert "文件已过期（保留 24 小时），请重新导出。" in text
    assert reverse("enterprise-export", args=["xlsx"]) in text  # 重新导出
    assert client.get(reverse("export-job-download", args=[job.pk])).status_code == 404
    assert client.get(reverse("export-job-status", args=[job.pk])).json()["state"] == "expired"

    assert export_services.delete_expired_exports() == (1, 0)
    assert stored_files() == []
    job.refresh_from_db()
    assert job.file == ""
    assert "文件已过期" in client.get(reverse("export-job", args=[job.pk])).content.decode()
    # Later the row goes too; a second run at once finds nothing.
    later = timezone.now() + export_services.EXPORT_ROWS_KEPT + dt.timedelta(seconds=1)
    assert export_services.delete_expired_exports(now=later) == (0, 1)
    assert export_services.delete_expired_exports(now=later) == (0, 0)
    assert client.get(reverse("export-job", args=[job.pk])).status_code == 404


def test_housekeeping_is_run_by_the_workers():
    assert export_services.delete_expired_exports in jobs._MAINTENANCE


def test_a_job_that_raises_fails_its_export_in_chinese(
    client, bureau_staff, rows, job_queue, queue_everything, monkeypatch
):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(export_services, "write_csv", broken)
    client.force_login(bureau_staff)
    job = queue(client, "declaration-export", "csv", {"status": "published"})
    job_queue()
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED
    assert DBTaskResult.objects.get().status == "FAILED"
    page = client.get(reverse("export-job", args=[job.pk])).content.decode()
    assert "导出失败：生成文件时出错。请重新导出，或联系管理员。" in page
    assert "disk full" not in page
    assert f"{reverse('declaration-export', args=['csv'])}?status=published" in page
    state = client.get(reverse("export-job-status", args=[job.pk])).json()
    assert (state["state"], state["finished"], state["download_url"]) == ("failed", True, "")
    assert client.get(reverse("export-job-download", args=[job.pk])).status_code == 404


def _claimed_by_dead_workers(job: ExportJob, workers: list[str]) -> None:
    DBTaskResult.objects.filter(pk=job.task_result_id).update(
        status="RUNNING", started_at=timezone.now(), worker_ids=workers
    )
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.RUNNING, rows_done=2, started_at=timezone.now()
    )


def test_a_job_whose_worker_was_killed_is_built_once_more_and_finished_once(
    client, bureau_staff, rows, job_queue, queue_everything
):
    client.force_login(bureau_staff)
    job = queue(client, "declaration-export", "csv")
    # A worker took it, wrote part of the progress, and was SIGKILLed.
    _claimed_by_dead_workers(job, ["killed-worker"])
    assert jobs.recover_lost_tasks() == (1, 0)
    assert job_queue() == 1
    job.refresh_from_db()
    assert (job.status, job.rows_done, job.rows_total) == (ExportStatus.DONE, 5, 5)
    assert stored_files() == [job.file]
    finished_at = job.finished_at

    # The job delivered again (a second worker, a duplicate): the export is not done twice.
    assert export_services.export_job_run(export_id=job.pk) == "already done"
    job.refresh_from_db()
    assert job.finished_at == finished_at and stored_files() == [job.file]


def test_a_job_failed_by_the_queue_after_its_last_attempt_fails_the_export(
    client, bureau_staff, rows, job_queue, queue_everything, django_capture_on_commit_callbacks
):
    client.force_login(bureau_staff)
    job = queue(client, "declaration-export", "xlsx")
    _claimed_by_dead_workers(job, [f"w{n}" for n in range(jobs.MAX_ATTEMPTS)])
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.recover_lost_tasks() == (0, 1)
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED
    assert job.error == export_services.WORKER_LOST_MESSAGE
    page = client.get(reverse("export-job", args=[job.pk])).content.decode()
    assert "导出失败：后台任务多次中断" in page
    assert job_queue() == 0  # nothing left to run


def test_a_finished_export_is_not_failed_by_a_late_signal(client, bureau_staff, rows, queue_everything):
    client.force_login(bureau_staff)
    job = queue(client, "enterprise-export", "csv")
    assert not export_services.export_job_fail(export_id=job.pk, message="x")
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE


def test_the_status_is_never_cached(client, bureau_staff, rows, queue_everything):
    client.force_login(bureau_staff)
    job = queue(client, "enterprise-export", "csv")
    for name in ("export-job", "export-job-status"):
        cache_control = client.get(reverse(name, args=[job.pk]))["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control


def test_my_exports_lists_the_users_own_exports(client, bureau_staff, manager, rows, queue_everything):
    client.force_login(bureau_staff)
    job = queue(client, "enterprise-export", "csv")
    text = client.get(reverse("export-jobs")).content.decode()
    assert job.filename in text and reverse("export-job", args=[job.pk]) in text
    client.force_login(manager)
    assert job.filename not in client.get(reverse("export-jobs")).content.decode()


def test_the_filters_are_shown_in_words(client, bureau_staff, rows, office, queue_everything):
    client.force_login(bureau_staff)
    job = queue(client, "declaration-export", "csv", {"branch_office": office.pk, "status": "published"})
    text = client.get(reverse("export-job", args=[job.pk])).content.decode()
    assert "所属监管所：东城市场监管所" in text
    assert "状态：已发布" in text


def test_build_export_is_the_queued_task():
    assert build_export.module_path == "benchmarking.export_tasks.build_export"


def test_the_file_is_not_served_under_the_uploads_address(client, bureau_staff, rows, queue_everything):
    client.force_login(bureau_staff)
    job = queue(client, "enterprise-export", "csv")
    assert stored_files() == [job.file]
    # Stored beside the uploads, but no record owns it: the uploads' view knows nothing of it.
    assert client.get(reverse("protected-file", args=[f"exports/{job.file}"])).status_code == 404
    assert client.get(f"/files/exports/{job.file}").status_code == 404


def test_a_job_run_again_after_writing_its_file_rewrites_the_same_file(
    client, bureau_staff, rows, queue_everything
):
    client.force_login(bureau_staff)
    job = queue(client, "declaration-export", "csv")
    first = body(client.get(reverse("export-job-download", args=[job.pk])))
    # Its worker lost after the file was stored, before the export was marked done: run again.
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.QUEUED, finished_at=None, expires_at=None)
    assert export_services.export_job_run(export_id=job.pk) == "done"
    assert stored_files() == [job.file]
    assert body(client.get(reverse("export-job-download", args=[job.pk]))) == first
