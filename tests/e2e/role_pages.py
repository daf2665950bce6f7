"""The pages each role uses, on the demo data, for the browser tests that walk all of them
(tests/e2e/test_page_fit.py, tests/e2e/test_accessibility.py).

Each entry is one page as one person sees it, on the demo records that show it at its hardest
(benchmarking.demo.showcase: the longest texts a page must hold).
"""

from dataclasses import dataclass

from django.urls import reverse

from benchmarking.demo.names import LOGINS
from benchmarking.demo.province import REGION_LOGINS
from benchmarking.demo.showcase import DEMO_ENTERPRISE_LOGIN, api_token_samples, demo_showcase
from benchmarking.imports import kinds
from tests.e2e.conftest import log_in as log_in_with_form

PASSWORDS = {login.username: login.password for login in (*LOGINS, *REGION_LOGINS)}
ANONYMOUS = ""


@dataclass(frozen=True)
class RolePage:
    username: str  # ANONYMOUS for a visitor who has not logged in
    label: str
    path: str
    # A list page: its table must mark the identifying column (.col-id), and those of its
    # rows' action column (.col-action) if it has one, which must stay on screen.
    is_list: bool = False
    status: int = 200  # what the page answers: a page answering an error by mistake fails the walk

    @property
    def who(self) -> str:
        return self.username or "访客"


def demo_pages() -> list[RolePage]:
    """Every role's pages on the seeded demo (call after seed_demo)."""
    showcase = demo_showcase()
    first_kind = next(iter(kinds()))
    tokens_enterprise = api_token_samples()
    staff_lists = [
        ("技术方案", reverse("scheme-list")),
        ("企业", reverse("enterprise-list")),
        ("对标结果", reverse("declaration-list")),
    ]
    pages = [
        RolePage(ANONYMOUS, "首页", reverse("home")),
        RolePage(ANONYMOUS, "登录", reverse("login")),
        RolePage(ANONYMOUS, "结果公示", reverse("public-results"), is_list=True),
        RolePage(ANONYMOUS, "公示详情", reverse("public-result-detail", args=[showcase.longest_public.pk])),
        RolePage(ANONYMOUS, "404", "/no-such-page/", status=404),
        RolePage("bureau", "首页", reverse("home")),
        RolePage("bureau", "千项计划进度", reverse("progress-dashboard")),
        *(RolePage("bureau", label, path, is_list=True) for label, path in staff_lists),
        RolePage("bureau", "待审核", reverse("review-queue"), is_list=True),
        RolePage("bureau", "审核", reverse("review-detail", args=[showcase.oldest_waiting.pk])),
        RolePage("bureau", "批量导入", reverse("imports")),
        *(RolePage("bureau", label, path) for label, path in _demo_exports()),
        RolePage("bureau", "上传导入文件", reverse("import-upload", args=[first_kind])),
        RolePage("bureau", "待修订方案", reverse("scheme-revision-worklist"), is_list=True),
        RolePage("bureau", "提醒", reverse("reminders")),
        RolePage("bureau", "企业档案", reverse("enterprise-detail", args=[showcase.most_quality_records.pk])),
        RolePage("bureau", "接口令牌", reverse("api-tokens")),
        RolePage("bureau", "企业接口令牌", reverse("enterprise-api-tokens", args=[tokens_enterprise])),
        RolePage("branch", "首页", reverse("home")),
        RolePage("branch", "千项计划进度", reverse("progress-dashboard")),
        RolePage("branch", "“一带一路”证书", reverse("quality-belt-road"), is_list=True),
        RolePage("branch", "对标结果", reverse("declaration-list"), is_list=True),
        RolePage("branch", "待审核", reverse("review-queue"), is_list=True),
        RolePage("manager", "首页", reverse("home")),
        RolePage("manager", "千项计划进度", reverse("progress-dashboard")),
        # The lists behind the dashboard's 质量强市 figures (views/quality.py).
        RolePage("manager", "“浙江制造”标准", reverse("quality-zhejiang-made"), is_list=True),
        RolePage("manager", "品字标企业", reverse("quality-pin-enterprises"), is_list=True),
        RolePage("manager", "企业", reverse("enterprise-list"), is_list=True),
        RolePage("manager", "403 批量导入", reverse("imports"), status=403),  # managers may not import
        RolePage("manager", "提醒", reverse("reminders")),
        # Above the county: the roll-ups, a county opened from them, a list over every county.
        RolePage("zhejiang", "全省千项计划进度", reverse("region_dashboard", args=["330000"])),
        RolePage("zhejiang", "企业（全省）", reverse("enterprise-list"), is_list=True),
        RolePage("jinhua", "金华千项计划进度", reverse("region_dashboard", args=["330700"])),
        RolePage("jinhua", "永康千项计划进度", reverse("progress-dashboard") + "?region=330784"),
        RolePage(DEMO_ENTERPRISE_LOGIN, "我的对标声明", reverse("portal-home")),
        RolePage(DEMO_ENTERPRISE_LOGIN, "选择技术方案", reverse("portal-scheme-choose")),
        RolePage(
            DEMO_ENTERPRISE_LOGIN,
            "填写声明",
            reverse("portal-declaration-create", args=[showcase.longest_scheme.pk]),
        ),
        RolePage(
            DEMO_ENTERPRISE_LOGIN, "修改声明", reverse("portal-declaration-edit", args=[showcase.editable.pk])
        ),
        RolePage(
            DEMO_ENTERPRISE_LOGIN,
            "核对并提交",
            reverse("portal-declaration-submit", args=[showcase.editable.pk]),
        ),
        RolePage(
            DEMO_ENTERPRISE_LOGIN,
            "声明详情",
            reverse("portal-declaration-detail", args=[showcase.own_published.pk]),
        ),
        RolePage(
            DEMO_ENTERPRISE_LOGIN,
            "对标标准已更新的结果",
            reverse("portal-declaration-detail", args=[showcase.standard_updated.pk]),
        ),
        RolePage(DEMO_ENTERPRISE_LOGIN, "提醒", reverse("reminders")),
        RolePage(DEMO_ENTERPRISE_LOGIN, "接口令牌", reverse("api-tokens")),
        RolePage(
            DEMO_ENTERPRISE_LOGIN, "本企业档案", reverse("enterprise-detail", args=[showcase.enterprise.pk])
        ),
        RolePage(
            ANONYMOUS,
            "公示详情（对标标准已更新）",
            reverse("public-result-detail", args=[showcase.standard_updated.pk]),
        ),
    ]
    return pages


