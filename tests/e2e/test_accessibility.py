"""axe-core (axe-playwright-python, run in the same Debian chromium) over every role's pages,
at a phone's width and the office's usual 1366 px: no serious or critical violation.

The test prints the pages × widths it checked and the count of violations by impact, so the
minor ones stay visible too.
"""

from collections import Counter

import pytest

from benchmarking.demo.seed import seed_demo
from tests.e2e.role_pages import demo_pages, walk

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = (390, 1366)
BLOCKING = {"serious", "critical"}


def test_no_serious_or_critical_accessibility_violations(new_page, live_server, capsys):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    seed_demo()
    pages = demo_pages()
    by_impact: Counter[str] = Counter()
    blocking, checked = [], 0
    for role_page, width, page in walk(new_page, live_server.url, pages, WIDTHS):
        violations = axe.run(page).response["violations"]
        checked += 1
        for violation in violations:
            by_impact[violation["impact"]] += len(violation["nodes"])
            if violation["impact"] in BLOCKING:
                targets = ", ".join(str(node["target"]) for node in violation["nodes"][:3])
                blocking.append(
                    f"{role_page.who} {role_page.label} {role_page.path} @{width}: "
                    f"{violation['impact']} {violation['id']} ({violation['help']}) at {targets}"
                )
    with capsys.disabled():
        counts = "，".join(
            f"{impact} {by_impact[impact]}" for impact in ("critical", "serious", "moderate", "minor")
        )
        print(
            f"\n无障碍检查 (axe-core)：{len(pages)} 个页面 × {len(WIDTHS)} 种宽度 ({', '.join(map(str, WIDTHS))} px)"
            f" = {checked} 次检查；违规元素 {counts}"
        )
    assert checked == len(pages) * len(WIDTHS)
    assert not blocking, "\n".join(blocking[:60])
