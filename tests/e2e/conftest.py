"""A real browser for the end-to-end tests: Debian's chromium, headless, driven by Playwright.

Playwright never downloads a browser here: it is pointed at ``$CHROMIUM`` (default
/usr/bin/chromium, from ``apt install chromium fonts-noto-cjk``). Without it the tests are
skipped on a developer's machine and fail in CI (``E2E_REQUIRED=1``, set by .ci/run).
"""

import os
import re
import shutil
from pathlib import Path

import pytest

PASSWORD = "pw-for-tests-only"  # tests.factories.UserFactory's
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(
    os.environ.get("E2E_SCREENSHOTS", Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e")
)


def log_in(page, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Log in through the login form, as a person would, and check that it worked."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state("networkidle")
    assert "/accounts/login/" not in page.url, f"{username} could not log in"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        message = f"no browser at {CHROMIUM}: apt install chromium fonts-noto-cjk (or set CHROMIUM)"
        if os.environ.get("E2E_REQUIRED"):
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls
    # (fixtures, assertions) are plain synchronous code, which Django would otherwise refuse.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Django keeps its connections in context-local storage, and everything after Playwright
    # starts runs in Playwright's context: hand it the same connection objects, or the next
    # transactional test would get a fresh one without the snapshot serialized_rollback restores.
    test_connections = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        for alias, connection in test_connections.items():
            connections[alias] = connection
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def shoot(request):
    """shoot(page, "01 step name"): save the page as it looks now, under the test's folder."""
    folder = SCREENSHOTS / re.sub(r"\W+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)

    def take(page, name: str) -> Path:
        page.wait_for_load_state("networkidle")
        path = folder / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take


@pytest.fixture
def new_page(browser):
    """new_page(**context options) -> a page in a fresh browser context (its own cookies: one
    person). Every context is closed when the test ends, so no page goes on calling the live
    server after the test's data is gone."""
    contexts = []

    def make(**options):
        context = browser.new_context(locale="zh-CN", **options)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
