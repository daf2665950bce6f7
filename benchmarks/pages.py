"""Server time and queries of every page and export, on PostgreSQL at 1, 10 and 100 × the demo data.

    .venv/bin/python -m benchmarks.pages [--factors 1 10 100] [--requests 20] [--warmup 2]
        [--export-requests 3] [--reuse] [--only NAME ...] [--output benchmarks/results-pages.md]

For each factor N it drops and recreates the database ``<name>_f<N>`` beside the one of
BENCH_DATABASE_URL (default postgres://postgres:postgres@127.0.0.1:5432/yongkang_bench, so
yongkang_bench_f1, _f10, _f100; a name without "bench" is refused), migrates it, loads
``manage.py generate_scale --factor N``, opens one login per role (an enterprise login through
``enterprise_account_create``, as the bureau does) and requests each page with Django's test
Client in this process: server time (routing, middleware, view, queries, template, and the
whole body of a streamed export), without network or browser.

It prints markdown (and writes it to --output): a table per factor, a comparison of the factors
against the targets (median ≤ 150 ms, p95 ≤ 300 ms at the largest factor), the machine, and for
each page over target at the largest factor its slowest queries and a cProfile top 15.

DEBUG is on (production settings need collected static files and redirect to https). DEBUG
logs every query, and that log is all the query counts need: the timed requests run without
CaptureQueriesContext, the log is emptied before each, and the script measures what the
logging cursor costs per query, to show it is not what the times are made of.

A script, not a test: pytest collects only tests/.
"""

import argparse
import cProfile
import io
import math
import os
import pstats
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import harness

DEFAULT_URL = "postgres://postgres:postgres@127.0.0.1:5432/yongkang_bench"
DEFAULT_OUTPUT = harness.BENCHMARKS / "results-pages.md"
TARGET_MEDIAN_MS = 150
TARGET_P95_MS = 300
PASSWORD = "bench-pages-Only-1"  # a throwaway: these logins live only in the benchmark databases


@dataclass(frozen=True)
class Page:
    """One thing to time: a URL, the login it is requested as, and how."""

    key: str  # for --only, and to line factors up in the comparison
    label: str
    path: str
    login: str | None  # a key of the logins; None is anonymous
    cold: bool = False  # empty the cache before every request
    export: bool = False  # a file: fewer requests; report its size and rows
    note: str = ""


@dataclass
class Timing:
    page: Page
    times: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    size: int = 0
    rows: int | None = None
    error: str = ""  # the request failed: no times

    @property
    def over_target(self) -> bool:
        return not self.error and (self.median > TARGET_MEDIAN_MS or self.p95 > TARGET_P95_MS)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def p95(self) -> float:
        return harness.percentile(self.times, 0.95)

    @property
    def query_text(self) -> str:
        counts = sorted(set(self.queries))
        text = "–".join(str(n) for n in counts)
        return text if len(counts) == 1 else f"{text} ⚠ varies"


def main() -> None:
    parser = harness.argument_parser("benchmarks.pages", __doc__)
    parser.add_argument("--factors", type=int, nargs="+", default=[1, 10, 100], help="default 1 10 100")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page (default 20)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed requests first (default 2)")
    parser.add_argument(
        "--export-requests",
        type=int,
        default=3,
        help="timed requests per export, after one untimed one (default 3: at 100 × one takes seconds)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time the data an earlier run left in each database instead of recreating it",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="NAME",
        help="only the pages whose key starts with a NAME (see the tables)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help="also write the markdown here (default %(default)s)",
    )
    args = parser.parse_args()
    if min(args.factors) < 1 or args.requests < 1 or args.export_requests < 1 or args.warmup < 0:
        parser.error("factors and request counts must be at least 1, --warmup at least 0")

    base_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    urls = {factor: database_url(base_url, factor) for factor in args.factors}
    harness.setup_django(urls[args.factors[0]])

    from django.conf import settings

    # A login's session is written once a minute (benchmarking.sessions: 3 queries on whichever
    # request crosses the minute); kept out, so every request of a page counts the same.
    settings.SESSION_TOUCH_SECONDS = 10**9

    report = Report(args, load_start=harness.load_average())
    for factor in args.factors:
        _progress(f"factor {factor}: {urls[factor]}")
        run_factor(factor, urls[factor], report)  # writes the file after each page
    report.machine = harness.machine()
    report.load_end = harness.load_average()
    report.diagnoses = diagnose(report.factors[-1])
    report.write()
    print(report.markdown())


