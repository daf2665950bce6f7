"""In a real browser: the error pages fit a phone and a laptop, keep the header, and their
返回上一页 goes back (a local script: the Content-Security-Policy allows no inline handler).
Screenshots in ``test-artifacts/e2e/``."""

import pytest

from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("width", [390, 1366])
def test_error_pages_fit_and_lead_back(new_page, live_server, shoot, enterprise_user, width):
    page = new_page(viewport={"width": width, "height": 800})
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    log_in(page, live_server.url, enterprise_user.username)
    start = page.url

    for path, status, title in [
        ("/no-such-page/", 404, "页面不存在"),
        ("/progress/", 403, "无权访问"),  # staff only
        ("/accounts/logout/", 405, "无法以这种方式访问"),  # POST only
    ]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == status
        assert page.get_by_role("heading", name=title).is_visible()
        assert page.locator(".site-header").is_visible()
        assert page.evaluate("document.documentElement.lang") == "zh-CN"
        # Nothing wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shoot(page, f"{status} {width}")
        back = page.get_by_role("link", name="返回上一页")
        assert back.is_visible()
        back.click()
        page.wait_for_url(start)

    # The Content-Security-Policy refused nothing the pages asked for (the script, the icon).
    assert [e for e in errors if "Content Security Policy" in e] == []
