"""``manage.py seed_demo``: the demo Yongkang (benchmarking.demo), safe to run again."""

import logging
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.mail.backends import filebased
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from django.utils import timezone

from benchmarking.access import ROLE_GROUP_NAMES
from benchmarking.demo.province import LOGIN_REGIONS, ProvinceSeed
from benchmarking.demo.seed import REPORTED_MODELS, DemoClockError, seed_demo
from benchmarking.demo.specs import EXPECTED_ENTERPRISES, EXPECTED_RESULTS, EXPECTED_SCHEMES
from benchmarking.models import BranchOffice, Declaration, Enterprise, Plan, Region, TechnicalScheme

CONSOLE_MAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Where the demo's mails go when the console would otherwise print them (git-ignored).
DEFAULT_MAIL_DIR = Path(settings.BASE_DIR) / "var" / "demo-mail"


class DemoMailFileBackend(filebased.EmailBackend):
    """Django's file backend, counting the messages it writes so the report can say how many."""

    sent = 0

    def send_messages(self, email_messages):
        count = super().send_messages(email_messages)
        DemoMailFileBackend.sent += count
        return count


@contextmanager
def mail_into(directory: Path):
    """Send every mail inside the block to files in ``directory`` and count them.

    The demo's workflow moves and logins send some 600 invitation and notification mails; the
    console backend of a development run would print them all (17,000 lines) over the report
    and the logins it ends with. override_settings is the documented way to swap a setting for
    a block; the services keep sending mail exactly as they do anywhere else. Their mail jobs run
    as they are queued (Django's immediate backend), so the files are written before the report,
    and the worker that ``serve`` starts next finds no 600 mails waiting to be printed."""
    DemoMailFileBackend.sent = 0
    backend = f"{DemoMailFileBackend.__module__}.{DemoMailFileBackend.__qualname__}"
    # The immediate backend logs each job's start and end (1,200 lines at INFO): not for the report.
    task_log = logging.getLogger("django_tasks")
    level = task_log.level
    task_log.setLevel(logging.WARNING)
    try:
        with override_settings(
            EMAIL_BACKEND=backend,
            EMAIL_FILE_PATH=str(directory),
            TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        ):
            yield
    finally:
        task_log.setLevel(level)