# -- databases --------------------------------------------------------------------------------


def database_url(base_url: str, factor: int) -> str:
    """The URL of the factor's database: the base database's name + ``_f<N>``."""
    name = harness.bench_database(base_url)["NAME"]
    return harness.with_database_name(base_url, f"{name}_f{factor}")


# -- one factor -------------------------------------------------------------------------------


@dataclass
class FactorRun:
    factor: int
    database: str
    migrate_seconds: float
    load_seconds: float | None  # None: --reuse
    data: str
    logins: str
    timings: list[Timing]
    pages: list[Page]
    clients: dict
    load_before: str
    load_after: str
    debug_cursor_us: float


def run_factor(factor: int, url: str, report: "Report") -> FactorRun:
    """Load the factor's data and time its pages, adding them to ``report`` (and its file) one
    by one. A page that fails on the database (another engineer's restart of the shared server)
    is reported as failed and the run goes on, on a new connection."""
    from django.db import DatabaseError, connection

    args = report.args
    if not args.reuse:
        _progress(f"  migrate, generate_scale --factor {factor}")
    migrate_seconds, load_seconds = harness.scale_database(url, factor, reuse=args.reuse)
    data = harness.data_summary()

    logins, description = set_up_logins()
    pages = [p for p in build_pages(logins) if not args.only or any(p.key.startswith(n) for n in args.only)]
    clients = make_clients(logins)
    overhead = debug_cursor_overhead_us()
    run = FactorRun(
        factor=factor,
        database=url.rsplit("/", 1)[1].split("?")[0],
        migrate_seconds=migrate_seconds,
        load_seconds=load_seconds,
        data=data,
        logins=description,
        timings=[],
        pages=pages,
        clients=clients,
        load_before=harness.load_average(),
        load_after="",
        debug_cursor_us=overhead,
    )
    report.factors.append(run)
    for page in pages:
        _progress(f"  {page.key}")
        try:
            run.timings.append(time_page(clients[page.login], page, args))
        except DatabaseError as error:
            _progress(f"  {page.key} failed: {error}")
            run.timings.append(Timing(page, error=" ".join(str(error).split())[:120]))
            connection.close()
        run.load_after = harness.load_average()
        report.write()
    return run


