"""Issue 19 on PostgreSQL: the PDF reports, the 质量强市 figures and the reminder digests, at 1 and
10 × the demo data.

    .venv/bin/python -m benchmarks.reports [--factors 1 10] [--requests 10] [--warmup 2] [--calls 50]
        [--digest-runs 3] [--reuse] [--no-profile] [--output benchmarks/results-reports.md]

For each factor N it drops and recreates the database ``<name>_f<N>`` beside the one of
BENCH_DATABASE_URL (default postgres://postgres:postgres@127.0.0.1:5432/yongkang_bench_reports, so
yongkang_bench_reports_f1 and _f10; a name without "bench" is refused), migrates it, runs
``manage.py seed_demo`` (the demo with its logins, 质量强市 records and the rest of the province)
and, for N > 1, ``generate_scale --factor N-1`` on top (N × the demo's schemes, enterprises and
results; generate_scale copies no 质量强市 records, no logins and no digests). Then, with
Django's test Client in this process (server time, without network or browser):

- the 对标结果报告 PDF of the demo's published result with the most indicators, anonymous
  (``public/results/<pk>/report.pdf``) and as its enterprise's demo login ``enterprise_a``
  (``portal/declarations/<pk>/report.pdf``, its own published result with the most indicators);
  the anonymous one also cold (the cache emptied before every request);
- the monthly progress report PDF (``progress/report.pdf``) as the demo login ``manager``, as of
  today and ``?as_of=2026-11-20``, warm and cold;
- ``selectors.quality.quality_figures`` for Yongkang (330784), 金华 (330700) and the province
  (330000), called directly;
- ``services.digests.send_digests`` for each DigestKind, for the period the calendar would give
  today. Each run first deletes the digests of that kind and period (untimed), so every run
  writes them all again, as the job does the first time in a period, and commits them for real
  (the mails queued after each commit are part of the cost); the queued mail jobs are deleted
  afterwards. The database is a benchmark one, dropped by the next run.

Median and p95 (nearest rank) in ms, bytes and pages (pypdf) of each PDF, the queries of every
timed request (they must not grow with N), and with ``--profile`` (default) one cold request of
each PDF at the largest factor under cProfile: where the time goes (template, WeasyPrint's
layout, PDF writing) and the top 10 functions by own time.

A script, not a test: pytest collects only tests/.
"""

import cProfile
import io
import logging
import os
import pstats
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import harness

DEFAULT_URL = "postgres://postgres:postgres@127.0.0.1:5432/yongkang_bench_reports"
DEFAULT_OUTPUT = harness.BENCHMARKS / "results-reports.md"
PAST_DAY = "2026-11-20"
# The regions of the 质量强市 figures: the demo's county, its prefecture, the province.
QUALITY_REGIONS = [("永康市", "330784"), ("金华市", "330700"), ("浙江省", "330000")]


@dataclass
class Timing:
    key: str
    label: str
    path: str = ""
    times: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    sql: list[float] = field(default_factory=list)  # ms the database took, summed over the queries
    size: int = 0
    pages: int | None = None
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def p95(self) -> float:
        return harness.percentile(self.times, 0.95)

    @property
    def sql_median(self) -> float:
        return statistics.median(self.sql)

    @property
    def query_text(self) -> str:
        counts = sorted(set(self.queries))
        text = "–".join(str(n) for n in counts)
        return text if len(counts) <= 1 else f"{text} ⚠ varies"


@dataclass
class DigestTiming:
    kind: str
    period: str
    recipients: int
    times: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    written: list[int] = field(default_factory=list)
    mails: list[int] = field(default_factory=list)


@dataclass
class FactorRun:
    factor: int
    database: str
    seconds: dict
    data: str
    pdfs: list[Timing]
    quality: list[Timing]
    quality_values: dict
    digests: list[DigestTiming]
    load_before: str
    load_after: str = ""
    clients: dict = field(default_factory=dict)  # key: (client, path, cold), for the profile


