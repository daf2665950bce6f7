"""``manage.py merge_duplicate_standards [--dry-run]``: put every stored standard under its key,
merging the standards whose numbers fold to the same one (services.identifiers)."""

from django.core.management.base import BaseCommand

from benchmarking.choices import StandardKind
from benchmarking.services.identifiers import standards_merge_duplicates


class Command(BaseCommand):
    help = (
        "合并编号按统一格式相同的重复标准（如 GBT 4754-2017 与 GB/T 4754—2017）：保留一条，"
        "把方案、声明等对它们的引用改指向保留的一条，删除其余，并把编号统一为规范写法；每次修改都记入变更记录。"
        "Merge standards whose numbers fold to the same key."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="只列出将要做的修改，不写入 / list what would change, write nothing",
        )

    def handle(self, *args, dry_run, **options):
        merges = standards_merge_duplicates(dry_run=dry_run)
        out = self.stdout
        if dry_run:
            out.write(self.style.MIGRATE_HEADING("试运行：以下修改不会写入 / dry run: nothing is written"))
        if not merges:
            out.write("没有需要合并或统一编号的标准。Nothing to do.")
            return
        for merge in merges:
            kept = merge.kept
            line = f"{merge.key}：保留 #{kept.pk}「{kept.number} {kept.title}」"
            if merge.merged:
                line += "，并入 " + "、".join(f"#{s.pk}「{s.number} {s.title}」" for s in merge.merged)
            if merge.rekeyed:
                line += f"，编号改为「{merge.key}」"
            if merge.new_kind:
                line += f"，类别改为{StandardKind(merge.new_kind).label}"
            for label, count in merge.repointed.items():
                line += f"；{label} {count} 条改指向保留的标准"
            for label, count in merge.dropped.items():
                line += f"；删除重复的{label} {count} 条"
            if merge.done:
                out.write(line)
            else:
                out.write(self.style.WARNING(line + "；未合并：" + "".join(merge.conflicts)))
        done = sum(1 for m in merges if m.done)
        verb = "将处理" if dry_run else "已处理"
        out.write(self.style.SUCCESS(f"{verb} {done} 组，{len(merges) - done} 组需人工核对。"))