def set_up_logins() -> tuple[dict, str]:
    """One login per role, as tests/conftest.py makes them: bureau staff, a manager, the staff of
    the branch office with the most enterprises, and an enterprise login (opened by the bureau's
    own service) for the scale enterprise with the most declarations. Found again by --reuse."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from benchmarking.choices import Role
    from benchmarking.models import BranchOffice, Enterprise, UserProfile
    from benchmarking.services.accounts import enterprise_account_create

    User = get_user_model()

    def staff(username: str, role: Role, branch_office=None):
        user = harness.role_user(username, role, is_staff=True)
        if branch_office is not None:
            UserProfile.objects.update_or_create(user=user, defaults={"branch_office": branch_office})
        return user

    bureau = staff("bench_bureau", Role.BUREAU_STAFF)
    manager = staff("bench_manager", Role.MANAGER)
    office = BranchOffice.objects.annotate(n=Count("enterprises")).order_by("-n", "pk").first()
    branch = staff("bench_branch", Role.BRANCH_STAFF, branch_office=office)

    enterprise_user = User.objects.filter(username="bench_enterprise").first()
    if enterprise_user is None:
        busiest = Enterprise.objects.annotate(n=Count("declarations")).order_by("-n", "pk").first()
        enterprise_user = enterprise_account_create(
            enterprise=busiest, actor=bureau, username="bench_enterprise", email="bench@example.com"
        )
    enterprise = enterprise_user.profile.enterprise
    logins = {
        "bureau": bureau,
        "manager": manager,
        "branch": branch,
        "enterprise": enterprise_user,
        None: None,
    }
    description = (
        f"bureau staff, manager, branch-office staff of {office.code} ({office.enterprises.count():,} "
        f"enterprises), enterprise login of {enterprise.credit_code} ({enterprise.declarations.count()} "
        "declarations)"
    )
    return logins, description


def make_clients(logins: dict) -> dict:
    from django.test import Client

    clients = {}
    for key, user in logins.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        clients[key] = client
    return clients


def build_pages(logins: dict) -> list[Page]:
    """The pages, with the declarations they show chosen from the data: the most items."""
    from django.db.models import Count
    from django.urls import reverse

    from benchmarking.models import Declaration
    from benchmarking.selectors.public import published_results

    def most_items(queryset):
        return (
            Declaration.objects.filter(pk__in=queryset.values("pk"))
            .annotate(n=Count("items"))
            .order_by("-n", "pk")
            .values_list("pk", "n")
            .first()
        )

    staff_pk, staff_items = most_items(Declaration.objects.all())
    own = most_items(Declaration.objects.filter(enterprise=logins["enterprise"].profile.enterprise_id))
    public = most_items(published_results())

    pages = [
        Page("dashboard", "进度看板 / progress dashboard", reverse("progress-dashboard"), "manager"),
        Page(
            "dashboard-cold",
            "进度看板，冷缓存 / dashboard, cold cache",
            reverse("progress-dashboard"),
            "manager",
            cold=True,
        ),
        Page("schemes", "方案列表 / schemes list", reverse("scheme-list"), "bureau"),
        Page("enterprises", "企业列表 / enterprises list", reverse("enterprise-list"), "bureau"),
        Page("declarations", "声明列表 / declarations list", reverse("declaration-list"), "bureau"),
        Page(
            "review-detail",
            "声明详情（审核）/ declaration detail, staff",
            reverse("review-detail", args=[staff_pk]),
            "bureau",
            note=f"{staff_items} items",
        ),
    ]
    if own:
        pages.append(
            Page(
                "portal-detail",
                "声明详情（企业）/ declaration detail, portal",
                reverse("portal-declaration-detail", args=[own[0]]),
                "enterprise",
                note=f"{own[1]} items",
            )
        )
    pages += [
        Page("portal", "企业门户 / portal home", reverse("portal-home"), "enterprise"),
        Page("review-bureau", "审核队列（市局）/ review queue, bureau", reverse("review-queue"), "bureau"),
        Page(
            "review-branch",
            "审核队列（基层所）/ review queue, branch office",
            reverse("review-queue"),
            "branch",
        ),
        Page("public", "结果公示 / public results", reverse("public-results"), None),
    ]
    if public:
        pages.append(
            Page(
                "public-detail",
                "公示详情 / public result detail",
                reverse("public-result-detail", args=[public[0]]),
                None,
                note=f"{public[1]} items",
            )
        )
    for kind, label in (("scheme", "方案"), ("enterprise", "企业"), ("declaration", "声明")):
        for fmt in ("csv", "xlsx"):
            pages.append(
                Page(
                    f"export-{kind}s-{fmt}",
                    f"{label}导出 / {kind} export, {fmt}",
                    reverse(f"{kind}-export", kwargs={"fmt": fmt}),
                    "bureau",
                    export=True,
                )
            )
    return pages


# -- timing -----------------------------------------------------------------------------------


def time_page(client, page: Page, args) -> Timing:
    """Milliseconds and queries of each timed request. No CaptureQueriesContext: DEBUG's own
    log, emptied before each request, already holds the queries the request made."""
    from django.core.cache import cache
    from django.db import connection, reset_queries

    warmup, requests = (
        (min(args.warmup, 1), args.export_requests) if page.export else (args.warmup, args.requests)
    )
    timing = Timing(page)
    for n in range(warmup + requests):
        if page.cold:
            cache.clear()  # outside the timing: only the request is timed
        reset_queries()
        started = time.perf_counter()
        response, body = harness.fetch(client, page.path)
        elapsed = (time.perf_counter() - started) * 1000
        queries = len(connection.queries)
        if response.status_code != 200:
            sys.exit(f"{page.path} answered {response.status_code}, not 200.")
        if queries >= connection.queries_limit:
            sys.exit(f"{page.path} made more queries than DEBUG's log keeps ({connection.queries_limit}).")
        if n >= warmup:
            timing.times.append(elapsed)
            timing.queries.append(queries)
    if page.export:
        timing.size = len(body)
        timing.rows = harness.export_rows(page.path.rsplit(".", 1)[-1], body)
    return timing


def debug_cursor_overhead_us(n: int = 2000) -> float:
    """Microseconds a query costs in Django's logging cursor (DEBUG) beyond the bare driver:
    ``SELECT 1`` through ``connection.cursor()`` and through psycopg2's own cursor."""
    from django.db import connection, reset_queries

    connection.ensure_connection()

    def run(cursor) -> float:
        started = time.perf_counter()
        for _ in range(n):
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return time.perf_counter() - started

    best = math.inf
    for _ in range(3):
        with connection.connection.cursor() as raw, connection.cursor() as wrapped:
            bare, logged = run(raw), run(wrapped)
        reset_queries()
        best = min(best, (logged - bare) / n * 1e6)
    return max(best, 0.0)