def main() -> None:
    parser = harness.argument_parser("benchmarks.reports", __doc__)
    parser.add_argument("--factors", type=int, nargs="+", default=[1, 10], help="default 1 10")
    parser.add_argument("--requests", type=int, default=10, help="timed requests per PDF (default 10)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed requests first (default 2)")
    parser.add_argument("--calls", type=int, default=50, help="timed quality_figures calls (default 50)")
    parser.add_argument(
        "--digest-runs", type=int, default=3, help="timed send_digests runs per kind (default 3)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="time the data an earlier run left instead of recreating it"
    )
    parser.add_argument("--no-profile", dest="profile", action="store_false", help="skip the cProfile part")
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help="also write the markdown here (default %(default)s)",
    )
    args = parser.parse_args()
    if (
        min(args.factors) < 1
        or args.requests < 1
        or args.calls < 1
        or args.digest_runs < 1
        or args.warmup < 0
    ):
        parser.error("factors and counts must be at least 1, --warmup at least 0")

    load_start = harness.load_average()
    base_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    name = harness.bench_database(base_url)["NAME"]
    urls = {f: harness.with_database_name(base_url, f"{name}_f{f}") for f in args.factors}
    harness.setup_django(urls[args.factors[0]])

    from django.conf import settings

    # A login's session is written once a minute (benchmarking.sessions); kept out, so every
    # request of a PDF counts the same queries (as benchmarks.pages does).
    settings.SESSION_TOUCH_SECONDS = 10**9
    # WeasyPrint logs each rendering step at INFO under DEBUG's logging: not part of the figures.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

    runs = []
    for factor in args.factors:
        _progress(f"factor {factor}: {urls[factor]}")
        runs.append(run_factor(factor, urls[factor], args))
    profiles = profile_pdfs(runs[-1]) if args.profile else []
    text = markdown(args, runs, profiles, load_start, harness.load_average(), harness.machine())
    args.output.write_text(text)
    print(text)


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- the data ---------------------------------------------------------------------------------


def load_data(url: str, factor: int, reuse: bool) -> dict:
    """The factor's database: seed_demo, then generate_scale N-1 (N × the demo). Seconds of each."""
    from django.core.management import call_command

    if not reuse:
        harness.recreate_database(url)
    harness.use_database(url)
    seconds = {"migrate": harness.migrate()}
    from benchmarking.models import Enterprise

    if reuse:
        if not Enterprise.objects.exists():
            sys.exit(f"--reuse: {url} holds no data; run once without --reuse.")
        return seconds
    _progress("  seed_demo")
    started = time.monotonic()
    call_command("seed_demo", stdout=io.StringIO())
    seconds["seed_demo"] = time.monotonic() - started
    if factor > 1:
        _progress(f"  generate_scale --factor {factor - 1}")
        seconds["generate_scale"] = harness.load_scale_data(factor - 1)
    # The planner's statistics, as autovacuum would have them some minutes after the load (without
    # them it guesses 7 enterprises in the province and scans all 12,562 for the 品字标 figures).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return seconds


