"""The background job queue (benchmarking/jobs.py, tasks.py, manage.py run_jobs) on the production
backend, jobs waiting in the database: mails wait for a worker and are tried again when the
mail server fails; a job whose worker died goes back to the queue, and fails after its last
attempt; housekeeping deletes what has served its time."""

import datetime as dt
import smtplib

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone
from django_tasks import task
from django_tasks.signals import task_finished
from django_tasks_db.models import DBTaskResult

from benchmarking import jobs
from benchmarking.choices import DeclarationStatus
from benchmarking.management.commands import run_jobs
from benchmarking.models import JobWorker
from benchmarking.services.declarations import declaration_create, declaration_submit
from benchmarking.tasks import MAIL_RETRY_DELAYS, send_declaration_mail
from tests.test_notifications import values

pytestmark = pytest.mark.django_db


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPConnectError(421, "service not available")


@pytest.fixture
def submitted(
    enterprise, enterprise_user, bureau_staff, scheme, executed_standard, django_capture_on_commit_callbacks
):
    """A declaration submitted by its enterprise, its mail to the reviewer queued on commit."""
    bureau_staff.email = "reviewer@example.cn"
    bureau_staff.save()
    draft = declaration_create(
        enterprise=enterprise,
        scheme=scheme,
        actor=enterprise_user,
        product_name="不锈钢保温杯",
        product_model="YK-500",
        executed_standard=executed_standard,
        values=values(scheme),
    )
    with django_capture_on_commit_callbacks(execute=True):
        declaration_submit(declaration=draft, actor=enterprise_user)
    draft.refresh_from_db()
    assert draft.status == DeclarationStatus.SUBMITTED
    return draft


def test_a_mail_waits_in_the_database_until_a_worker_sends_it(job_queue, bureau_staff, submitted, mailoutbox):
    waiting = DBTaskResult.objects.get()
    assert waiting.status == "READY"
    assert waiting.task_path == "benchmarking.tasks.send_declaration_mail"
    assert mailoutbox == []  # the request did not send it

    assert job_queue() == 1
    assert [m.to for m in mailoutbox] == [[bureau_staff.email]]
    assert "新的对标声明待审核" in mailoutbox[0].subject
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_a_failed_send_is_tried_again_later_then_given_up_and_logged(
    job_queue, submitted, settings, mailoutbox, caplog
):
    settings.EMAIL_BACKEND = "tests.test_jobs.FailingBackend"
    before = timezone.now()
    assert job_queue() == 1
    retry = DBTaskResult.objects.ready().first()
    assert retry is None  # not due yet: the next try waits
    retry = DBTaskResult.objects.filter(status="READY").get()
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert before + MAIL_RETRY_DELAYS[0] <= retry.run_after <= timezone.now() + MAIL_RETRY_DELAYS[0]

    # Every try falls due and fails, until the last, which fails the job and logs the mail lost.
    for _ in MAIL_RETRY_DELAYS:
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        assert job_queue() == 1
    assert not DBTaskResult.objects.filter(status="READY").exists()
    statuses = list(DBTaskResult.objects.order_by("enqueued_at").values_list("status", flat=True))
    assert statuses == ["SUCCESSFUL"] * len(MAIL_RETRY_DELAYS) + ["FAILED"]
    assert mailoutbox == []
    lost = [
        r
        for r in caplog.records
        if r.name == "benchmarking.tasks" and "not sent after 5 tries" in r.getMessage()
    ]
    assert len(lost) == 1


def test_a_mail_server_back_before_the_next_try_delivers(
    job_queue, bureau_staff, submitted, settings, mailoutbox
):
    settings.EMAIL_BACKEND = "tests.test_jobs.FailingBackend"
    job_queue()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    assert job_queue() == 1
    assert [m.to for m in mailoutbox] == [[bureau_staff.email]]


def _running(worker_ids: list[str]) -> DBTaskResult:
    """A mail job claimed by the given workers, the last one holding it now."""
    result = send_declaration_mail.enqueue(declaration_id=0, action="submit")
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING", started_at=timezone.now(), worker_ids=worker_ids
    )
    return DBTaskResult.objects.get(pk=result.id)


def _worker(worker_id: str, seen_seconds_ago: float) -> JobWorker:
    seen = timezone.now() - dt.timedelta(seconds=seen_seconds_ago)
    return JobWorker.objects.create(
        worker_id=worker_id, hostname="app1", pid=1, started_at=seen, seen_at=seen
    )


def test_a_job_of_a_worker_that_stopped_beating_goes_back_to_the_queue(job_queue):
    _worker("alive", seen_seconds_ago=2)
    _worker("dead", seen_seconds_ago=jobs.WORKER_LOST_AFTER.total_seconds() + 5)
    busy = _running(["alive"])
    lost = _running(["dead"])
    never_seen = _running(["gone-without-a-trace"])

    assert jobs.recover_lost_tasks() == (2, 0)
    busy.refresh_from_db()
    lost.refresh_from_db()
    never_seen.refresh_from_db()
    assert busy.status == "RUNNING"  # a long job on a live worker is left alone
    assert (lost.status, lost.started_at) == ("READY", None)
    assert never_seen.status == "READY"
    # A second recovery finds nothing more to do.
    assert jobs.recover_lost_tasks() == (0, 0)


