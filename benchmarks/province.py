"""Server time and queries of the roll-up and county pages at province size (issue 18).

    .venv/bin/python -m benchmarks.province [--factor 180] [--counties 90] [--compare-counties 10]
        [--compare-factor N] [--requests 20] [--warmup 2] [--file-requests 3] [--reuse] [--only NAME ...]
        [--output benchmarks/results-province.md]

Drops and recreates the database of BENCH_DATABASE_URL (default
postgres://postgres:postgres@127.0.0.1:5432/province_bench; a name without "bench" is refused),
migrates it and loads ``manage.py generate_scale --factor 180 --province``: 180 copies of the
demo spread round-robin over Zhejiang's 90 county-level units, two per county, so every county
is at Yongkang's size or more and the province holds 180 × Yongkang. Then it opens four logins
(a province manager, 金华's manager, Yongkang's manager and Yongkang's bureau staff: their
profiles' region 330000, 330700, 330784) and times, with Django's test Client in this process as
benchmarks/dashboard.py does (server time, no network or browser): the province's and 金华's
roll-up pages, each warm (counts cached until a write) and cold (the cache emptied before each
request: the first view after a publication); Yongkang's dashboard as its manager and 婺城区's
as the province manager (``?region=``), warm and cold; the enterprises, declarations and
schemes lists as Yongkang's bureau, the enterprises and declarations lists as the province
manager (the whole province, and 婺城区's declarations by the county filter); and the statistics
workbook as the province manager.

Then the same data spread over fewer counties (``--compare-counties``, default 10: Yongkang,
the rest of 金华 and one more; the same factor unless --compare-factor says otherwise, so the same
rows in fewer, larger counties), in
the database named after the first with the count appended (province_bench10), and the same
pages again: the queries of each page at both spreads, side by side, must be the same for the
page to cost a number of queries independent of the number of counties.

It prints markdown (and writes it to --output, a scratch file; copy what you keep into
RESULTS.md): a table per spread (median, p95, min, max ms, queries, the 1-minute load average
when the page's timing started), the comparison with the target (median ≤ 150 ms), and for each
page over target its slowest queries with EXPLAIN (ANALYZE, BUFFERS) of the slowest. A page
that does not resolve yet, or answers other than 200, is reported as such, not timed. A page
that is expected to name a county (婺城区 for ``?region=330702``) and does not is flagged.

A script, not a test: pytest collects only tests/.
"""

import io
import os
import statistics
import sys
import time
from dataclasses import dataclass, field

from benchmarks import harness

DEFAULT_URL = "postgres://postgres:postgres@127.0.0.1:5432/province_bench"
DEFAULT_OUTPUT = harness.BENCHMARKS / "results-province.md"
TARGET_MEDIAN_MS = 150
PROVINCE, PREFECTURE, HOME = "330000", "330700", "330784"
# Another county, read by the province manager through the county dashboard's ?region=: one of
# 金华's, so it is among the counties of both spreads.
OTHER_COUNTY, OTHER_COUNTY_NAME = "330702", "婺城区"
PAST_DAY = "2025-06-30"
# (key, username, role, region): the benchmark's logins, found again on a rerun.
LOGINS = [
    ("province", "bench_province_manager", "manager", PROVINCE),
    ("prefecture", "bench_jinhua_manager", "manager", PREFECTURE),
    ("county", "bench_yongkang_manager", "manager", HOME),
    ("bureau", "bench_yongkang_bureau", "bureau_staff", HOME),
]


@dataclass(frozen=True)
class Page:
    key: str  # for --only, and to line the spreads up
    label: str
    path: str
    login: str
    cold: bool = False
    file: bool = False  # a download: fewer requests, its size reported
    expect: str = ""  # text the page must show (the county it is about)


@dataclass
class Timing:
    page: Page
    times: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    load: str = ""
    problem: str = ""  # not timed: why
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def p95(self) -> float:
        return harness.percentile(self.times, 0.95)

    @property
    def query_text(self) -> str:
        found = sorted(set(self.queries))
        return "–".join(str(n) for n in found) + (" ⚠" if len(found) > 1 else "")


@dataclass
class SpreadRun:
    factor: int
    counties: int
    database: str
    load_seconds: float | None
    data: str
    timings: list[Timing]
    clients: dict


