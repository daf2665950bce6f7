"""Server time per row of the list exports (.csv and .xlsx), on PostgreSQL at N × the demo data.

    .venv/bin/python benchmarks/exports.py [--factor 10] [--runs 3] [--reuse]

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

import argparse
import csv
import io
import os
import statistics
import sys
import time
from pathlib import Path

DEFAULT_URL = "postgres://postgres:postgres@127.0.0.1:5432/yongkang_bench_exports"
KINDS = ("scheme", "enterprise", "declaration")
FORMATS = ("csv", "xlsx")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
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

    load_before = _load_average()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    _configure_django(url)
    if not args.reuse:
        recreate_database(url)

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    started = time.monotonic()
    if not args.reuse:
        call_command("generate_scale", factor=args.factor, verbosity=0, stdout=io.StringIO())
    load_seconds = time.monotonic() - started

    from django.test import Client

    client = Client()
    client.force_login(_bureau_staff())
    results = [time_export(client, kind, fmt, args.runs) for kind in KINDS for fmt in FORMATS]
    report(args, load_seconds, results, load_before, _load_average())


def _configure_django(url: str) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yongkang.settings")
    # Development settings: production ones need collected static files and redirect to
    # https. DEBUG logs every query; reset_queries() before each download keeps that log
    # to one export's few queries, so it costs nothing measurable.
    os.environ.setdefault("DJANGO_DEBUG", "1")
    # The test Client calls itself "testserver".
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"


def recreate_database(url: str) -> None:
    """Drop and create the benchmark database. Refuses a name without "bench" in it, so a
    mistyped BENCH_DATABASE_URL cannot drop a real database."""
    import dj_database_url
    import psycopg2
    from psycopg2 import sql

    config = dj_database_url.parse(url)
    name = config["NAME"]
    if not config["ENGINE"].endswith("postgresql") or "bench" not in name:
        sys.exit(
            f"BENCH_DATABASE_URL must name a PostgreSQL database with 'bench' in its name, not {name!r}."
        )
    connection = psycopg2.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"],
        host=config["HOST"],
        port=config["PORT"] or 5432,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def _bureau_staff():
    """A bureau-staff user, as tests.factories.make_user makes one: in the role's group, staff."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from benchmarking.access import ROLE_GROUP_NAMES
    from benchmarking.choices import Role

    user, _ = get_user_model().objects.get_or_create(
        username="bench_exports_bureau", defaults={"is_staff": True}
    )
    user.groups.add(Group.objects.get(name=ROLE_GROUP_NAMES[Role.BUREAU_STAFF]))
    return user


def time_export(client, kind: str, fmt: str, runs: int) -> dict:
    """Milliseconds of each download (whole body read), its size, rows and queries."""
    from django.db import connection, reset_queries
    from django.urls import reverse

    path = reverse(f"{kind}-export", kwargs={"fmt": fmt})
    times, cpu_times, queries = [], [], set()
    body = b""
    for _ in range(runs):
        reset_queries()
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
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
        "rows": data_rows(fmt, body),
        "queries": queries,
    }


def data_rows(fmt: str, body: bytes) -> int:
    """Rows of the file below its header row."""
    if fmt == "csv":
        return sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8-sig")))) - 1
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    try:
        return workbook.worksheets[0].max_row - 1
    finally:
        workbook.close()


def _load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def report(args, load_seconds: float, results: list[dict], load_before: str, load_after: str) -> None:
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
