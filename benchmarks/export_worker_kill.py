"""A job worker SIGKILLed in the middle of the largest export, and another worker finishing it once.

    .venv/bin/python -m benchmarks.export_worker_kill [--fmt xlsx] [--kill-at 8000]

Needs the 100 × data a run of ``benchmarks.exports --factor 100`` left in BENCH_DATABASE_URL (default
postgres://postgres:postgres@127.0.0.1:5432/yongkang_bench_exports); migrates it. Bureau staff ask
for the whole city's declarations (the request is timed: it queues the job); a real
``manage.py run_jobs`` process takes the job and is SIGKILLed once its progress passes ``--kill-at``
records; a second worker's housekeeping (``jobs.recover_lost_tasks``, after
``jobs.WORKER_LOST_AFTER``) puts the job back in the queue and runs it again. Prints the progress
seen, the job's claims, its status and the export files stored: one, 52,200 records.

Export files go to a temporary DJANGO_MEDIA_ROOT, deleted at the end. A script, not a test.
"""

import os
import signal
import subprocess
import sys
import tempfile
import time

from benchmarks import harness

DEFAULT_URL = "postgres://postgres:postgres@127.0.0.1:5432/yongkang_bench_exports"


def main() -> None:
    parser = harness.argument_parser("benchmarks.export_worker_kill", __doc__)
    parser.add_argument("--fmt", choices=("xlsx", "csv"), default="xlsx")
    parser.add_argument("--kill-at", type=int, default=8000, help="records done when the worker is killed")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    media = tempfile.mkdtemp(prefix="export-kill-")
    os.environ["DJANGO_MEDIA_ROOT"] = media
    harness.setup_django(url)
    harness.use_database(url)
    harness.migrate()

    from django.test import Client
    from django_tasks_db.models import DBTaskResult

    from benchmarking.choices import Role
    from benchmarking.models import ExportJob
    from benchmarking.services.exports import export_storage

    ExportJob.objects.all().delete()
    DBTaskResult.objects.all().delete()
    client = Client()
    client.force_login(harness.role_user("bench_exports_bureau", Role.BUREAU_STAFF, is_staff=True))
    client.get("/")  # the process's first request warms it up; the one timed is the export's
    started = time.perf_counter()
    response = client.get(f"/declarations/export.{args.fmt}")
    print(
        f"request: {response.status_code} → {response.get('Location')} in {(time.perf_counter() - started) * 1000:.0f} ms"
    )
    if response.status_code != 303:
        sys.exit("the export was not queued")
    job = ExportJob.objects.get()

    env = {**os.environ, "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1"}
    command = [sys.executable, "manage.py", "run_jobs", "--interval", "0.5"]
    first = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    began = time.monotonic()
    while job.rows_done < args.kill_at and time.monotonic() - began < 600:
        time.sleep(0.2)
        job.refresh_from_db()
    print(
        f"worker 1 SIGKILLed at {job.rows_done:,} / {job.rows_total:,} ({time.monotonic() - began:.1f} s in)"
    )
    first.send_signal(signal.SIGKILL)
    first.wait()

    second = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    killed = time.monotonic()
    seen = []
    while job.status not in ("done", "failed") and time.monotonic() - killed < 900:
        time.sleep(1)
        job.refresh_from_db()
        seen.append(f"{time.monotonic() - killed:.0f}s {job.rows_done:,}")
    second.send_signal(signal.SIGTERM)
    second.wait(timeout=120)

    task = DBTaskResult.objects.get(pk=job.task_result_id)
    files = os.listdir(export_storage().location)
    print("progress after the kill (every 10 s):", "; ".join(seen[::10]))
    print(
        f"export: {job.status}, {job.rows_done:,} / {job.rows_total:,}, {time.monotonic() - killed:.0f} s after the kill"
    )
    print(f"queued job: {task.status}, claimed {len(task.worker_ids)} times")
    print(f"files stored: {len(files)}")
    for name in files:
        export_storage().delete(name)
    os.rmdir(export_storage().location)
    os.rmdir(media)
    if job.status != "done" or len(files) != 1 or task.status != "SUCCESSFUL":
        sys.exit("FAILED: the export was not finished exactly once")


if __name__ == "__main__":
    main()
