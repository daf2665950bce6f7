"""Server time of the progress dashboard on PostgreSQL at 100 × the demo data.

    .venv/bin/python -m benchmarks.dashboard [--factor 100] [--requests 20] [--warmup 2] [--reuse]

Drops and recreates the database of BENCH_DATABASE_URL (default
postgres://postgres:postgres@127.0.0.1:5432/yongkang_bench), migrates it, loads
``generate_scale --factor N`` and logs a manager in. Then it requests the dashboard
with Django's test Client in this process, so the times are server time (URL
routing, middleware, view, queries, template) without network or browser, and
prints a markdown table for benchmarks/RESULTS.md and the machine it ran on.

A script, not a test: pytest collects only tests/.
"""

import os
import time

from benchmarks import harness

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
    parser = harness.argument_parser("benchmarks.dashboard", __doc__)
    parser.add_argument("--factor", type=int, default=100, help="copies of the demo data (default 100)")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page (default 20)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed requests first (default 2)")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time the data a previous run left in the database instead of recreating it",
    )
    args = parser.parse_args()

    # Before anything of this script runs, so that it says how busy the machine already was.
    load = harness.load_average()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    harness.setup_django(url)
    migrate_seconds, load_seconds = harness.scale_database(url, args.factor, reuse=args.reuse)

    from django.test import Client

    from benchmarking.choices import Role
    from benchmarking.selectors.progress import progress_as_of

    progress = progress_as_of()
    client = Client()
    client.force_login(harness.role_user("bench_manager", Role.MANAGER))
    rows = [
        harness.time_requests(client, path, args.warmup, args.requests, cold=cold) for _, path, cold in PAGES
    ]
    report(args, progress, migrate_seconds, load_seconds, rows, load)


def report(
    args, progress, migrate_seconds: float, load_seconds: float | None, rows: list[dict], load: str
) -> None:
    print(f"\n## Dashboard at {args.factor} × the demo data ({time.strftime('%Y-%m-%d')})\n")
    print(
        f"Data: {harness.data_summary()}; "
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
    harness.print_timings("page", [label for label, _, _ in PAGES], rows)
    print("\nMachine:\n")
    for line in harness.key_value_table([*harness.machine(), ("load average at start (1/5/15 min)", load)]):
        print(line)


if __name__ == "__main__":
    main()
