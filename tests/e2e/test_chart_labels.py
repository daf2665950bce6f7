"""In a real browser, on the demo: every label of the progress dashboard's trend charts (axis
ticks, years, the target and the count) is drawn at least 12 px tall at 100 % zoom, on a
1366 px desktop and on a 390 px phone, as the bureau's staff see it (benchmarking/charts.py).

The size measured is the one on screen: the text's computed font size (in the chart's viewBox
units) times the scale the SVG is drawn at (getScreenCTM), which is what the viewBox shrinks.
Each page is saved as a PNG in ``test-artifacts/e2e/``.
"""

import pytest

from benchmarking.demo.seed import seed_demo
from tests.e2e.role_pages import PASSWORDS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SMALLEST_LABEL_PX = 12

RENDERED_LABELS = """() => [...document.querySelectorAll('svg.trend-chart text')].map(text => ({
    text: text.textContent,
    px: parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a,
}))"""


def test_every_chart_label_is_legible_at_100_percent(new_page, live_server, shoot):
    seed_demo()
    for width in (1366, 390):
        page = new_page(viewport={"width": width, "height": 900})
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("用户名").fill("bureau")
        page.get_by_label("密码").fill(PASSWORDS["bureau"])
        with page.expect_navigation():
            page.get_by_role("button", name="登录").click()
        page.goto(f"{live_server.url}/progress/")

        labels = page.evaluate(RENDERED_LABELS)
        shoot(page, f"progress {width}")
        # Three charts, each with its y ticks, its years, the target and the count.
        assert page.locator("svg.trend-chart").count() == 3
        assert len(labels) >= 3 * 5, labels
        assert any(label["text"].startswith("目标") for label in labels)
        small = [label for label in labels if label["px"] < SMALLEST_LABEL_PX]
        assert not small, (width, small)