def main() -> None:
    parser = harness.argument_parser("benchmarks.province", __doc__)
    parser.add_argument("--factor", type=int, default=180, help="copies of the demo data (default 180)")
    parser.add_argument(
        "--counties", type=int, default=None, help="counties to spread them over (default: the province's 90)"
    )
    parser.add_argument(
        "--compare-counties",
        type=int,
        default=10,
        help="the second spread, for the query counts (default 10; 0: none)",
    )
    parser.add_argument(
        "--compare-factor",
        type=int,
        default=None,
        help="copies for the second spread (default: --factor, the same rows in fewer counties)",
    )
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page (default 20)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed requests first (default 2)")
    parser.add_argument("--file-requests", type=int, default=3, help="timed downloads (default 3)")
    parser.add_argument("--reuse", action="store_true", help="time the data an earlier run left")
    parser.add_argument("--only", nargs="*", default=[], help="pages whose key starts with one of these")
    parser.add_argument("--output", default=str(DEFAULT_OUTPUT), help="where to write the markdown too")
    args = parser.parse_args()

    load_start = harness.load_average()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    harness.setup_django(url)
    name = harness.bench_database(url)["NAME"]
    spreads = [(args.factor, args.counties, url)]
    if args.compare_counties:
        spreads.append(
            (
                args.compare_factor or args.factor,
                args.compare_counties,
                harness.with_database_name(url, f"{name}{args.compare_counties}"),
            )
        )
    runs, diagnoses = [], []
    for n, (factor, counties, spread_url) in enumerate(spreads):
        run = run_spread(args, factor, counties, spread_url)
        runs.append(run)
        if n == 0:
            # While its database is the one in use.
            diagnoses = diagnose(run)
        write(args, runs, diagnoses, load_start)
    write(args, runs, diagnoses, load_start, final=True)


# -- one spread -------------------------------------------------------------------------------


def run_spread(args, factor: int, counties: int | None, url: str) -> SpreadRun:
    from django.core.management import call_command

    from benchmarking.demo.scale import spread_counties

    if not args.reuse:
        harness.recreate_database(url)
    harness.use_database(url)
    harness.migrate()
    count = counties or len(spread_counties())
    database = harness.bench_database(url)["NAME"]
    load_seconds = None
    if not args.reuse:
        _progress(f"{database}: generate_scale --factor {factor} --counties {count}")
        started = time.monotonic()
        call_command("generate_scale", factor=factor, counties=count, verbosity=0, stdout=io.StringIO())
        load_seconds = time.monotonic() - started
    logins = set_up_logins()
    clients = make_clients(logins)
    pages = [p for p in build_pages() if not args.only or any(p.key.startswith(o) for o in args.only)]
    timings = []
    for page in pages:
        _progress(f"  {database}: {page.key}")
        timings.append(time_page(clients[page.login], page, args))
    return SpreadRun(
        factor=factor,
        counties=count,
        database=database,
        load_seconds=load_seconds,
        data=data_summary(count),
        timings=timings,
        clients=clients,
    )


def data_summary(counties: int) -> str:
    """The rows, and the smallest and largest county's counted results against Yongkang's."""
    from django.db.models import Count

    from benchmarking.selectors.progress import counted_declarations

    per_county = dict(
        counted_declarations()
        .order_by()
        .values_list("enterprise__region")
        .annotate(n=Count("pk"))
        .values_list("enterprise__region", "n")
    )
    smallest = min(per_county.values()) if per_county else 0
    return (
        f"{harness.data_summary()}; {len(per_county)} of {counties} counties hold counted results, "
        f"the smallest {smallest:,}, the largest {max(per_county.values(), default=0):,}, "
        f"永康市 {per_county.get(HOME, 0):,} (the demo's Yongkang: 480)"
    )


def set_up_logins() -> dict:
    from benchmarking.choices import Role
    from benchmarking.models import UserProfile

    logins = {}
    for key, username, role, region in LOGINS:
        user = harness.role_user(username, Role(role), is_staff=True)
        UserProfile.objects.update_or_create(user=user, defaults={"region_id": region})
        logins[key] = user
    return logins


def make_clients(logins: dict) -> dict:
    from django.test import Client

    clients = {}
    for key, user in logins.items():
        clients[key] = Client()
        clients[key].force_login(user)
    return clients


