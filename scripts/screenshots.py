#!/usr/bin/env python3
"""Screenshots of every role's pages at demo size, taken with headless Chromium.

    .venv/bin/python scripts/screenshots.py            # writes docs/screenshots/*.png
    .venv/bin/python scripts/screenshots.py reminders  # only the files whose names contain "reminders"

It seeds the demo into a fresh SQLite file, runs the development server on a free
local port, logs in through the login form as each demo login (and as a visitor), and
photographs the pages a person would see, at 390, 1366 and 1920 px wide. The browser is
Debian's chromium (apt install chromium fonts-noto-cjk), never a downloaded one;
set CHROMIUM to use another binary.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.3)
    sys.exit(f"the server did not start on port {port}")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{tmp}/demo.sqlite3",
            "DJANGO_SETTINGS_MODULE": "yongkang.settings",
        }
        for command in (["migrate", "-v0"], ["seed_demo"]):
            subprocess.run(
                [PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
            )
        port = free_port()
        server = subprocess.Popen(
            [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(port)
            os.environ.update(env)  # this process reads the same demo database for the records' ids
            sys.path.insert(0, str(ROOT))
            shoot(f"http://127.0.0.1:{port}", only=sys.argv[1:])
        finally:
            server.terminate()
            server.wait(timeout=10)


PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
MONITOR = {"width": 1920, "height": 1080}


def shots_by_login() -> dict[str, list[tuple[str, str, dict, str]]]:
    """(file, path, viewport, media) per demo login, media being screen, print, first-screen
    (the viewport's first screenful only) or "element:<CSS selector>" (that element only); the records are the demo's hardest cases
    (benchmarking.demo.showcase), the same the browser tests measure."""
    import django

    django.setup()
    from benchmarking.demo.showcase import api_token_samples, demo_showcase

    showcase = demo_showcase()
    tokens_enterprise = api_token_samples()
    return {
        "bureau": [
            ("home-bureau.png", "/", LAPTOP, "screen"),
            ("review-queue-1366.png", "/review/", LAPTOP, "screen"),
            ("review-detail.png", f"/review/{showcase.oldest_waiting.pk}/", LAPTOP, "screen"),
            ("declarations-list-1366.png", "/declarations/", LAPTOP, "screen"),
            ("declarations-list-1920.png", "/declarations/", MONITOR, "screen"),
            ("declarations-list-phone.png", "/declarations/", PHONE, "screen"),
            # Standards over time: the schemes to revise, and the list's 需修订 / 已修订 marks.
            ("schemes-needing-revision.png", "/schemes/needing-revision/", LAPTOP, "screen"),
            ("schemes-needing-revision-1920.png", "/schemes/needing-revision/", MONITOR, "screen"),
            ("schemes-needing-revision-phone.png", "/schemes/needing-revision/", PHONE, "screen"),
            ("scheme-list-revision-marks.png", "/schemes/?q=YKDB-2024-00", LAPTOP, "first-screen"),
            ("reminders-bureau.png", "/reminders/", LAPTOP, "screen"),
            ("enterprise-page.png", f"/enterprises/{showcase.most_quality_records.pk}/", LAPTOP, "screen"),
            (
                "enterprise-page-1920.png",
                f"/enterprises/{showcase.most_quality_records.pk}/",
                MONITOR,
                "screen",
            ),
            (
                "enterprise-page-phone.png",
                f"/enterprises/{showcase.most_quality_records.pk}/",
                PHONE,
                "screen",
            ),
            ("404.png", "/no-such-page/", LAPTOP, "screen"),
            # 接口令牌: an enterprise's logins' tokens for its staff, just after making one (the
            # secret shown once); the bureau's own page on a phone (the header's links fit).
            (
                "api-tokens-enterprise-1366.png",
                f"/enterprises/{tokens_enterprise}/api-tokens/",
                LAPTOP,
                CREATE_TOKEN,
            ),
            (
                "api-tokens-enterprise-1920.png",
                f"/enterprises/{tokens_enterprise}/api-tokens/",
                MONITOR,
                "screen",
            ),
            (
                "api-tokens-enterprise-phone.png",
                f"/enterprises/{tokens_enterprise}/api-tokens/",
                PHONE,
                "screen",
            ),
            ("api-tokens-bureau-phone.png", "/account/api-tokens/", PHONE, "screen"),
        ],
        "manager": [
            ("home-manager.png", "/", LAPTOP, "screen"),
            ("dashboard.png", "/progress/", LAPTOP, "screen"),
            ("dashboard-ranks.png", "/progress/", {"width": 1366, "height": 420}, "first-screen"),
            ("dashboard-as-of-2025-06-30.png", "/progress/?as_of=2025-06-30", LAPTOP, "screen"),
            ("dashboard-print.png", "/progress/", {"width": 794, "height": 1123}, "print"),
            ("dashboard-phone.png", "/progress/", PHONE, "screen"),
            ("enterprises-list-1920.png", "/enterprises/", MONITOR, "screen"),
            ("403.png", "/imports/", LAPTOP, "screen"),
            # The 质量强市 section as of the demo's last day: the bureau's article's figures.
            ("dashboard-quality.png", "/progress/?as_of=2026-11-20", LAPTOP, "element:.quality-figures"),
            (
                "dashboard-quality-1920.png",
                "/progress/?as_of=2026-11-20",
                MONITOR,
                "element:.quality-figures",
            ),
            ("dashboard-quality-phone.png", "/progress/?as_of=2026-11-20", PHONE, "element:.quality-figures"),
            ("quality-zhejiang-made.png", "/quality/zhejiang-made/?as_of=2026-11-20", LAPTOP, "first-screen"),
            (
                "quality-pin-enterprises-phone.png",
                "/quality/pin-certificates/?as_of=2026-11-20",
                PHONE,
                "screen",
            ),
            ("reminders-manager.png", "/reminders/", LAPTOP, "screen"),
            ("reminders-manager-1920.png", "/reminders/", MONITOR, "screen"),
        ],
        # Above the county: the province's and 金华's roll-ups, and a county opened from them.
        "zhejiang": [
            ("region-province-top.png", "/regions/330000/", {"width": 1366, "height": 1250}, "first-screen"),
            ("region-province.png", "/regions/330000/", LAPTOP, "screen"),
            ("region-province-1920.png", "/regions/330000/", MONITOR, "screen"),
            ("region-province-phone.png", "/regions/330000/", PHONE, "screen"),
        ],
        "jinhua": [
            ("region-jinhua.png", "/regions/330700/", LAPTOP, "screen"),
            ("dashboard-from-jinhua.png", "/progress/?region=330784", LAPTOP, "screen"),
        ],
        "branch": [
            ("home-branch.png", "/", LAPTOP, "screen"),
            ("dashboard-branch-office.png", "/progress/", LAPTOP, "screen"),
        ],
        "enterprise_a": [
            ("home-enterprise-phone.png", "/portal/", PHONE, "screen"),
            ("portal-schemes-phone.png", "/portal/new/", PHONE, "screen"),
            ("portal-form-phone.png", f"/portal/new/{showcase.longest_scheme.pk}/", PHONE, "screen"),
            (
                "portal-check-phone.png",
                f"/portal/declarations/{showcase.editable.pk}/submit/",
                PHONE,
                "screen",
            ),
            ("portal-returned-phone.png", f"/portal/declarations/{showcase.editable.pk}/", PHONE, "screen"),
            (
                "portal-standard-updated.png",
                f"/portal/declarations/{showcase.standard_updated.pk}/",
                LAPTOP,
                "first-screen",
            ),
            (
                "portal-standard-updated-phone.png",
                f"/portal/declarations/{showcase.standard_updated.pk}/",
                PHONE,
                "screen",
            ),
            ("portal-home-1920.png", "/portal/", MONITOR, "screen"),
            ("reminders-enterprise-phone.png", "/reminders/", PHONE, "screen"),
            ("api-tokens-own-phone.png", "/account/api-tokens/", PHONE, CREATE_TOKEN),
            ("api-tokens-own-1366.png", "/account/api-tokens/", LAPTOP, "screen"),
            ("api-tokens-own-1920.png", "/account/api-tokens/", MONITOR, "screen"),
        ],
        "": [
            ("public-results-phone.png", "/public/results/", PHONE, "screen"),
            ("public-result.png", f"/public/results/{showcase.longest_public.pk}/", LAPTOP, "screen"),
            (
                "public-result-standard-updated.png",
                f"/public/results/{showcase.standard_updated.pk}/",
                LAPTOP,
                "first-screen",
            ),
        ],
    }


# A media value: fill the page's 创建令牌 form with the longest 用途 and photograph the page it
# leads to, the one that shows the new secret.
CREATE_TOKEN = "create-token"


def shoot(base: str, only: list[str] | None = None) -> None:
    shots = shots_by_login()  # before Playwright's event loop starts: the ORM is synchronous
    if only:
        shots = {
            username: [shot for shot in login_shots if any(part in shot[0] for part in only)]
            for username, login_shots in shots.items()
        }
        shots = {username: login_shots for username, login_shots in shots.items() if login_shots}
    from benchmarking.demo.names import LOGINS
    from benchmarking.demo.province import REGION_LOGINS
    from benchmarking.demo.showcase import LONGEST_TOKEN_NAME

    passwords = {login.username: login.password for login in (*LOGINS, *REGION_LOGINS)}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for username, login_shots in shots.items():
            context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
            page = context.new_page()
            if username:
                page.goto(base + "/accounts/login/")
                page.fill("input[name=username]", username)
                page.fill("input[name=password]", passwords[username])
                page.click("button[type=submit]")
                page.wait_for_load_state()
            for name, path, viewport, media in login_shots:
                page.set_viewport_size(viewport)
                # "first-screen": what the viewport shows on opening, not the whole page.
                page.emulate_media(media="print" if media == "print" else "screen")
                page.goto(base + path)
                if media == CREATE_TOKEN:
                    page.fill("input[name=name]", LONGEST_TOKEN_NAME)
                    page.click(".token-form button[type=submit]")
                    page.wait_for_load_state()
                if media.startswith("element:"):
                    page.locator(media.removeprefix("element:")).screenshot(path=str(OUT / name))
                else:
                    page.screenshot(path=str(OUT / name), full_page=media != "first-screen")
                print(f"wrote docs/screenshots/{name}")
            if username == "manager" and not only:
                # What "print" gives a manager: the dashboard on A4 pages.
                page.emulate_media(media="print")
                page.goto(base + "/progress/")
                page.pdf(path=str(OUT / "dashboard-a4.pdf"), format="A4", print_background=True)
                print("wrote docs/screenshots/dashboard-a4.pdf")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