def report_targets():
    """The logins and the declarations whose reports are timed: the demo's published result with
    the most indicators, and enterprise_a's own. Picked the same way at every factor (the demo's
    rows come first, the copies repeat them), so the same declarations are timed."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from benchmarking.access import enterprise_id_of
    from benchmarking.choices import DeclarationStatus
    from benchmarking.models import Declaration

    users = get_user_model().objects
    manager = users.get(username="manager")
    enterprise_user = users.get(username="enterprise_a")
    published = (
        Declaration.objects.filter(status=DeclarationStatus.PUBLISHED)
        .annotate(n_items=Count("items"))
        .order_by("-n_items", "pk")
    )
    public = published.first()
    own = published.filter(enterprise_id=enterprise_id_of(enterprise_user)).first()
    return manager, enterprise_user, public, own


# -- one factor -------------------------------------------------------------------------------


def run_factor(factor: int, url: str, args) -> FactorRun:
    from django.test import Client
    from django.urls import reverse

    seconds = load_data(url, factor, args.reuse)
    manager, enterprise_user, public, own = report_targets()
    anonymous = Client()
    enterprise = Client()
    enterprise.force_login(enterprise_user)
    staff = Client()
    staff.force_login(manager)

    public_path = reverse("public-result-report", args=[public.pk])
    own_path = reverse("portal-declaration-report", args=[own.pk])
    progress_path = reverse("progress-report-pdf")
    items = f"{public.n_items} indicators"
    # (key, label, client, path, cold)
    pdfs = [
        ("public", f"对标结果报告, anonymous ({items})", anonymous, public_path, False),
        ("public-cold", "对标结果报告, anonymous, cold cache", anonymous, public_path, True),
        ("portal", f"对标结果报告, enterprise_a ({own.n_items} indicators)", enterprise, own_path, False),
        ("progress", "进度报告, manager", staff, progress_path, False),
        ("progress-cold", "进度报告, manager, cold cache", staff, progress_path, True),
        (
            "progress-past",
            f"进度报告, manager, as of {PAST_DAY}",
            staff,
            f"{progress_path}?as_of={PAST_DAY}",
            False,
        ),
        (
            "progress-past-cold",
            f"进度报告, manager, as of {PAST_DAY}, cold cache",
            staff,
            f"{progress_path}?as_of={PAST_DAY}",
            True,
        ),
    ]
    run = FactorRun(
        factor=factor,
        database=url.rsplit("/", 1)[1].split("?")[0],
        seconds=seconds,
        data=harness.data_summary(),
        pdfs=[],
        quality=[],
        quality_values={},
        digests=[],
        load_before=harness.load_average(),
    )
    run.clients = {key: (client, path, cold) for key, _, client, path, cold in pdfs}
    for key, label, client, path, cold in pdfs:
        _progress(f"  {key}: {path}")
        run.pdfs.append(time_pdf(key, label, client, path, cold, args.warmup, args.requests))
    _progress("  quality_figures")
    run.quality, run.quality_values = time_quality(args.calls)
    _progress("  send_digests")
    run.digests = time_digests(args.digest_runs)
    run.load_after = harness.load_average()
    return run


def time_pdf(key, label, client, path, cold, warmup, requests) -> Timing:
    """Milliseconds and queries of each timed request; bytes and pages of the PDF."""
    from django.core.cache import cache
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext
    from pypdf import PdfReader

    timing = Timing(key=key, label=label, path=path)
    for n in range(warmup + requests):
        if cold:
            cache.clear()  # outside the timing
        reset_queries()  # the log is a deque of 9,000: full after seed_demo, it would count 0
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response, body = harness.fetch(client, path)
            elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200 or response["Content-Type"] != "application/pdf":
            sys.exit(f"{path} answered {response.status_code} {response['Content-Type']}, not a PDF.")
        if n >= warmup:
            timing.times.append(elapsed)
            timing.queries.append(len(captured.captured_queries))
            timing.sql.append(_sql_ms(captured))
    timing.size = len(body)
    timing.pages = len(PdfReader(io.BytesIO(body)).pages)
    return timing


def time_quality(calls: int) -> tuple[list[Timing], dict]:
    """quality_figures as of today for each region: median ms and queries of ``calls`` calls."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from benchmarking.regions import RegionScope
    from benchmarking.selectors.quality import quality_figures

    as_of = timezone.now()
    timings, values = [], {}
    for name, code in QUALITY_REGIONS:
        region = RegionScope(code)
        timing = Timing(key=f"quality-{code}", label=f"quality_figures, {name} ({code})")
        quality_figures(as_of, region=region)  # warm-up
        for _ in range(calls):
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                figures = quality_figures(as_of, region=region)
                timing.times.append((time.perf_counter() - started) * 1000)
            timing.queries.append(len(captured.captured_queries))
            timing.sql.append(_sql_ms(captured))
        slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
            timing.note = "\n".join(row[0] for row in cursor.fetchall())
        timings.append(timing)
        values[code] = figures
    return timings, values