def build_pages() -> list[Page]:
    pages = []
    for key, label, path, login, expect in (
        ("province", "全省汇总 / province roll-up", f"/regions/{PROVINCE}/", "province", "浙江"),
        ("prefecture", "金华汇总 / 金华 roll-up", f"/regions/{PREFECTURE}/", "prefecture", "金华"),
        ("county", "永康进度看板（本县局领导）/ Yongkang dashboard, its manager", "/progress/", "county", ""),
        (
            "county-other",
            f"{OTHER_COUNTY_NAME}进度看板（省局领导）/ another county, province manager",
            f"/progress/?region={OTHER_COUNTY}",
            "province",
            OTHER_COUNTY_NAME,
        ),
    ):
        pages.append(Page(key, label, path, login, expect=expect))
        pages.append(Page(f"{key}-cold", f"{label}，冷缓存 / cold", path, login, cold=True, expect=expect))
    pages.append(
        Page(
            "province-past-cold",
            f"全省汇总，截至 {PAST_DAY}，冷缓存 / province as of a past day, cold",
            f"/regions/{PROVINCE}/?as_of={PAST_DAY}",
            "province",
            cold=True,
            expect="浙江",
        )
    )
    pages += [
        Page(
            "enterprises", "企业列表（永康市局）/ enterprises list, county bureau", "/enterprises/", "bureau"
        ),
        Page("declarations", "声明列表（永康市局）/ declarations list", "/declarations/", "bureau"),
        Page("schemes", "方案列表（永康市局）/ schemes list", "/schemes/", "bureau"),
        # Above a county the lists hold the whole region, with a county filter (?region=).
        Page(
            "province-enterprises",
            "企业列表（省局领导）/ enterprises list, province",
            "/enterprises/",
            "province",
        ),
        Page(
            "province-declarations",
            "声明列表（省局领导）/ declarations list, province",
            "/declarations/",
            "province",
        ),
        Page(
            "province-declarations-county",
            f"声明列表，{OTHER_COUNTY_NAME}（省局领导）/ declarations of one county, province",
            f"/declarations/?region={OTHER_COUNTY}",
            "province",
            expect=OTHER_COUNTY_NAME,
        ),
        Page(
            "statistics",
            "统计工作簿（全省）/ statistics workbook, province",
            "/regions/statistics.xlsx",
            "province",
            file=True,
        ),
    ]
    return pages


# -- timing -----------------------------------------------------------------------------------


def time_page(client, page: Page, args) -> Timing:
    """Milliseconds and queries of each timed request, from DEBUG's query log emptied before
    each (DEBUG is on here, as in the other page benchmarks)."""
    from django.core.cache import cache
    from django.db import connection, reset_queries
    from django.urls import Resolver404, resolve

    timing = Timing(page, load=harness.load_average().split()[0])
    try:
        resolve(page.path.split("?")[0])
    except Resolver404:
        timing.problem = "not there yet (the URL does not resolve)"
        return timing
    warmup, requests = (
        (min(args.warmup, 1), args.file_requests) if page.file else (args.warmup, args.requests)
    )
    for n in range(warmup + requests):
        if page.cold:
            cache.clear()  # outside the timing: only the request is timed
        reset_queries()
        started = time.perf_counter()
        response, body = harness.fetch(client, page.path)
        elapsed = (time.perf_counter() - started) * 1000
        queries = len(connection.queries)
        if response.status_code != 200:
            timing.problem = f"answered {response.status_code}"
            return timing
        if n == 0 and page.expect and page.expect not in body.decode("utf-8", "replace"):
            timing.note = f"⚠ does not show “{page.expect}”"
        if n >= warmup:
            timing.times.append(elapsed)
            timing.queries.append(queries)
    if page.file:
        timing.note = (timing.note + " " if timing.note else "") + f"{len(body) / 1024:,.0f} KiB"
    return timing


# -- where the time goes ----------------------------------------------------------------------


