"""``manage.py import_records KIND FILE --user USERNAME [--dry-run]``: the site's bulk import
from the command line, for files too large or too many to upload one by one.

The same engine as the site (``plan_import`` / ``commit_import``), so the same checks and the
same report: the counts, then every problem as "第 N 行，列「X」：…". Any problem fails the
command (non-zero exit) and writes nothing; ``--dry-run`` writes nothing either way. The
importing user is required: history records are written under them, and their role decides
what they may import, exactly as on the site.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from benchmarking.imports import kinds
from benchmarking.imports.engine import ImportPlan, commit_import, plan_import
from benchmarking.imports.reading import MAX_IMPORT_BYTES


class Command(BaseCommand):
    help = (
        "从 Excel（.xlsx）或 CSV 文件批量导入记录，检查与网页导入相同；有任何问题时不写入任何数据。"
        "Import records from a spreadsheet; nothing is written if any row has a problem."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(kinds()), help="导入的记录类别 / the kind of record")
        parser.add_argument("file", help="Excel（.xlsx）或 CSV 文件 / the .xlsx or .csv file")
        parser.add_argument(
            "--user",
            required=True,
            help="导入人的用户名：修改历史记在其名下，且须有导入该类记录的权限 / the importing user",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="只检查并报告，不写入 / check and report only"
        )

    def handle(self, *args, kind, file, user, dry_run, **options):
        import_kind = kinds()[kind]
        actor = self.actor(user)
        if not import_kind.may_import(actor):
            raise CommandError(f"用户“{user}”无权导入{import_kind.label}。")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        size = path.stat().st_size
        if size > MAX_IMPORT_BYTES:
            raise CommandError(
                f"文件过大：{filesizeformat(size)}，上限为 {filesizeformat(MAX_IMPORT_BYTES)}。请分成几个文件导入。"
            )
        data = path.read_bytes()
        if dry_run:
            plan = plan_import(import_kind, path.name, data, actor)
        else:
            plan = commit_import(import_kind, path.name, data, actor)
        self.report(import_kind, path, plan)
        if not plan.ok:
            raise CommandError(
                "\n".join([f"发现 {len(plan.problems)} 个问题，未写入任何数据：", *map(str, plan.problems)])
            )
        if dry_run:
            self.stdout.write(self.style.WARNING("试运行（--dry-run）：检查通过，未写入任何数据。"))
        else:
            self.stdout.write(self.style.SUCCESS("导入完成。"))

    def actor(self, username: str):
        try:
            return get_user_model().objects.get(username=username, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(f"没有用户名为“{username}”的有效用户。") from None

    def report(self, kind, path: Path, plan: ImportPlan) -> None:
        out = self.stdout
        out.write(self.style.MIGRATE_HEADING(f"导入{kind.label}：{path}"))
        out.write(f"  数据行    {plan.rows}")
        out.write(f"  新增      {len(plan.creates)}")
        out.write(f"  更新      {len(plan.updates)}")
        out.write(f"  无变化    {plan.unchanged}")
        out.write(f"  问题      {len(plan.problems)}")
        if plan.ignored_columns:
            out.write("  未读取的列：" + "、".join(f"「{h}」" for h in plan.ignored_columns))
