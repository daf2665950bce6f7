"""Server time of the progress dashboard on PostgreSQL at 100 × the demo data.

    .venv/bin/python benchmarks/dashboard.py [--factor 100] [--requests 20] [--warmup 2]

Drops and recreates the database of BENCH_DATABASE_URL (default
postgres://postgres:postgres@127.0.0.1:5432/yongkang_bench), migrates it, loads
``generate_scale --factor N`` and logs a manager in. Then it requests the dashboard
with Django's test Client in this process, so the times are server time (URL
routing, middleware, view, queries, template) without network or browser, and
prints a markdown table for benchmarks/RESULTS.md and the machine it ran on.

A script, not a test: pytest collects only tests/.
"""

import argparse
import math
import os
import platform
import statistics
import sys
import time
from pathlib import Path

DEFAULT_URL = "postgres://postgres:postgres@127.0.0.1:5432/yongkang_bench"
# (label, path, cold): the dashboard as of today and as of a past day, served as people get it
# (counts cached until a write changes them), and cold (the cache emptied before every request:
# the first view after a publication).
PAGES = [
    ("进度看板 / dashboard", "/progress/", False),
    ("进度看板，截至 2025-06-30 / as of a past day", "/progress/?as_of=2025-06-30", False),
    ("进度看板，冷缓存 / dashboard, cold cache", "/progress/", True),
    ("截至 2025-06-30，冷缓存 / as of a past day, cold cache", "/progress/?as_of=2025-06-30", True),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factor", type=int, default=100, help="copies of the demo data (default 100)")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page (default 20)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed requests first (default 2)")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time the data a previous run left in the database instead of recreating it",
    )
    args = parser.parse_args()

    # Other work on the machine skews the times: say how busy it was before this script ran.
    load = _load_average()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    _configure_django(url)
    if not args.reuse:
        recreate_database(url)

    import django
    from django.core.management import call_command

    django.setup()
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    migrate_seconds = time.monotonic() - started

    from benchmarking.demo.scale import generate_scale
    from benchmarking.selectors.progress import progress_as_of

    started = time.monotonic()
    result = None if args.reuse else generate_scale(args.factor)
    load_seconds = time.monotonic() - started
    progress = result.progress if result else progress_as_of()

    from django.test import Client

    client = Client()
    client.force_login(_manager())
    rows = [time_page(client, path, args.warmup, args.requests, cold=cold) for _, path, cold in PAGES]
    report(args, progress, migrate_seconds, load_seconds, rows, load)


def _configure_django(url: str) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yongkang.settings")
    # Development settings: production ones need collected static files (the manifest
    # storage) and redirect to https. DEBUG's query log costs nothing extra here, as
    # CaptureQueriesContext turns it on for the timed requests anyway.
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


def _manager():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from benchmarking.access import ROLE_GROUP_NAMES
    from benchmarking.choices import Role

    user, _ = get_user_model().objects.get_or_create(username="bench_manager")
    user.groups.add(Group.objects.get(name=ROLE_GROUP_NAMES[Role.MANAGER]))
    return user


def time_page(client, path: str, warmup: int, requests: int, *, cold: bool) -> dict:
    """Milliseconds of each timed request and the queries each made."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries = [], set()
    for n in range(warmup + requests):
        if cold:
            cache.clear()  # outside the timing: only the request is timed
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            sys.exit(f"{path} answered {response.status_code}, not 200.")
        if n >= warmup:
            times.append(elapsed)
            queries.add(len(captured.captured_queries))
    return {"path": path, "times": times, "queries": queries}


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with ``share`` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def machine() -> list[tuple[str, str]]:
    import django
    from django.db import connection

    def first(path: str, key: str) -> str:
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return "?"

    memory_kb = first("/proc/meminfo", "MemTotal").split()[0]
    ram = f"{int(memory_kb) / 1024 / 1024:.1f} GiB" if memory_kb.isdigit() else "?"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return [
        ("CPUs (nproc)", str(len(os.sched_getaffinity(0)))),
        ("CPU", first("/proc/cpuinfo", "model name")),
        ("RAM", ram),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("Django", django.get_version()),
        ("PostgreSQL", postgres),
        ("DEBUG", os.environ["DJANGO_DEBUG"]),
    ]


def report(args, progress, migrate_seconds: float, load_seconds: float, rows: list[dict], load: str) -> None:
    from benchmarking.models import Declaration, DeclarationItem, Enterprise, TechnicalScheme

    print(f"\n## Dashboard at {args.factor} × the demo data ({time.strftime('%Y-%m-%d')})\n")
    print(
        f"Data: {Enterprise.objects.count():,} enterprises, {TechnicalScheme.objects.count():,} schemes, "
        f"{Declaration.objects.count():,} declarations, {DeclarationItem.objects.count():,} items; "
        f"counted {progress.schemes:,} / {progress.enterprises:,} / {progress.results:,}. "
        + (
            "Data left by an earlier run (--reuse).\n"
            if args.reuse
            else f"Loaded by generate_scale in {load_seconds:.1f} s (migrate {migrate_seconds:.1f} s).\n"
        )
    )
    print(
        f"Server time (Django test Client, in process), {args.warmup} warm-up then "
        f"{args.requests} timed requests each, logged in as a manager:\n"
    )
    print("| page | URL | median ms | p95 ms | min ms | max ms | queries |")
    print("|---|---|--:|--:|--:|--:|--:|")
    for (label, _, _), row in zip(PAGES, rows, strict=True):
        times = row["times"]
        queries = "–".join(str(n) for n in sorted(row["queries"]))
        print(
            f"| {label} | `{row['path']}` | {statistics.median(times):.0f} | {percentile(times, 0.95):.0f} "
            f"| {min(times):.0f} | {max(times):.0f} | {queries} |"
        )
    print("\nMachine:\n")
    print("| | |\n|---|---|")
    for key, value in [*machine(), ("load average at start (1/5/15 min)", load)]:
        print(f"| {key} | {value} |")


if __name__ == "__main__":
    main()
