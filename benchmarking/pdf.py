"""Reports on paper: a template rendered to PDF with WeasyPrint, offline.

The PDF is drawn from the same selectors as the pages it mirrors; this module only turns HTML
into PDF bytes. Two promises:

* No network. A report is rendered on the server, from data the bureau holds: its stylesheet
  is read from the project's own static files through ``LocalAssetFetcher``, which refuses
  every other address (http, https, ftp, any other file on the disk), so a value typed by an
  enterprise that looks like a URL cannot make the server fetch anything. The fonts come
  from the system's fontconfig (the Noto CJK fonts), not from a URL.
* No 500 when the PDF component is missing. WeasyPrint needs Pango, a system library; on a
  machine without it importing WeasyPrint raises OSError. It is imported lazily here, and
  ``PdfUnavailable`` lets the views answer a clear 503 page instead.
"""

import mimetypes
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.encoding import escape_uri_path

__all__ = [
    "ASSET_BASE",
    "PdfUnavailable",
    "local_asset",
    "pdf_response",
    "render_pdf",
]

# The base URL of every report: relative links in the templates (``css/report.css``) resolve
# under it, and the fetcher serves what is under it from the static files, nothing else. Not
# a real place on the disk: the path after it is looked up by the staticfiles finders.
ASSET_BASE = "file:///report-assets/"

# The font every report is set in (static/css/report.css names it too): Simplified Chinese
# forms, installed with fonts-noto-cjk.
FONT_FAMILY = "Noto Sans CJK SC"


class PdfUnavailable(Exception):
    """The server cannot render PDFs: WeasyPrint or the system libraries it needs are missing."""


def local_asset(url: str) -> tuple[bytes, str]:
    """The bytes and MIME type of the static file ``url`` names under ``ASSET_BASE``.

    Raises ValueError for anything else: another scheme (http, https, ftp, data…), another
    file path, a path that climbs out of the static directories, a file that is not there."""
    if not url.startswith(ASSET_BASE):
        raise ValueError(f"报告只使用本站的静态文件，拒绝读取：{url}")
    relative = unquote(urlsplit(url).path).removeprefix(urlsplit(ASSET_BASE).path)
    if not relative or relative.startswith("/") or ".." in Path(relative).parts:
        raise ValueError(f"报告只使用本站的静态文件，拒绝读取：{url}")
    try:
        found = finders.find(relative)
    except SuspiciousFileOperation as error:
        raise ValueError(f"报告只使用本站的静态文件，拒绝读取：{url}") from error
    if not found and settings.STATIC_ROOT:
        # A deployment that serves collected files only (no source static directories).
        candidate = Path(settings.STATIC_ROOT) / relative
        found = (
            str(candidate)
            if candidate.resolve().is_relative_to(Path(settings.STATIC_ROOT).resolve())
            else None
        )
    if not found or not Path(found).is_file():
        raise ValueError(f"没有这个静态文件：{relative}")
    mime_type = mimetypes.guess_type(relative)[0] or "application/octet-stream"
    return Path(found).read_bytes(), mime_type


def _fetcher():
    """WeasyPrint's URL fetcher limited to ``local_asset`` (built here: WeasyPrint is imported
    lazily)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalAssetFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            body, mime_type = local_asset(url)
            return URLFetcherResponse(url, body, {"Content-Type": mime_type})

    return LocalAssetFetcher(allowed_protocols=("file",))


def render_pdf(template_name: str, context: dict) -> bytes:
    """The template rendered to PDF bytes (A4, the page CSS in static/css/report.css).

    Raises PdfUnavailable when WeasyPrint cannot be loaded."""
    try:
        import weasyprint
    except (ImportError, OSError) as error:
        raise PdfUnavailable(str(error)) from error
    html = render_to_string(template_name, {"font_family": FONT_FAMILY, **context})
    document = weasyprint.HTML(string=html, base_url=ASSET_BASE, url_fetcher=_fetcher())
    return document.write_pdf()


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    """A PDF download named ``filename`` (Chinese allowed): an ASCII fallback name for old
    clients and the real one in RFC 5987's ``filename*``."""
    response = HttpResponse(content, content_type="application/pdf")
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "", filename).strip("-_.")
    if not fallback.endswith(".pdf") or fallback == "pdf":
        fallback = "report.pdf"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{escape_uri_path(filename)}"
    )
    return response
