"""The pages each role uses, on the demo data, for the browser tests that walk all of them
(tests/e2e/test_page_fit.py, tests/e2e/test_accessibility.py).

Each entry is one page as one person sees it. The records are picked from the demo so the
pages show its longest texts: the enterprise's scheme with the longest indicator texts, the
oldest declaration waiting for review, the published result with the longest enterprise name.
"""

from dataclasses import dataclass

from django.db.models import Sum
from django.db.models.functions import Length
from django.urls import reverse

from benchmarking.demo.names import LOGINS
from benchmarking.imports import kinds
from benchmarking.models import Declaration, Enterprise, TechnicalScheme

PASSWORDS = {login.username: login.password for login in LOGINS}
ANONYMOUS = ""


@dataclass(frozen=True)
class RolePage:
    username: str  # ANONYMOUS for a visitor who has not logged in
    label: str
    path: str
    # A list page: its table must mark the identifying column (.col-id), and those of its
    # rows' action column (.col-action) if it has one, which must stay on screen.
    is_list: bool = False

    @property
    def who(self) -> str:
        return self.username or "访客"


def demo_pages() -> list[RolePage]:
    """Every role's pages on the seeded demo (call after seed_demo)."""
    enterprise = Enterprise.objects.get(user_profiles__user__username="enterprise_a")
    longest_scheme = (
        TechnicalScheme.objects.filter(industry=enterprise.industry, status="published")
        .annotate(text=Sum(Length("indicators__requirement")) + Sum(Length("indicators__name")))
        .order_by("-text", "pk")
        .first()
    )
    editable = Declaration.objects.filter(enterprise=enterprise, status__in=["draft", "returned"]).first()
    own_published = Declaration.objects.filter(enterprise=enterprise, status="published").first()
    oldest_waiting = Declaration.objects.filter(status="submitted").order_by("submitted_at", "pk").first()
    longest_public = (
        Declaration.objects.filter(status="published")
        .annotate(name_length=Length("enterprise__name"))
        .order_by("-name_length", "pk")
        .first()
    )
    first_kind = next(iter(kinds()))
    staff_lists = [
        ("技术方案", reverse("scheme-list")),
        ("企业", reverse("enterprise-list")),
        ("对标结果", reverse("declaration-list")),
    ]
    pages = [
        RolePage(ANONYMOUS, "首页", reverse("home")),
        RolePage(ANONYMOUS, "登录", reverse("login")),
        RolePage(ANONYMOUS, "结果公示", reverse("public-results"), is_list=True),
        RolePage(ANONYMOUS, "公示详情", reverse("public-result-detail", args=[longest_public.pk])),
        RolePage(ANONYMOUS, "404", "/no-such-page/"),
        RolePage("bureau", "首页", reverse("home")),
        RolePage("bureau", "千项计划进度", reverse("progress-dashboard")),
        *(RolePage("bureau", label, path, is_list=True) for label, path in staff_lists),
        RolePage("bureau", "待审核", reverse("review-queue"), is_list=True),
        RolePage("bureau", "审核", reverse("review-detail", args=[oldest_waiting.pk])),
        RolePage("bureau", "批量导入", reverse("imports")),
        RolePage("bureau", "上传导入文件", reverse("import-upload", args=[first_kind])),
        RolePage("branch", "首页", reverse("home")),
        RolePage("branch", "千项计划进度", reverse("progress-dashboard")),
        RolePage("branch", "对标结果", reverse("declaration-list"), is_list=True),
        RolePage("branch", "待审核", reverse("review-queue"), is_list=True),
        RolePage("manager", "首页", reverse("home")),
        RolePage("manager", "千项计划进度", reverse("progress-dashboard")),
        RolePage("manager", "企业", reverse("enterprise-list"), is_list=True),
        RolePage("enterprise_a", "我的对标声明", reverse("portal-home")),
        RolePage("enterprise_a", "选择技术方案", reverse("portal-scheme-choose")),
        RolePage(
            "enterprise_a", "填写声明", reverse("portal-declaration-create", args=[longest_scheme.pk])
        ),
        RolePage("enterprise_a", "修改声明", reverse("portal-declaration-edit", args=[editable.pk])),
        RolePage("enterprise_a", "核对并提交", reverse("portal-declaration-submit", args=[editable.pk])),
        RolePage("enterprise_a", "声明详情", reverse("portal-declaration-detail", args=[own_published.pk])),
    ]
    return pages


def log_in(page, base_url: str, username: str) -> None:
    """Log in through the login form, as a person would; a visitor stays logged out."""
    if username == ANONYMOUS:
        return
    page.goto(f"{base_url}{reverse('login')}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORDS[username])
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    assert reverse("login") not in page.url, f"{username} could not log in"


def pages_by_person(pages: list[RolePage]) -> dict[str, list[RolePage]]:
    by_person: dict[str, list[RolePage]] = {}
    for role_page in pages:
        by_person.setdefault(role_page.username, []).append(role_page)
    return by_person