def time_digests(runs: int) -> list[DigestTiming]:
    """send_digests of each kind for today's period, ``runs`` times, committed for real: the
    period's digests of that kind deleted before each run (untimed), the mail jobs it queued after."""
    from django.core.cache import cache
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from benchmarking.choices import DigestKind
    from benchmarking.models import Digest
    from benchmarking.schedule import period_of
    from benchmarking.services.digests import digest_recipients

    every = {DigestKind.STAFF: "day", DigestKind.ENTERPRISE: "week", DigestKind.MANAGER_MONTHLY: "month"}
    from benchmarking.services.digests import send_digests

    timings = []
    for kind in DigestKind:
        period = period_of(every[kind], timezone.now())
        timing = DigestTiming(kind=kind.value, period=period, recipients=digest_recipients(kind).count())
        for _ in range(runs):
            # As the job finds things once a period: the counts cache emptied, the period's
            # digests not yet written (both untimed).
            cache.clear()
            Digest.objects.filter(kind=kind, period=period).delete()
            jobs_before = set(DBTaskResult.objects.values_list("pk", flat=True))
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                written = send_digests(kind=kind, period=period)
                timing.times.append((time.perf_counter() - started) * 1000)
            timing.queries.append(len(captured.captured_queries))
            timing.written.append(written)
            new_jobs = DBTaskResult.objects.exclude(pk__in=jobs_before)
            timing.mails.append(new_jobs.count())
            new_jobs.delete()
        timings.append(timing)
    return timings


def _sql_ms(captured) -> float:
    """Milliseconds of the captured queries, as DEBUG's log times them."""
    return sum(float(q["time"]) for q in captured.captured_queries) * 1000


# -- where a PDF's time goes ------------------------------------------------------------------

# (label, module path fragment, function name): the steps of a report, cumulative time.
STEPS = [
    ("whole request", "django/test/client.py", "get"),
    ("render_pdf (template + WeasyPrint)", "benchmarking/pdf.py", "render_pdf"),
    ("template (render_to_string)", "django/template/loader.py", "render_to_string"),
    ("WeasyPrint: parse HTML + CSS", "weasyprint/__init__.py", "__init__"),
    ("WeasyPrint: layout (HTML.render)", "weasyprint/__init__.py", "render"),
    ("WeasyPrint: PDF writing (Document.write_pdf)", "weasyprint/document.py", "write_pdf"),
    ("SQL (cursor execute)", "django/db/backends/utils.py", "_execute"),
]


def profile_pdfs(run: FactorRun) -> list[dict]:
    """One cold request of each PDF under cProfile: the steps' cumulative seconds and the top 10
    functions by own time."""
    from django.core.cache import cache

    out = []
    for key in ("public-cold", "progress-cold"):
        client, path, _ = run.clients[key]
        cache.clear()
        profiler = cProfile.Profile()
        profiler.enable()
        harness.fetch(client, path)
        profiler.disable()
        stats = pstats.Stats(profiler)
        steps = []
        for label, fragment, function in STEPS:
            cumulative = max(
                (
                    ct
                    for (filename, _, name), (_, _, _, ct, _) in stats.stats.items()
                    if name == function and filename.endswith(fragment)
                ),
                default=0.0,
            )
            steps.append((label, cumulative))
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(10)
        top = [line for line in stream.getvalue().splitlines() if line.strip()]
        start = next(i for i, line in enumerate(top) if line.lstrip().startswith("ncalls"))
        out.append({"key": key, "path": path, "steps": steps, "top": top[start:]})
    return out


# -- the report -------------------------------------------------------------------------------


