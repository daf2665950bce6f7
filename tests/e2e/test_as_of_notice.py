"""In a real browser, on the demo: historic results imported today change a past day's figures,
and the manager's as-of dashboard says so at a phone's width and at two desktop widths; the link
lists exactly those results, and their history shows the moves as 补录.

Each page is saved as a PNG in ``test-artifacts/e2e/`` (or ``$E2E_SCREENSHOTS``).
"""

import datetime as dt
import re

import pytest

from benchmarking.choices import Direction, Role
from benchmarking.demo.seed import seed_demo
from benchmarking.imports.declarations import DeclarationImport
from benchmarking.imports.engine import commit_import
from benchmarking.models import Declaration, Enterprise
from tests.conftest import sh
from tests.e2e.conftest import PASSWORD
from tests.factories import make_user
from tests.imports.test_declarations import HEADERS, xlsx

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DAY = dt.date(2025, 6, 30)
WIDTHS = (390, 1366, 1920)


def historic_rows() -> tuple[list[str], list[list]]:
    """Two results published in spring 2025, of the demo Yongkang enterprise with the longest
    name (the bureau importing them is Yongkang's), copied from one of its published results
    under new product models."""
    source = (
        Declaration.objects.filter(
            status="published", published_at__lt=sh(2025, 3, 1), enterprise__region_id="330784"
        )
        .select_related("enterprise", "scheme", "executed_standard")
        .order_by("pk")
    )
    longest = max(Enterprise.objects.filter(declarations__in=source).distinct(), key=lambda e: len(e.name))
    original = source.filter(enterprise=longest).first()
    items = list(original.items.select_related("indicator").order_by("indicator__order"))
    headers = HEADERS + [h for n in range(1, len(items) + 1) for h in (f"指标{n}", f"声明值{n}")]
    pairs = []
    for item in items:
        if item.indicator.direction == Direction.PASS_FAIL:
            value = "符合" if item.passed else "不符合"
        else:
            value = float(item.value)
        pairs += [item.indicator.name, value]
    rows = [
        [
            longest.credit_code,
            longest.name,
            original.scheme.code,
            original.product_name,
            f"{original.product_model}-补录{n}",
            original.executed_standard.number,
            "2025-04-01",
            "",
            "已发布",
            f"2025-04-0{n} 10:00",
            None,
            *pairs,
        ]
        for n in (1, 2)
    ]
    return headers, rows


def test_the_as_of_dashboard_says_later_entries_changed_the_day(new_page, live_server, shoot):
    seed_demo()
    importer = make_user(Role.BUREAU_STAFF, username="e2e_importer")
    headers, rows = historic_rows()
    plan = commit_import(DeclarationImport(), "历史记录.xlsx", xlsx(rows, headers), importer)
    assert not plan.problems, [str(p) for p in plan.problems]
    imported = set(Declaration.objects.filter(product_model__contains="-补录").values_list("pk", flat=True))
    assert len(imported) == 2
    manager = make_user(Role.MANAGER, username="e2e_manager")

    for width in WIDTHS:
        page = new_page(viewport={"width": width, "height": 900})
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("用户名").fill(manager.username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.goto(f"{live_server.url}/progress/?as_of={DAY}")
        notice = page.locator(".notice.entered-later")
        assert "该日数据已被之后补录的 2 条记录改变" in notice.inner_text()
        # Nothing of the notice runs off a phone's screen.
        box = notice.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
        shoot(page, f"{width} 截至日看板")
        if width == 1366:
            notice.get_by_role("link", name=re.compile("补录的对标结果")).click()
            rows_shown = page.locator("table.list-table tbody tr")
            assert rows_shown.count() == 2
            shoot(page, f"{width} 补录的对标结果列表")
            # Today's dashboard has no such notice.
            page.goto(f"{live_server.url}/progress/")
            assert page.locator(".notice.entered-later").count() == 0

    # The history of one imported result: its moves are 补录, with the time they were entered.
    staff = new_page(viewport={"width": 1366, "height": 900})
    staff.goto(f"{live_server.url}/accounts/login/")
    staff.get_by_label("用户名").fill(importer.username)
    staff.get_by_label("密码").fill(PASSWORD)
    staff.get_by_role("button", name="登录").click()
    staff.goto(f"{live_server.url}/review/{min(imported)}/")
    timeline = staff.locator(".timeline")
    assert timeline.locator(".tag.backdated").count() == 2
    assert "录入于" in timeline.inner_text() and "补录：历史记录导入" in timeline.inner_text()
    shoot(staff, "1366 补录的声明流转记录")
