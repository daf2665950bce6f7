#!/usr/bin/env python3
"""Screenshots of the progress pages at demo size, taken with headless Chromium.

    .venv/bin/python scripts/screenshots.py            # writes docs/screenshots/*.png

It seeds the demo into a fresh SQLite file, runs the development server on a free
local port, logs in through the login form as the demo manager and the demo
branch-office user, and photographs the pages a person would see. The browser is
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
            shoot(f"http://127.0.0.1:{port}")
        finally:
            server.terminate()
            server.wait(timeout=10)


def shoot(base: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for username, password, shots in (
            (
                "manager",
                "Demo-Manager-2026",
                [
                    ("dashboard.png", "/progress/", {"width": 1280, "height": 900}, "screen"),
                    (
                        "dashboard-as-of-2025-06-30.png",
                        "/progress/?as_of=2025-06-30",
                        {"width": 1280, "height": 900},
                        "screen",
                    ),
                    ("dashboard-print.png", "/progress/", {"width": 794, "height": 1123}, "print"),
                    ("dashboard-phone.png", "/progress/", {"width": 390, "height": 844}, "screen"),
                    (
                        "declarations-list.png",
                        "/declarations/?status=published&sort=-published_at",
                        {"width": 1280, "height": 900},
                        "screen",
                    ),
                ],
            ),
            (
                "branch",
                "Demo-Branch-2026",
                [("dashboard-branch-office.png", "/progress/", {"width": 1280, "height": 900}, "screen")],
            ),
        ):
            context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
            page = context.new_page()
            page.goto(base + "/accounts/login/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", password)
            page.click("button[type=submit]")
            page.wait_for_load_state()
            for name, path, viewport, media in shots:
                page.set_viewport_size(viewport)
                page.emulate_media(media=media)
                page.goto(base + path)
                page.screenshot(path=str(OUT / name), full_page=True)
                print(f"wrote docs/screenshots/{name}")
            if username == "manager":
                # What "print" gives a manager: the dashboard on A4 pages.
                page.emulate_media(media="print")
                page.goto(base + "/progress/")
                page.pdf(path=str(OUT / "dashboard-a4.pdf"), format="A4", print_background=True)
                print("wrote docs/screenshots/dashboard-a4.pdf")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
