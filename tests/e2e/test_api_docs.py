"""In a real browser: the API's documentation page (Swagger UI from the app's own static files)
loads under the site's Content-Security-Policy with nothing refused, lists the three parts in
order, and fits a phone. Screenshots in ``test-artifacts/e2e/``."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("width", [390, 1366])
def test_the_api_docs_load_offline_under_the_csp(new_page, live_server, shoot, width):
    page = new_page(viewport={"width": width, "height": 900})
    errors, requests = [], []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.get_by_role("heading", name="永康市对标达标工作台 开放接口").wait_for()
    tags = page.locator(".opblock-tag").all_inner_texts()
    assert [tag.split("\n")[0] for tag in tags] == ["公开：结果公示与数字", "工作人员", "企业：本企业的声明"]
    assert page.get_by_text("/api/v1/public/results/", exact=True).first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shoot(page, f"api docs {width}")
    # Nothing from another origin (no CDN), and nothing the policy refused.
    assert all(url.startswith(live_server.url) or url.startswith("data:") for url in requests), requests
    assert errors == []