class Command(BaseCommand):
    help = (
        "创建演示数据：永康的基层所、行业、企业、标准、对标技术方案、自我声明对标结果、千项计划和各角色演示账号；"
        "全省其他县（市、区）的基层所、企业、对标技术方案、对标结果和千项计划（仅计数所需，批量写入），"
        "以及金华市和浙江省的局领导演示账号。"
        "按自然键匹配，重复运行不会重复创建。Demo data only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--mail-dir",
            type=Path,
            help=(
                "把演示数据发送的邮件写入此目录的文件。Write the demo's mails to files in this folder. "
                "Default: var/demo-mail/ when EMAIL_BACKEND is the console backend (development), "
                "otherwise the mails go to EMAIL_BACKEND as usual."
            ),
        )

    def handle(self, *args, **options):
        mail_dir = options["mail_dir"]
        if mail_dir is None and settings.EMAIL_BACKEND == CONSOLE_MAIL_BACKEND:
            mail_dir = DEFAULT_MAIL_DIR
        started = time.monotonic()
        try:
            if mail_dir is None:
                result = seed_demo()
            else:
                with mail_into(mail_dir):
                    result = seed_demo()
        except DemoClockError as error:
            raise CommandError(str(error)) from error
        elapsed = time.monotonic() - started
        out = self.stdout

        out.write(self.style.MIGRATE_HEADING("演示数据 / demo data"))
        labels = {model: f"{model._meta.verbose_name_plural} {model.__name__}" for model in REPORTED_MODELS}
        width = max(_width(label) for label in labels.values()) + 2
        out.write(
            f"  {_pad('对象 model', width)}{_pad('原有 before', 12, right=True)}"
            f"{_pad('新建 created', 14, right=True)}{_pad('合计 total', 12, right=True)}"
        )
        for model, label in labels.items():
            out.write(
                f"  {_pad(label, width)}{result.before[model]:>12}{result.created(model):>14}{result.after[model]:>12}"
            )
        if not result.created_anything:
            out.write(
                self.style.SUCCESS(
                    "  数据已齐全，本次未新建任何记录。Nothing created: the demo data was already there."
                )
            )
        for note in result.notes:
            out.write(self.style.WARNING(f"  {note}"))
        if result.province is not None:
            out.write(_province_summary(result.province))

        progress = result.progress
        plan = result.demo.plan
        out.write(
            self.style.MIGRATE_HEADING(
                f"永康市千项计划进度（截至 {timezone.localtime(progress.as_of):%Y-%m-%d %H:%M}）"
            )
        )
        for label, count, target, expected in (
            ("发布对标技术方案 schemes", progress.schemes, plan.target_schemes, EXPECTED_SCHEMES),
            ("完成对标企业 enterprises", progress.enterprises, plan.target_enterprises, EXPECTED_ENTERPRISES),
            ("发布对标结果 results", progress.results, plan.target_results, EXPECTED_RESULTS),
        ):
            line = f"  {_pad(label, 30)}{count:>5} / {target}"
            if count != expected:
                line += f"  （演示数据本身为 {expected}；数据库中另有其他记录）"
            out.write(line)

        if mail_dir is not None:
            out.write(_mail_summary(DemoMailFileBackend.sent, mail_dir))
        out.write(f"用时 {elapsed:.1f} 秒 / took {elapsed:.1f} s")

        # The logins come last: they are what a developer needs next, right above runserver's banner.
        out.write(self.style.MIGRATE_HEADING("演示账号 / demo logins"))
        out.write(f"  网址 {settings.SITE_URL}/    管理后台 {settings.SITE_URL}/admin/")
        out.write(f"  {_pad('角色 role', 18)}{_pad('用户名 username', 18)}密码 password")
        region_names = dict(
            Region.objects.filter(code__in=LOGIN_REGIONS.values()).values_list("code", "name")
        )
        for login in result.logins:
            role = ROLE_GROUP_NAMES[login.role]
            if login.username in LOGIN_REGIONS:
                # One word, so the table keeps three columns: 局领导（金华市）.
                role += f"（{region_names[LOGIN_REGIONS[login.username]]}）"
            out.write(f"  {_pad(role, 18)}{login.username:<18}{login.password}")
        out.write(
            self.style.WARNING(
                "  以上账号和密码仅供本地演示，切勿在真实环境中使用。"
                "Demo-only logins: never use these passwords on a real server."
            )
        )


def _province_summary(province: ProvinceSeed) -> str:
    """One line on the other counties of the province: what this run added, or that all was there."""
    created = province.created
    if not any(created.values()):
        return f"  全省其他 {province.counties} 个县（市、区）的演示数据已齐全。"
    return (
        f"  已添加全省其他 {province.counties} 个县（市、区）的演示数据（仅计数所需，批量写入，无变更记录）："
        f"基层所 {created[BranchOffice]} 个、企业 {created[Enterprise]} 家、"
        f"对标技术方案 {created[TechnicalScheme]} 项、对标结果 {created[Declaration]} 条、"
        f"千项计划 {created[Plan]} 个（已计入上表）。"
    )


def _mail_summary(sent: int, directory: Path) -> str:
    """One line saying how many mails the demo sent and where to read them."""
    shown = directory.resolve()
    if shown.is_relative_to(Path(settings.BASE_DIR).resolve()):
        shown = shown.relative_to(Path(settings.BASE_DIR).resolve())
    if not sent:
        return f"本次未发送邮件。No mail sent this time (mail goes to {shown}/)."
    return f"演示数据发送了 {sent} 封通知邮件，已写入 {shown}/。{sent} demo mails written to {shown}/."


def _width(text: str) -> int:
    """Terminal columns ``text`` takes: CJK characters and full-width punctuation take two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int, *, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` terminal columns (on the left if ``right``)."""
    spaces = " " * max(0, width - _width(text))
    return spaces + text if right else text + spaces