def markdown(args, runs, profiles, load_start, load_end, machine) -> str:
    lines = [
        f"## Issue 19: reports on paper, 质量强市 figures, digests ({time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC)",
        "",
        f"Command: `{harness.command_line('benchmarks.reports')}`. Server time with the test Client in "
        f"process (DEBUG on), {args.warmup} warm-up then {args.requests} timed requests per PDF; "
        "median and p95 (nearest rank) in ms; queries of every timed request.",
        "",
    ]
    for run in runs:
        loaded = ", ".join(f"{k} {v:.1f} s" for k, v in run.seconds.items())
        lines += [
            f"### {run.factor} × the demo (`{run.database}`)",
            "",
            f"Data: {run.data}. Loaded: {loaded}. Load average {run.load_before} → {run.load_after}.",
            "",
            "| PDF | URL | median ms | p95 ms | min ms | max ms | SQL ms | KB | pages | queries |",
            "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|",
        ]
        for t in run.pdfs:
            lines.append(
                f"| {t.label} | `{t.path}` | {t.median:.0f} | {t.p95:.0f} | {min(t.times):.0f} "
                f"| {max(t.times):.0f} | {t.sql_median:.0f} | {t.size / 1024:.0f} | {t.pages} | {t.query_text} |"
            )
        lines += [
            "",
            f"| 质量强市 figures (as of today, {args.calls} calls) | median ms | p95 ms | SQL ms | queries "
            "| standards / new / lead ent. / 品字标 ent. / new / 一带一路 / new |",
            "|---|--:|--:|--:|--:|---|",
        ]
        for t, (_, code) in zip(run.quality, QUALITY_REGIONS, strict=True):
            f = run.quality_values[code]
            values = " / ".join(
                str(v)
                for v in (
                    f.standards,
                    f.standards_new,
                    f.lead_enterprises,
                    f.pin_enterprises,
                    f.pin_enterprises_new,
                    f.belt_road_certificates,
                    f.belt_road_certificates_new,
                )
            )
            lines.append(
                f"| {t.label} | {t.median:.2f} | {t.p95:.2f} | {t.sql_median:.2f} | {t.query_text} | {values} |"
            )
        lines += [
            "",
            f"| send_digests ({args.digest_runs} runs, committed) | period | recipients | written "
            "| mails queued | median ms | ms per digest | queries | queries per digest |",
            "|---|---|--:|--:|--:|--:|--:|--:|--:|",
        ]
        for d in run.digests:
            written = max(d.written) or 1
            median = statistics.median(d.times)
            queries = sorted(set(d.queries))
            q_text = "–".join(str(q) for q in queries)
            lines.append(
                f"| {d.kind} | {d.period} | {d.recipients} | {'–'.join(str(w) for w in sorted(set(d.written)))} "
                f"| {'–'.join(str(m) for m in sorted(set(d.mails)))} | {median:.0f} | {median / written:.1f} "
                f"| {q_text} | {max(queries) / written:.1f} |"
            )
        lines.append("")
    if len(runs) > 1:
        lines += [
            "### Queries against the data size",
            "",
            "| what | " + " | ".join(f"{r.factor} ×" for r in runs) + " | same |",
            "|---|" + "--:|" * len(runs) + "---|",
        ]
        rows = [(t.label, [r.pdfs[i].query_text for r in runs]) for i, t in enumerate(runs[0].pdfs)]
        rows += [(t.label, [r.quality[i].query_text for r in runs]) for i, t in enumerate(runs[0].quality)]
        rows += [
            (
                f"send_digests {d.kind}",
                ["–".join(str(q) for q in sorted(set(r.digests[i].queries))) for r in runs],
            )
            for i, d in enumerate(runs[0].digests)
        ]
        for label, counts in rows:
            lines.append(
                f"| {label} | " + " | ".join(counts) + f" | {'yes' if len(set(counts)) == 1 else 'NO'} |"
            )
        lines.append("")
    province = runs[-1].quality[-1]
    lines += [
        f"### The slowest of the three queries of {province.label} at {runs[-1].factor} ×",
        "",
        "```",
        province.note,
        "```",
        "",
    ]
    for p in profiles:
        lines += [
            f"### Where the time goes: `{p['path']}`, one cold request under cProfile at {runs[-1].factor} ×",
            "",
            "(cProfile slows Python about twice: read the seconds as shares.)",
            "",
            "| step | s (cumulative) |",
            "|---|--:|",
            *(f"| {label} | {seconds:.3f} |" for label, seconds in p["steps"]),
            "",
            "```",
            *p["top"],
            "```",
            "",
        ]
    lines += ["Machine:", ""]
    lines += harness.key_value_table(
        [*machine, ("load average at start / end (1/5/15 min)", f"{load_start} / {load_end}")]
    )
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