# -- where the time goes ----------------------------------------------------------------------


def diagnose(run: FactorRun) -> list[str]:
    """For each page over target at the run's largest factor (the database still in use), one
    more request, under CaptureQueriesContext and cProfile: its queries by time, and the
    functions it spends its time in (everything, then the project's own code)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    root = f"{harness.ROOT}/"
    lines = []
    for timing in run.timings:
        if not timing.over_target:
            continue
        page = timing.page
        _progress(f"  diagnosing {page.key}")
        if page.cold:
            cache.clear()
        profiler = cProfile.Profile()
        with CaptureQueriesContext(connection) as captured:
            profiler.enable()
            harness.fetch(run.clients[page.login], page.path)
            profiler.disable()
        # Django logs each query's time in whole milliseconds.
        queries = [(float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries]
        sql_ms = sum(ms for ms, _ in queries)
        lines += [
            f"\n### {page.label} — `{page.path}` at {run.factor} ×\n",
            f"Median {timing.median:.0f} ms, p95 {timing.p95:.0f} ms. Its {len(queries)} queries take "
            f"{sql_ms:.0f} ms as Django logs them in one more request (a chunked export's later "
            "FETCHes from its server-side cursor are not logged), so about "
            f"{timing.median - sql_ms:.0f} ms of the median is Python (view, rows, template, file).\n",
            "| ms | query |",
            "|--:|---|",
        ]
        for ms, sql in sorted(queries, key=lambda q: -q[0])[:8]:
            text = " ".join(sql.split())
            text = text if len(text) <= 240 else text[:237] + "…"
            lines.append(f"| {ms:.0f} | `{text.replace('|', '¦')}` |")
        for order, restriction, what in (
            ("tottime", (), "by own time"),
            ("cumulative", ("benchmarking/|templates/",), "by cumulative time, the project's code"),
        ):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(*restriction, 15)
            listing = "ncalls" + out.getvalue().split("ncalls", 1)[-1].rstrip()
            listing = listing.replace(root, "").replace(sys.prefix + "/", "")
            lines += [f"\ncProfile, top 15 {what} (the profiler slows it down):\n", "```", listing, "```"]
    return lines


# -- report -----------------------------------------------------------------------------------


@dataclass
class Report:
    args: argparse.Namespace
    load_start: str
    factors: list[FactorRun] = field(default_factory=list)
    machine: list[tuple[str, str]] = field(default_factory=list)
    load_end: str = ""
    diagnoses: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        args = self.args
        lines = [
            f"# Pages at {', '.join(f'{f} ×' for f in args.factors)} the demo data ({time.strftime('%Y-%m-%d %H:%M')})",
            "",
            f"`{harness.command_line('benchmarks.pages')}`",
            "",
            "Server time (Django test Client, in process, whole body read), in ms: "
            f"{args.warmup} warm-up then {args.requests} timed requests per page, "
            f"1 warm-up then {args.export_requests} per export; p95 is nearest rank. Queries are per request "
            "(⚠ when they differ between requests).",
        ]
        for run in self.factors:
            load = (
                f"generate_scale {run.load_seconds:.1f} s" if run.load_seconds is not None else "data reused"
            )
            lines += [
                "",
                f"## {run.factor} × (`{run.database}`)",
                "",
                f"{run.data}. {load}, migrate {run.migrate_seconds:.1f} s. Logins: {run.logins}. "
                f"Load average {run.load_before} before the pages, {run.load_after} after. "
                f"DEBUG's logging cursor costs {run.debug_cursor_us:.0f} µs a query over the bare driver.",
                "",
                "| page | URL | login | median ms | p95 ms | min ms | max ms | queries | file |",
                "|---|---|---|--:|--:|--:|--:|--:|---|",
            ]
            for t in run.timings:
                page = t.page
                if t.error:
                    lines.append(
                        f"| {page.label} | `{page.path}` | {page.login or 'anonymous'} | failed: {t.error} "
                        "| | | | | |"
                    )
                    continue
                file = page.note
                if page.export:
                    per_row = t.median * 1000 / t.rows if t.rows else 0
                    file = f"{t.size / 1024:,.0f} KiB, {t.rows:,} rows, {per_row:.0f} µs a row"
                lines.append(
                    f"| {page.label} | `{page.path}` | {page.login or 'anonymous'} | {t.median:.0f} | "
                    f"{t.p95:.0f} | {min(t.times):.0f} | {max(t.times):.0f} | {t.query_text} | {file} |"
                )
        if self.factors:
            lines += self.comparison()
        if self.machine:
            lines += ["", "## Machine", ""]
            lines += harness.key_value_table(
                [
                    *self.machine,
                    ("load average at start (1/5/15 min)", self.load_start),
                    ("load average at end", self.load_end),
                ]
            )
        if self.diagnoses:
            last = self.factors[-1].factor
            lines += ["", f"## Over target at {last} ×: where the time goes", *self.diagnoses]
        return "\n".join(lines) + "\n"

    def comparison(self) -> list[str]:
        runs = self.factors
        last = runs[-1]
        by_key = [{t.page.key: t for t in run.timings} for run in runs]
        header = [f"queries {run.factor} ×" for run in runs]
        lines = [
            "",
            f"## Comparison (targets at {last.factor} ×: median ≤ {TARGET_MEDIAN_MS} ms, p95 ≤ {TARGET_P95_MS} ms)",
            "",
            "| page | "
            + " | ".join(header)
            + f" | same queries | median {last.factor} × | | p95 {last.factor} × | |",
            "|---|" + "--:|" * len(header) + ":-:|--:|:-:|--:|:-:|",
        ]
        for timing in last.timings:
            key = timing.page.key
            counts = [by.get(key) for by in by_key]
            texts = [("failed" if c.error else c.query_text) if c else "–" for c in counts]
            if timing.error:
                lines.append(f"| {timing.page.label} | " + " | ".join(texts) + " | | failed | | | |")
                continue
            sets = {frozenset(c.queries) for c in counts if c and not c.error}
            same = "✓" if len(sets) == 1 and all(len(s) == 1 for s in sets) else "✗"
            lines.append(
                f"| {timing.page.label} | "
                + " | ".join(texts)
                + f" | {same} | {timing.median:.0f} | {_mark(timing.median <= TARGET_MEDIAN_MS)} "
                f"| {timing.p95:.0f} | {_mark(timing.p95 <= TARGET_P95_MS)} |"
            )
        return lines

    def write(self) -> None:
        self.args.output.write_text(self.markdown(), encoding="utf-8")


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