def diagnose(run: SpreadRun) -> list[str]:
    """For each page over target: one more request under CaptureQueriesContext, its slowest
    queries, and EXPLAIN (ANALYZE, BUFFERS) of the slowest one."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    lines = []
    for timing in run.timings:
        if not timing.times or timing.median <= TARGET_MEDIAN_MS:
            continue
        page = timing.page
        _progress(f"  diagnosing {page.key}")
        if page.cold:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            harness.fetch(run.clients[page.login], page.path)
        queries = sorted(
            ((float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries), key=lambda q: -q[0]
        )
        sql_ms = sum(ms for ms, _ in queries)
        lines += [
            f"\n### {page.label} — `{page.path}` ({run.counties} counties)\n",
            f"Median {timing.median:.0f} ms, p95 {timing.p95:.0f} ms. In one more request its "
            f"{len(queries)} queries took {sql_ms:.0f} ms as Django logs them; the rest is Python "
            "(view, template).\n",
            "| ms | query |",
            "|--:|---|",
        ]
        for ms, sql in queries[:6]:
            text = " ".join(sql.split())
            text = text if len(text) <= 300 else text[:297] + "…"
            lines.append(f"| {ms:.0f} | `{text.replace('|', '¦')}` |")
        if queries and queries[0][1].lstrip().upper().startswith(("SELECT", "WITH")):
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + queries[0][1])
                plan = [row[0] for row in cursor.fetchall()]
            lines += ["\nEXPLAIN (ANALYZE, BUFFERS) of the slowest:\n", "```", *plan[:60], "```"]
    return lines


# -- report -----------------------------------------------------------------------------------


def markdown(args, runs: list[SpreadRun], diagnoses: list[str], load_start: str, final: bool) -> str:
    lines = [f"## Issue 18 — province size ({time.strftime('%Y-%m-%d')})\n"]
    lines.append(f"Command: `{harness.command_line('benchmarks.province')}`\n")
    for run in runs:
        lines += [
            f"\n### {run.factor} × the demo over {run.counties} counties (`{run.database}`)\n",
            f"Data: {run.data}. "
            + (
                "Data left by an earlier run (--reuse).\n"
                if run.load_seconds is None
                else f"Loaded by generate_scale in {run.load_seconds:.0f} s.\n"
            ),
            f"Server time (Django test Client, in process), {args.warmup} warm-up then "
            f"{args.requests} timed requests each ({args.file_requests} for a download):\n",
            "| page | URL | login | median ms | p95 ms | min ms | max ms | queries | load (1 min) | target |",
            "|---|---|---|--:|--:|--:|--:|--:|--:|---|",
        ]
        for t in run.timings:
            p = t.page
            head = f"| {p.label} | `{p.path}` | {p.login} "
            if not t.times:
                lines.append(head + f"| – | – | – | – | – | {t.load} | {t.problem} |")
                continue
            verdict = "met" if t.median <= TARGET_MEDIAN_MS else "**not met**"
            if p.file:
                verdict = "(no target: a download)"
            lines.append(
                head + f"| {t.median:.0f} | {t.p95:.0f} | {min(t.times):.0f} | {max(t.times):.0f} "
                f"| {t.query_text} | {t.load} | {verdict}{' ' + t.note if t.note else ''} |"
            )
    if len(runs) > 1:
        first, second = runs
        lines += [
            f"\n### Queries against the number of counties ({second.counties} vs {first.counties})\n",
            f"| page | queries, {second.counties} counties | queries, {first.counties} counties | same | "
            f"median ms, {second.counties} | median ms, {first.counties} |",
            "|---|--:|--:|---|--:|--:|",
        ]
        other = {t.page.key: t for t in second.timings}
        for t in first.timings:
            o = other.get(t.page.key)
            if not t.times or o is None or not o.times:
                continue
            # A session's idle-timeout touch may add its queries to one request: compare the fewest.
            same = "yes" if min(t.queries) == min(o.queries) else "**no**"
            lines.append(
                f"| {t.page.label} | {o.query_text} | {t.query_text} | {same} | {o.median:.0f} | {t.median:.0f} |"
            )
        lines.append(
            "\nA range (15–18 ⚠) is the session's idle-timeout touch (benchmarking/sessions.py, at most "
            "once per SESSION_TOUCH_SECONDS) falling in one of the requests; *same* compares the fewest."
        )
    if diagnoses:
        lines += ["\n### Where the time goes (pages over 150 ms)\n", *diagnoses]
    if final:
        lines += [
            "\nMachine:\n",
            *harness.key_value_table(
                [
                    *harness.machine(),
                    ("load average at start (1/5/15 min)", load_start),
                    ("load average at end (1/5/15 min)", harness.load_average()),
                ]
            ),
        ]
    return "\n".join(lines) + "\n"


def write(args, runs, diagnoses, load_start, *, final: bool = False) -> None:
    text = markdown(args, runs, diagnoses, load_start, final)
    with open(args.output, "w", encoding="utf-8") as out:
        out.write(text)
    if final:
        print(text)


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
