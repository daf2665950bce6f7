#!/usr/bin/env python3
"""Page 1 of each PDF report, as PNG images for the docs.

    .venv/bin/python scripts/pdf_pages.py      # writes docs/screenshots/pdf-*.png

It seeds the demo into a fresh SQLite file in a temporary directory (as scripts/screenshots.py
does), asks the site for the two reports through Django's test client — a published result's
对标结果报告 (the one with the most indicators) anonymously, the progress report as the demo
manager — and draws each one's first page with PDFium at 1.5× (108 dpi). No server, no browser.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
SCALE = 1.5
# Every page, for checking the layout by eye: scripts/pdf_pages.py --all /tmp/pages
ALL_PAGES = Path(sys.argv[2]) if sys.argv[1:2] == ["--all"] else None


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update(
            DJANGO_DEBUG="1",
            DATABASE_URL=f"sqlite:///{tmp}/demo.sqlite3",
            DJANGO_SETTINGS_MODULE="yongkang.settings",
            # The test client's host name.
            DJANGO_ALLOWED_HOSTS="testserver,localhost,127.0.0.1",
        )
        for command in (["migrate", "-v0"], ["seed_demo"]):
            subprocess.run(
                [sys.executable, "manage.py", *command], cwd=ROOT, check=True, stdout=subprocess.DEVNULL
            )
        sys.path.insert(0, str(ROOT))
        import logging

        import django

        django.setup()
        # WeasyPrint's progress and its notes on CSS it skips are not this script's output.
        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        import pypdfium2
        from django.contrib.auth import get_user_model
        from django.db.models import Count
        from django.test import Client
        from django.urls import reverse

        from benchmarking.selectors.public import published_results

        result = published_results().annotate(n=Count("items")).order_by("-n", "pk").first()
        pages = {
            "pdf-result-report.png": (None, reverse("public-result-report", args=[result.pk])),
            "pdf-progress-report.png": ("manager", reverse("progress-report-pdf")),
        }
        for filename, (username, url) in pages.items():
            client = Client()
            if username:
                client.force_login(get_user_model().objects.get(username=username))
            response = client.get(url)
            if response.status_code != 200 or response["Content-Type"] != "application/pdf":
                sys.exit(f"{url}: {response.status_code} {response['Content-Type']}")
            document = pypdfium2.PdfDocument(response.content)
            document[0].render(scale=SCALE).to_pil().save(OUT / filename)
            print(f"{OUT / filename}: page 1 of {len(document)} ({url})")
            if ALL_PAGES:
                ALL_PAGES.mkdir(parents=True, exist_ok=True)
                for number, page in enumerate(document, start=1):
                    page.render(scale=SCALE).to_pil().save(ALL_PAGES / f"{number}-{filename}")
            document.close()


if __name__ == "__main__":
    main()