def _demo_exports() -> list[tuple[str, str]]:
    """Bureau staff's exports at their widest: the whole city's declarations of the office with
    the longest name, searched, one half built, one failed; and the list of them."""
    from django.contrib.auth import get_user_model

    from benchmarking.models import BranchOffice, ExportJob, ExportKind, ExportStatus
    from benchmarking.services.exports import FAILED_MESSAGE, scope_key

    bureau = get_user_model().objects.get(username="bureau")
    office = max(BranchOffice.objects.filter(region_id="330784"), key=lambda o: len(o.name))
    query = f"branch_office={office.pk}&status=published&declared_from=2024-01-01&q=保温杯"
    shown = {}
    for label, status, done in (
        ("导出进度", ExportStatus.RUNNING, 18_500),
        ("导出失败", ExportStatus.FAILED, 900),
    ):
        job, _ = ExportJob.objects.get_or_create(
            user=bureau,
            status=status,
            defaults=dict(
                kind=ExportKind.DECLARATIONS,
                fmt="xlsx",
                query=query,
                language="zh-hans",
                scope=scope_key(bureau),
                rows_total=52_200,
                rows_done=done,
                filename="对标结果_2026-12-06.xlsx",
                file="demo-export.xlsx",
                error=FAILED_MESSAGE if status == ExportStatus.FAILED else "",
            ),
        )
        shown[label] = reverse("export-job", args=[job.pk])
    return [*shown.items(), ("我的导出", reverse("export-jobs"))]


# The longest 用途 a token may have (60 characters), as the 接口令牌 pages must hold it.


def log_in(page, base_url: str, username: str) -> None:
    """Log in through the login form, as a person would; a visitor stays logged out."""
    if username != ANONYMOUS:
        log_in_with_form(page, base_url, username, PASSWORDS[username])


def walk(new_page, base_url: str, pages: list[RolePage], widths: tuple[int, ...]):
    """Open each page at each width, logged in as its person (one browser context a person):
    yields (role_page, width, page) with the page loaded."""
    by_person: dict[str, list[RolePage]] = {}
    for role_page in pages:
        by_person.setdefault(role_page.username, []).append(role_page)
    for username, person_pages in by_person.items():
        page = new_page(viewport={"width": widths[0], "height": 900})
        log_in(page, base_url, username)
        for role_page in person_pages:
            for width in widths:
                page.set_viewport_size({"width": width, "height": 900})
                response = page.goto(f"{base_url}{role_page.path}")
                assert response.status == role_page.status, (role_page, response.status)
                yield role_page, width, page
