"""Server time of the API's list endpoints on PostgreSQL at N × the demo data.

    .venv/bin/python -m benchmarks.api_lists [--factor 100] [--requests 20] [--warmup 2] [--reuse]

Drops and recreates the database of BENCH_DATABASE_URL (default
postgres://postgres:postgres@127.0.0.1:5432/yongkang_bench_api), migrates it, loads
``generate_scale --factor N``, and makes a bureau-staff user (every row of the county visible:
the largest lists) a token by the service, as the tokens page does. Then it requests each list's
first page (50 rows, the default) with Django's test Client in this process, by that token, so
the times are server time (routing, authentication, filter set, queries, JSON) without network,
and prints a markdown table for benchmarks/RESULTS.md: median, p95, min, max and the queries
per request (one figure when every request made the same number).

A script, not a test: pytest collects only tests/.
"""

import os
import time
from urllib.parse import urlencode

from benchmarks import harness

DEFAULT_URL = "postgres://postgres:postgres@127.0.0.1:5432/yongkang_bench_api"
# (label, URL name, query): each staff list bare and with a filter people use, and the
# public list (anonymous).
ENDPOINTS = [
    ("企业 / enterprises", "api-staff-enterprise-list", {}),
    (
        "企业，截至某日计入 / enterprises counted on a day",
        "api-staff-enterprise-list",
        {"counted_on": "2025-06-30"},
    ),
    ("标准 / standards", "api-staff-standard-list", {}),
    ("方案 / schemes", "api-staff-scheme-list", {}),
    ("方案，已发布 / published schemes", "api-staff-scheme-list", {"status": "published"}),
    ("声明 / declarations", "api-staff-declaration-list", {}),
    ("声明，已发布 / published declarations", "api-staff-declaration-list", {"status": "published"}),
    ("声明，搜索 / declarations, search", "api-staff-declaration-list", {"q": "保温"}),
    ("进度 / progress", "api-staff-progress", {}),
    ("公开结果（匿名）/ public results, anonymous", "api-public-results", {}),
    (
        "公开结果，领先 / public results, grade leading",
        "api-public-results",
        {"grade": "leading"},
    ),
    ("各县数字及排名（匿名）/ county figures and ranks", "api-public-figures", {}),
    ("企业：可声明的方案 / enterprise: schemes to declare against", "api-enterprise-scheme-list", {}),
    ("企业：本企业的声明 / enterprise: its declarations", "api-enterprise-declaration-list", {}),
]


def main() -> None:
    parser = harness.argument_parser("benchmarks.api_lists", __doc__)
    parser.add_argument("--factor", type=int, default=100, help="copies of the demo data (default 100)")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per endpoint (default 20)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed requests first (default 2)")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time the data a previous run left in the database instead of recreating it",
    )
    args = parser.parse_args()

    load = harness.load_average()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    harness.setup_django(url)
    migrate_seconds, load_seconds = harness.scale_database(url, args.factor, reuse=args.reuse)

    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from benchmarking.choices import Role
    from benchmarking.services.api_tokens import api_token_create

    # The per-token limit (120 a minute) would answer 429 long before the timed requests end.
    settings.BENCHMARKING_API_RATES = {"token": "1000000/min", "anonymous": "1000000/min"}
    user = harness.role_user("bench_api_bureau", Role.BUREAU_STAFF, is_staff=True)
    _token, raw = api_token_create(actor=user, user=user, name="基准测试", valid_days=30)
    staff = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    anonymous = Client()
    enterprise = Client(HTTP_AUTHORIZATION=f"Bearer {enterprise_token()}")

    rows = []
    for _label, name, query in ENDPOINTS:
        client = anonymous if name.startswith("api-public") else staff
        if name.startswith("api-enterprise"):
            client = enterprise
        path = reverse(name) + (f"?{urlencode(query)}" if query else "")
        rows.append(harness.time_requests(client, path, args.warmup, args.requests))
    report(args, migrate_seconds, load_seconds, rows, load)


def enterprise_token() -> str:
    """A token of a user of the enterprise with the most declarations (its list is the longest)."""
    from django.db.models import Count

    from benchmarking.choices import Role
    from benchmarking.models import Enterprise, UserProfile
    from benchmarking.services.api_tokens import api_token_create

    busiest = Enterprise.objects.annotate(n=Count("declarations")).order_by("-n", "pk").first()
    user = harness.role_user("bench_api_enterprise", Role.ENTERPRISE)
    UserProfile.objects.update_or_create(
        user=user, defaults={"enterprise": busiest, "region_id": busiest.region_id}
    )
    return api_token_create(actor=user, user=user, name="基准测试", valid_days=30)[1]


def report(args, migrate_seconds: float, load_seconds: float | None, rows: list[dict], load: str) -> None:
    print(f"\n## API lists at {args.factor} × the demo data ({time.strftime('%Y-%m-%d')})\n")
    print(
        f"Data: {harness.data_summary()}. "
        + (
            "Data left by an earlier run (--reuse).\n"
            if args.reuse
            else f"Loaded by generate_scale in {load_seconds:.1f} s (migrate {migrate_seconds:.1f} s).\n"
        )
    )
    print(
        f"Server time (Django test Client, in process), {args.warmup} warm-up then "
        f"{args.requests} timed requests each; staff endpoints by a bureau-staff token, enterprise ones by a token "
        "of the enterprise with the most declarations, first page (50 rows):\n"
    )
    harness.print_timings("endpoint", [label for label, _, _ in ENDPOINTS], rows)
    print("\nMachine:\n")
    for line in harness.key_value_table([*harness.machine(), ("load average at start (1/5/15 min)", load)]):
        print(line)


if __name__ == "__main__":
    main()
