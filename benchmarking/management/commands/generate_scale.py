"""``manage.py generate_scale --factor N``: N copies of the demo data, for benchmarks, written
with COPY on PostgreSQL and batched INSERTs on SQLite (benchmarking.demo.scale)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from benchmarking.demo.scale import ScaleDataExistsError, generate_scale, spread_counties
from benchmarking.demo.seed import REPORTED_MODELS, DemoClockError
from benchmarking.demo.specs import EXPECTED_ENTERPRISES, EXPECTED_RESULTS, EXPECTED_SCHEMES


class Command(BaseCommand):
    help = (
        "生成规模测试数据：把演示数据复制 N 份（各份有自己的信用代码、企业名称和方案编号），"
        "用于性能测试和查询次数测试。只生成一次：已有规模测试数据时拒绝运行。"
        "Benchmark data only: never run it on a production database."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--factor", type=int, required=True, help="演示数据的份数 / copies of the demo data (N ≥ 1)"
        )
        parser.add_argument(
            "--no-items",
            action="store_true",
            help="不生成各指标声明值（DeclarationItem） / skip the per-indicator values",
        )
        spread = parser.add_mutually_exclusive_group()
        spread.add_argument(
            "--counties",
            type=int,
            metavar="N",
            help=(
                "把各份轮流分到 N 个县级行政区（永康市、金华市其他县、全省其他县依次），各县有自己的监管所和当前计划"
                " / spread the copies round-robin over N county-level units (Yongkang first), each with its own"
                " offices and current plan; N ≤ factor"
            ),
        )
        spread.add_argument(
            "--province",
            action="store_true",
            help="分到全省所有县级行政区（浙江 90 个） / spread over every county-level unit of the province",
        )

    def handle(self, *args, factor, no_items, counties=None, province=False, **options):
        if factor < 1:
            raise CommandError("--factor 必须至少为 1。--factor must be at least 1.")
        try:
            if province:
                counties = len(spread_counties())
            result = generate_scale(factor, with_items=not no_items, counties=counties)
        except (ScaleDataExistsError, DemoClockError, ValueError) as error:
            raise CommandError(str(error)) from error

        out = self.stdout
        out.write(self.style.MIGRATE_HEADING(f"规模测试数据 / scale data × {factor}"))
        for model in REPORTED_MODELS:
            if result.created(model):
                out.write(f"  {model.__name__:<26}{result.created(model):>10}")
        if result.copies_by_county:
            spread = result.copies_by_county
            out.write(
                f"  分到 {len(spread)} 个县级行政区 / over {len(spread)} counties: "
                f"每县 {min(spread.values())}–{max(spread.values())} 份 / copies each"
            )
        for note in result.notes:
            out.write(self.style.WARNING(f"  {note}"))
        progress = result.progress
        out.write(f"千项计划进度（截至 {timezone.localtime(progress.as_of):%Y-%m-%d %H:%M}）")
        for label, count, per_copy in (
            ("schemes", progress.schemes, EXPECTED_SCHEMES),
            ("enterprises", progress.enterprises, EXPECTED_ENTERPRISES),
            ("results", progress.results, EXPECTED_RESULTS),
        ):
            out.write(f"  {label:<12}{count:>10}  (= {factor} × {per_copy} + {count - factor * per_copy})")
        out.write(f"用时 {result.seconds:.1f} 秒 / took {result.seconds:.1f} s")
