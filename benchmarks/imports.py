"""Wall time, memory and queries of the bulk imports of enterprises and declarations, on PostgreSQL.

    .venv/bin/python -m benchmarks.imports [--enterprises 10000] [--declarations 20000] [--small 1000]
        [--tracemalloc]

Drops and recreates the database of BENCH_DATABASE_URL (default
postgres://postgres:postgres@127.0.0.1:5432/yongkang_bench_import), migrates it, and sets up
what the files refer to (branch offices, an industry, a standard, schemes with 8 indicators
each, a bureau user). Then it writes an .xlsx of new enterprises and imports it with
``commit_import`` as the bureau user, then an .xlsx of declarations (8 indicator values each,
most of them historic published or withdrawn results) against those enterprises, and the
same at ``--small`` rows first, to show that the queries do not grow with the rows.

For each import it prints the wall time of ``commit_import`` (read, plan, write, in one
transaction), the statements it ran and per row, and the process's peak resident memory
(ru_maxrss), as markdown for benchmarks/RESULTS.md, with the machine it ran on. With
``--tracemalloc`` it also reports the peak of Python allocations during each import (which
slows it, so the times of such a run are inflated).

A script, not a test: pytest collects only tests/.
"""

import datetime as dt
import io
import os
import resource
import sys
import time
import tracemalloc
from decimal import Decimal

from benchmarks import harness

DEFAULT_URL = "postgres://postgres:postgres@127.0.0.1:5432/yongkang_bench_import"
OFFICES = [
    ("东城市场监管所", "DC"),
    ("西城市场监管所", "XC"),
    ("江南市场监管所", "JN"),
    ("芝英市场监管所", "ZY"),
]
STANDARD = "Q/YKBENCH 001—2024"
SCHEMES = 40
# (name, direction, benchmark, min, max): 8 indicators per scheme, every kind of comparison.
INDICATORS = [
    ("保温效能", "higher", "12", None, None),
    ("容量偏差", "lower", "2", None, None),
    ("跌落次数", "higher", "10", None, None),
    ("密封性能", "higher", "5", None, None),
    ("手柄强度", "higher", "100", None, None),
    ("铅迁移量", "lower", "0.01", None, None),
    ("口部温度", "range", None, "40", "60"),
    ("外观", "pass_fail", None, None, None),
]
ENTERPRISE_HEADERS = ["统一社会信用代码", "企业名称", "所属监管所", "行业", "联系人", "联系电话"]
DECLARATION_HEADERS = [
    "统一社会信用代码",
    "企业名称",
    "方案编号",
    "产品名称",
    "产品型号",
    "执行标准编号",
    "声明日期",
    "企业标准信息公共服务平台链接",
    "状态",
    "发布时间",
    "撤回时间",
]


def main() -> None:
    parser = harness.argument_parser("benchmarks.imports", __doc__)
    parser.add_argument("--enterprises", type=int, default=10_000)
    parser.add_argument("--declarations", type=int, default=20_000)
    parser.add_argument("--small", type=int, default=1_000, help="rows of the small runs (default 1000)")
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also trace Python allocations during each import (slows it about twofold; times then inflated)",
    )
    args = parser.parse_args()
    load = harness.load_average()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    harness.setup_django(url)
    harness.recreate_database(url)

    from django.conf import settings

    # DEBUG (needed for the development settings) would keep every statement's SQL in memory:
    # 20,000 rows of bulk inserts are tens of MB that production never holds.
    settings.DEBUG = False
    harness.migrate()
    actor = setup()

    from benchmarking.imports.declarations import DeclarationImport
    from benchmarking.imports.enterprises import EnterpriseImport

    results = []
    # The small runs use enterprises numbered after the large ones: each run creates new records.
    small_first = args.enterprises
    for label, kind, data, rows in (
        ("enterprises", EnterpriseImport(), enterprise_workbook(small_first, args.small), args.small),
        ("enterprises", EnterpriseImport(), enterprise_workbook(0, args.enterprises), args.enterprises),
        (
            "declarations",
            DeclarationImport(),
            declaration_workbook(small_first, args.small, args.small),
            args.small,
        ),
        (
            "declarations",
            DeclarationImport(),
            declaration_workbook(0, args.enterprises, args.declarations),
            args.declarations,
        ),
    ):
        results.append(run(label, kind, data, rows, actor, trace=args.tracemalloc))
    report(args, results, load)


def setup():
    """What the files refer to, written directly (not timed): offices, an industry, the
    executed standard, published schemes with 8 indicators each, and a bureau user."""
    from django.utils import timezone

    from benchmarking.choices import Role
    from benchmarking.models import BranchOffice, Indicator, Industry, Standard, TechnicalScheme

    for name, code in OFFICES:
        BranchOffice.objects.get_or_create(code=code, defaults={"name": name})
    industry, _ = Industry.objects.get_or_create(name="杯业", defaults={"gb_code": "C3381"})
    Standard.objects.get_or_create(
        number=STANDARD, defaults={"title": "保温杯企业标准", "kind": "enterprise"}
    )
    published = timezone.make_aware(dt.datetime(2023, 1, 10, 10))
    schemes = TechnicalScheme.objects.bulk_create(
        TechnicalScheme(
            code=f"YKDB-BENCH-{n:03d}",
            title=f"保温杯对标技术方案{n}",
            product_category="保温杯",
            industry=industry,
            publisher="永康市标准化研究院",
            status="published",
            published_at=published,
        )
        for n in range(SCHEMES)
    )
    Indicator.objects.bulk_create(
        Indicator(
            scheme=scheme,
            name=name,
            order=order,
            is_core=order < 4,
            direction=direction,
            benchmark_value=Decimal(benchmark) if benchmark else None,
            benchmark_min=Decimal(low) if low else None,
            benchmark_max=Decimal(high) if high else None,
        )
        for scheme in schemes
        for order, (name, direction, benchmark, low, high) in enumerate(INDICATORS)
    )
    return harness.role_user("bench_bureau", Role.BUREAU_STAFF)


