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
    results = [time_export(client, kind, fmt, args.runs) for kind in KINDS for fmt in FORMATS]
    report(args, load_seconds, results, load_before, harness.load_average())


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


if __name__ == "__main__":
    main()
