"""Server time per row of the list exports (.csv and .xlsx), on PostgreSQL at N × the demo data.

    .venv/bin/python -m benchmarks.exports [--factor 10] [--runs 3] [--reuse]

Drops and recreates the database of BENCH_DATABASE_URL (default
postgres://postgres:postgres@127.0.0.1:5432/yongkang_bench_exports), migrates it, loads
``generate_scale --factor N`` and logs a bureau-staff user in (every row visible). Then it
downloads each export (schemes, enterprises, declarations; .csv and .xlsx) ``--runs``
times with Django's test Client in this process, reading the whole body (a streamed
.csv runs its queries and builds its rows while it is read), and prints a markdown
table: data rows, bytes, queries, median ms and µs per data row (wall time, and this
process's CPU time, which leaves out the database server and the time spent waiting for a
core), with the load average before and after (other work on the machine skews the times).
These downloads are timed as the file built in the request (the queue's threshold lifted for
them), which is also what a background job spends building it.

Then the exports as they are served: each list's export above the threshold is queued
(services.exports), so the request that asks for it is timed (``--runs`` times, the 303 and its
queries), and one queued job per format of the largest export (declarations) is run by an
in-process worker (``run_jobs --batch``) and timed from its claim to its finished file. And the
dashboard's workbook (/progress/report.xlsx), warm and with the cache emptied before each.

A script, not a test: pytest collects only tests/.
"""

import os
import statistics
import sys
import time

from benchmarks import harness

DEFAULT_URL = "postgres://postgres:postgres@127.0.0.1:5432/yongkang_bench_exports"
KINDS = ("scheme", "enterprise", "declaration")
FORMATS = ("csv", "xlsx")


def main() -> None:
    parser = harness.argument_parser("benchmarks.exports", __doc__)
    parser.add_argument("--factor", type=int, default=10, help="copies of the demo data (default 10)")
    parser.add_argument("--runs", type=int, default=3, help="timed downloads per export (default 3)")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time the data a previous run left in the database instead of recreating it",
    )
    args = parser.parse_args()
    if args.factor < 1 or args.runs < 1:
        parser.error("--factor and --runs must be at least 1")

    load_before = harness.load_average()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    harness.setup_django(url)
    _, load_seconds = harness.scale_database(url, args.factor, reuse=args.reuse)

    from django.test import Client

    from benchmarking.choices import Role

    client = Client()
    # Bureau staff see every row.
    client.force_login(harness.role_user("bench_exports_bureau", Role.BUREAU_STAFF, is_staff=True))
    from benchmarking.services import exports as export_services

    threshold = export_services.EXPORT_AT_ONCE_MAX_ROWS
    export_services.EXPORT_AT_ONCE_MAX_ROWS = 10**9  # every file built in the request
    results = [time_export(client, kind, fmt, args.runs) for kind in KINDS for fmt in FORMATS]
    export_services.EXPORT_AT_ONCE_MAX_ROWS = threshold
    report(args, load_seconds, results, load_before, harness.load_average())
    report_jobs(client, args.runs)


def time_export(client, kind: str, fmt: str, runs: int) -> dict:
    """Milliseconds of each download (whole body read), its size, rows and queries. DEBUG logs
    every query; reset_queries() before each download keeps that log to one export's few
    queries, so it costs nothing measurable."""
    from django.db import connection, reset_queries
    from django.urls import reverse

    path = reverse(f"{kind}-export", kwargs={"fmt": fmt})
    times, cpu_times, queries = [], [], set()
    body = b""
    for _ in range(runs):
        reset_queries()
        started, cpu_started = time.perf_counter(), time.process_time()
        response, body = harness.fetch(client, path)
        times.append((time.perf_counter() - started) * 1000)
        cpu_times.append((time.process_time() - cpu_started) * 1000)
        if response.status_code != 200:
            sys.exit(f"{path} answered {response.status_code}, not 200.")
        queries.add(len(connection.queries))
    return {
        "kind": kind,
        "fmt": fmt,
        "times": times,
        "cpu_times": cpu_times,
        "bytes": len(body),
        "rows": harness.export_rows(fmt, body),
        "queries": queries,
    }