def _workbook(headers, rows) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("导入")
    sheet.write_row(0, 0, headers)
    for index, cells in enumerate(rows, start=1):
        sheet.write_row(index, 0, cells)
    workbook.close()
    return buffer.getvalue()


def _code(number: int) -> str:
    from benchmarking.demo.scale import scale_credit_code

    return scale_credit_code(number)


def enterprise_workbook(first: int, count: int) -> bytes:
    rows = (
        [
            # Messy as people send them: lower case and a space in some codes.
            _code(n).lower() if n % 7 == 0 else _code(n),
            f"永康市测试{n}杯业有限公司",
            OFFICES[n % len(OFFICES)][0],
            "杯业",
            f"联系人{n % 97}",
            f"0579-{87000000 + n}",
        ]
        for n in range(first, first + count)
    )
    return _workbook(ENTERPRISE_HEADERS, rows)


def declaration_workbook(first_enterprise: int, enterprises: int, count: int) -> bytes:
    """``count`` declarations spread over the enterprises ``first_enterprise``…: 70% published
    (historic), 10% withdrawn, 20% drafts; 8 values each."""
    values = ["13.5", "1.5", "12", "5", "120", "0.008", "50", "符合"]

    def row(i: int) -> list:
        n = first_enterprise + i % enterprises
        kind = i % 10
        day = dt.datetime(2024, 1 + i % 12, 1 + i % 28, 10, 0)
        status, published, withdrawn = "已发布", day, None
        if kind == 9:
            status, withdrawn = "已撤回", day + dt.timedelta(days=30)
        elif kind >= 7:
            status, published = "草稿", None
        pairs = []
        for number, (name, *_rest) in enumerate(INDICATORS):
            pairs += [name, values[number] if number != i % 8 or kind != 0 else "11"]
        return [
            _code(n),
            f"永康市测试{n}杯业有限公司",
            f"YKDB-BENCH-{i % SCHEMES:03d}",
            "真空保温杯",
            f"BM-{first_enterprise}-{i}",
            STANDARD,
            day.date() if published else None,
            "",
            status,
            published,
            withdrawn,
            *pairs,
        ]

    headers = DECLARATION_HEADERS + [f"{part}{n}" for n in range(1, 9) for part in ("指标", "声明值")]
    return _workbook(headers, (row(i) for i in range(count)))


def run(label: str, kind, data: bytes, rows: int, actor, *, trace: bool) -> dict:
    from django.db import connection

    from benchmarking.imports.engine import commit_import

    statements = 0

    def count(execute, sql, params, many, context):
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    if trace:
        tracemalloc.start()
    with connection.execute_wrapper(count):
        started = time.perf_counter()
        plan = commit_import(kind, f"{label}.xlsx", data, actor)
        seconds = time.perf_counter() - started
    traced = tracemalloc.get_traced_memory()[1] if trace else None
    if trace:
        tracemalloc.stop()
    if not plan.ok:
        sys.exit(f"{label}: the import was refused: {[str(p) for p in plan.problems[:5]]}")
    if len(plan.creates) != rows:
        sys.exit(f"{label}: {len(plan.creates)} created, expected {rows}")
    return {
        "label": label,
        "rows": rows,
        "bytes": len(data),
        "seconds": seconds,
        "queries": statements,
        "traced": traced,
        # ru_maxrss is in KiB on Linux: the process's peak so far (it includes everything before).
        "maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def report(args, results: list[dict], load: str) -> None:
    from benchmarking.models import Declaration, DeclarationEvent, DeclarationItem, Enterprise

    print(f"\n## Bulk imports on PostgreSQL ({time.strftime('%Y-%m-%d')})\n")
    print(
        f"After the runs: {Enterprise.objects.count():,} enterprises, {Declaration.objects.count():,} "
        f"declarations, {DeclarationItem.objects.count():,} items, {DeclarationEvent.objects.count():,} events.\n"
    )
    traced = any(r["traced"] is not None for r in results)
    print(
        "| import | rows | file | wall time | queries | queries per row | peak RSS of the process"
        + (" | tracemalloc peak" if traced else "")
        + " |"
    )
    print("|---|--:|--:|--:|--:|--:|--:|" + ("--:|" if traced else ""))
    for r in results:
        line = (
            f"| {r['label']} | {r['rows']:,} | {r['bytes'] / 1024 / 1024:.1f} MB | {r['seconds']:.1f} s "
            f"| {r['queries']} | {r['queries'] / r['rows']:.3f} | {r['maxrss']:.0f} MB"
        )
        if traced:
            line += f" | {r['traced'] / 1024 / 1024:.0f} MB"
        print(line + " |")
    print()
    rows = [*harness.machine(), ("load average at start (1/5/15 min)", load)]
    for line in harness.key_value_table(rows, header="| machine | |"):
        print(line)
    print(f"\nCommand: `{harness.command_line('benchmarks.imports')}`")


if __name__ == "__main__":
    main()