def test_a_job_whose_worker_died_on_every_attempt_is_failed_and_announced(
    job_queue, django_capture_on_commit_callbacks
):
    heard = []

    def listener(sender, task_result, **kwargs):
        heard.append((task_result.id, task_result.status))

    task_finished.connect(listener)
    try:
        lost = _running([f"w{n}" for n in range(jobs.MAX_ATTEMPTS)])
        with django_capture_on_commit_callbacks(execute=True):
            assert jobs.recover_lost_tasks() == (0, 1)
    finally:
        task_finished.disconnect(listener)
    lost.refresh_from_db()
    assert lost.status == "FAILED"
    assert lost.exception_class_path == "benchmarking.jobs.WorkerLost"
    # Whoever shows the job's state (an export's progress page) hears that it failed.
    assert [(str(id), str(status)) for id, status in heard] == [(str(lost.pk), "FAILED")]


def test_a_requeued_job_runs_again_and_counts_its_attempts(job_queue, bureau_staff, submitted, mailoutbox):
    DBTaskResult.objects.update(status="RUNNING", started_at=timezone.now(), worker_ids=["killed"])
    assert jobs.recover_lost_tasks() == (1, 0)
    assert job_queue() == 1
    job = DBTaskResult.objects.get()
    assert job.status == "SUCCESSFUL"
    assert job.worker_ids == ["killed", "test-worker"]
    assert len(mailoutbox) == 1


def test_housekeeping_deletes_old_finished_jobs_and_dead_workers_rolls(job_queue):
    old = send_declaration_mail.enqueue(declaration_id=0, action="create")
    recent = send_declaration_mail.enqueue(declaration_id=0, action="create")
    waiting = send_declaration_mail.enqueue(declaration_id=0, action="create")
    long_ago = timezone.now() - jobs.FINISHED_KEPT - dt.timedelta(hours=1)
    DBTaskResult.objects.filter(pk=old.id).update(status="SUCCESSFUL", finished_at=long_ago)
    DBTaskResult.objects.filter(pk=recent.id).update(status="FAILED", finished_at=timezone.now())
    DBTaskResult.objects.filter(pk=waiting.id).update(enqueued_at=long_ago)
    _worker("dead-yesterday", seen_seconds_ago=2 * 24 * 3600)
    _worker("alive", seen_seconds_ago=1)

    jobs.run_maintenance()
    # Maintenance also queues the scheduled jobs that are due (benchmarking/schedule.py); of
    # the three rows made here, the old finished one is gone.
    mine = DBTaskResult.objects.filter(pk__in=[old.id, recent.id, waiting.id])
    assert set(mine.values_list("pk", flat=True)) == {
        DBTaskResult.objects.get(pk=recent.id).pk,
        DBTaskResult.objects.get(pk=waiting.id).pk,
    }
    assert list(JobWorker.objects.values_list("worker_id", flat=True)) == ["alive"]


def test_a_failing_housekeeping_job_does_not_stop_the_others(job_queue, caplog):
    ran = []

    def broken():
        raise RuntimeError("boom")

    registered = list(jobs._MAINTENANCE)
    jobs.register_maintenance(broken)
    jobs.register_maintenance(lambda: ran.append(True))
    try:
        jobs.run_maintenance()
    finally:
        jobs._MAINTENANCE[:] = registered
    assert ran == [True]
    assert any("maintenance broken failed" in r.getMessage() for r in caplog.records)


def test_the_worker_command_runs_what_waits_and_leaves_no_roll_call_behind(
    job_queue, bureau_staff, submitted, mailoutbox
):
    call_command("run_jobs", "--batch", "--no-startup-delay", "--worker-id", "cli", verbosity=0)
    assert len(mailoutbox) == 1
    assert DBTaskResult.objects.get().worker_ids == ["cli"]
    assert not JobWorker.objects.exists()  # a worker that stops takes its row with it


FLAKY_CALLS: list[str] = []


@task()
def flaky_job(*, name: str) -> str:
    """Loses its database connection the first time it runs, as in a PostgreSQL restart."""
    FLAKY_CALLS.append(name)
    if len(FLAKY_CALLS) == 1:
        raise OperationalError("server closed the connection unexpectedly")
    return "ran"


def test_a_job_cut_off_by_a_database_outage_is_run_again_not_failed(job_queue, monkeypatch):
    monkeypatch.setattr(run_jobs, "OUTAGE_PAUSE", 0)
    FLAKY_CALLS.clear()
    result = flaky_job.enqueue(name="export")
    job_queue()
    job = DBTaskResult.objects.get(pk=result.id)
    # Not failed: still RUNNING under the worker's old id, while the worker lives on under a new
    # one, so the job is recovered as a lost worker's.
    assert job.status == "RUNNING"
    assert job.worker_ids == ["test-worker"]
    later = timezone.now() + jobs.WORKER_LOST_AFTER + dt.timedelta(seconds=1)
    assert jobs.recover_lost_tasks(now=later) == (1, 0)
    job_queue()
    job.refresh_from_db()
    assert (job.status, job.return_value) == ("SUCCESSFUL", "ran")
    assert FLAKY_CALLS == ["export", "export"]