def report(args, load_seconds: float | None, results: list[dict], load_before: str, load_after: str) -> None:
    from benchmarking.models import Declaration, DeclarationItem, Enterprise, Indicator, TechnicalScheme

    print(f"\n## Exports at {args.factor} × the demo data ({time.strftime('%Y-%m-%d %H:%M')})\n")
    print(
        f"Data: {Enterprise.objects.count():,} enterprises, {TechnicalScheme.objects.count():,} schemes "
        f"({Indicator.objects.count():,} indicators), {Declaration.objects.count():,} declarations "
        f"({DeclarationItem.objects.count():,} values). "
        + ("Data left by an earlier run (--reuse)." if args.reuse else f"Loaded in {load_seconds:.1f} s.")
    )
    print(
        f"\nServer time (Django test Client, in process, whole body read), median of {args.runs} "
        f"downloads, logged in as bureau staff. Load average (1/5/15 min) before: {load_before}, "
        f"after: {load_after}.\n"
    )
    print(
        "| export | format | rows | bytes | queries | median ms | µs per row | CPU ms | CPU µs per row "
        "| all runs ms |"
    )
    print("|---|---|--:|--:|--:|--:|--:|--:|--:|---|")
    for result in results:
        rows = max(result["rows"], 1)
        median = statistics.median(result["times"])
        cpu = statistics.median(result["cpu_times"])
        runs = ", ".join(f"{t:.0f}" for t in result["times"])
        queries = "–".join(str(n) for n in sorted(result["queries"]))
        print(
            f"| {result['kind']} | {result['fmt']} | {result['rows']:,} | {result['bytes']:,} | {queries} "
            f"| {median:.0f} | {median * 1000 / rows:.0f} | {cpu:.0f} | {cpu * 1000 / rows:.0f} | {runs} |"
        )


def time_queueing(client, kind: str, fmt: str, runs: int) -> dict:
    """The request that queues an export: milliseconds, status and queries; the jobs it queued
    are deleted, so only the last one waits (for ``time_job``)."""
    from django.db import connection, reset_queries
    from django.urls import reverse
    from django_tasks_db.models import DBTaskResult

    from benchmarking.models import ExportJob

    path = reverse(f"{kind}-export", kwargs={"fmt": fmt})
    times, queries = [], set()
    for _ in range(runs):
        ExportJob.objects.all().delete()
        DBTaskResult.objects.all().delete()
        reset_queries()
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 303:
            sys.exit(f"{path} answered {response.status_code}, not 303 (queued).")
        queries.add(len(connection.queries))
    return {
        "kind": kind,
        "fmt": fmt,
        "times": times,
        "queries": queries,
        "rows": ExportJob.objects.get().rows_total,
    }


def time_job() -> tuple[float, int, int]:
    """Run the one waiting export job as a worker does; (seconds, records, bytes)."""
    from benchmarking.management.commands.run_jobs import RollCallWorker
    from benchmarking.models import ExportJob, ExportStatus
    from benchmarking.services.exports import export_storage

    worker = RollCallWorker(
        queue_names=["*"],
        excluded_queue_names=[],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=1,
        worker_id="bench-exports",
    )
    started = time.perf_counter()
    worker.run()
    seconds = time.perf_counter() - started
    job = ExportJob.objects.get()
    if job.status != ExportStatus.DONE:
        sys.exit(f"the export job ended {job.status}: {job.error}")
    size = export_storage().size(job.file)
    export_storage().delete(job.file)
    return seconds, job.rows_done, size


def time_workbook(client, runs: int, *, cold: bool) -> list[float]:
    from django.core.cache import cache

    times = []
    for _ in range(runs):
        if cold:
            cache.clear()
        started = time.perf_counter()
        response, _ = harness.fetch(client, "/progress/report.xlsx")
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            sys.exit(f"/progress/report.xlsx answered {response.status_code}, not 200.")
    return times


def report_jobs(client, runs: int) -> None:
    from django.conf import settings

    from benchmarking.services.exports import EXPORT_AT_ONCE_MAX_ROWS

    backend = settings.TASKS["default"]["BACKEND"]
    print(f"\n### Exports as served: queued above {EXPORT_AT_ONCE_MAX_ROWS:,} rows ({backend})\n")
    print("| export | format | records | queries | median ms (request that queues) | all runs ms |")
    print("|---|---|--:|--:|--:|---|")
    jobs = []
    for kind in KINDS:
        for fmt in FORMATS:
            result = time_queueing(client, kind, fmt, runs)
            queries = "–".join(str(n) for n in sorted(result["queries"]))
            print(
                f"| {kind} | {fmt} | {result['rows']:,} | {queries} | {statistics.median(result['times']):.0f} "
                f"| {', '.join(f'{t:.0f}' for t in result['times'])} |"
            )
            if kind == "declaration":
                jobs.append((fmt, *time_job()))
    print("\n| job (worker, claim to finished file) | records | bytes | seconds | µs per record |")
    print("|---|--:|--:|--:|--:|")
    for fmt, seconds, records, size in jobs:
        print(
            f"| declaration {fmt} | {records:,} | {size:,} | {seconds:.1f} | {seconds * 1e6 / max(records, 1):.0f} |"
        )
    warm, cold = time_workbook(client, runs, cold=False), time_workbook(client, runs, cold=True)
    print(
        f"\nDashboard workbook /progress/report.xlsx: median {statistics.median(warm):.0f} ms warm "
        f"({', '.join(f'{t:.0f}' for t in warm)}), {statistics.median(cold):.0f} ms with the cache emptied "
        f"({', '.join(f'{t:.0f}' for t in cold)})."
    )


if __name__ == "__main__":
    main()
