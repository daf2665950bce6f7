"""Reports on paper (benchmarking/pdf.py, benchmarking/views/reports.py): a published
result's 对标结果报告 and the monthly progress report, read back from the PDF itself — its
text with pypdf and its first page drawn with PDFium — plus who may download which, the
offline URL fetcher and the page when the server lacks the PDF component."""

import datetime as dt
import io
import socket
from decimal import Decimal
from urllib.parse import unquote

import pypdfium2
import pytest
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from benchmarking import pdf
from benchmarking.models import SchemeBenchmark
from benchmarking.services.declarations import (
    declaration_create,
    declaration_publish,
    declaration_withdraw,
)
from tests.conftest import sh
from tests.factories import StandardFactory
from tests.views.test_standard_updated_marks import withdraw_standard

PROGRESS = reverse("progress-report-pdf")


def public_report(pk: int) -> str:
    return reverse("public-result-report", args=[pk])


def portal_report(pk: int) -> str:
    return reverse("portal-declaration-report", args=[pk])


def pdf_text(response) -> str:
    """All the PDF's text, with the line breaks a table cell may add taken out."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "").replace(" ", "")


def squeezed(text: str) -> str:
    return text.replace(" ", "")


def first_page(content: bytes):
    """Page 1 drawn at 2× (about 144 dpi), as a greyscale PIL image."""
    document = pypdfium2.PdfDocument(content)
    try:
        return document[0].render(scale=2).to_pil().convert("L")
    finally:
        document.close()


def dark_share(image, box) -> float:
    """The share of pixels darker than mid-grey inside ``box`` (left, top, right, bottom; 0–1)."""
    width, height = image.size
    left, top, right, bottom = box
    region = image.crop((int(left * width), int(top * height), int(right * width), int(bottom * height)))
    histogram = region.histogram()
    return sum(histogram[:128]) / sum(histogram)


# ---------------------------------------------------------------------------
# the result report


@pytest.fixture
def result(enterprise, scheme, executed_standard, bureau_staff):
    """A published result on the three-indicator scheme (two core numeric indicators and a
    pass/fail one) with two benchmark standards."""
    SchemeBenchmark.objects.create(
        scheme=scheme,
        standard=StandardFactory(number="EN 12546-1:2000", title="保温容器 第1部分", kind="foreign"),
    )
    SchemeBenchmark.objects.create(
        scheme=scheme, standard=StandardFactory(number="GB/T 29606-2013", title="不锈钢真空杯"), order=2
    )
    heat, lead, look = scheme.indicators.order_by("order")
    declaration = declaration_create(
        actor=bureau_staff,
        enterprise=enterprise,
        scheme=scheme,
        product_name="真空保温杯",
        product_model="YK-500",
        executed_standard=executed_standard,
        declared_on=dt.date(2024, 6, 20),
        values={heat.pk: Decimal("13.500000"), lead.pk: Decimal("0.005000"), look.pk: True},
        at=sh(2024, 6, 20),
    )
    return declaration_publish(declaration=declaration, actor=bureau_staff, at=sh(2024, 7, 1))


def test_the_result_report_states_the_published_result(
    client, db, result, enterprise, scheme, executed_standard
):
    response = client.get(public_report(result.pk))
    text = pdf_text(response)

    public_url = settings.SITE_URL + reverse("public-result-detail", args=[result.pk])
    for expected in (
        enterprise.name,
        enterprise.credit_code,
        "真空保温杯",
        "YK-500",
        scheme.code,
        scheme.title,
        # the benchmark standards, as stored (numbers are normalised on save: — for -)
        *(
            b.standard.number
            for b in SchemeBenchmark.objects.filter(scheme=scheme).select_related("standard")
        ),
        squeezed(executed_standard.number),
        # each indicator and its declared value, as the public page shows it
        "保温效能",
        "13.5",
        "铅迁移量",
        "0.005",
        "外观",
        "符合",
        "核心",
        # the grade and how it follows, dates, the public page's address
        result.get_grade_display(),
        "2024-06-20",
        "2024-07-01",
        public_url,
    ):
        assert squeezed(expected) in text, expected


def test_the_result_report_says_when_its_standard_has_moved_on(client, db, result, scheme):
    assert "对标标准已更新" not in pdf_text(client.get(public_report(result.pk)))
    standard = SchemeBenchmark.objects.filter(scheme=scheme).select_related("standard").first().standard
    withdraw_standard(standard, by="GB/T 99999—2026")
    text = pdf_text(client.get(public_report(result.pk)))
    assert "对标标准已更新·方案待修订" in text
    assert squeezed(f"对标标准 {standard.number} 已被 GB/T 99999—2026 代替") in text
    assert "本结果按发布时的方案和标准作出，仍然有效。" in text


def test_the_result_report_explains_the_grade_as_the_public_page_does(client, db, result):
    page = client.get(reverse("public-result-detail", args=[result.pk])).context["result"]
    text = pdf_text(client.get(public_report(result.pk)))
    assert squeezed(page.grade_explained) in text
    assert squeezed(page.grade_label) in text


def test_the_result_report_is_a_named_download(client, db, result, scheme):
    response = client.get(public_report(result.pk))
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    # The Chinese name in RFC 5987's form, an ASCII one for old clients.
    encoded = disposition.split("filename*=UTF-8''")[1]
    assert unquote(encoded) == f"对标结果报告-{scheme.code}-{result.pk}.pdf"
    assert f'filename="{scheme.code}-{result.pk}.pdf"' in disposition


def test_the_result_reports_first_page_is_drawn_with_its_qr_code(client, db, result):
    image = first_page(client.get(public_report(result.pk)).content)
    width, height = image.size
    # A4 portrait at 144 dpi.
    assert abs(width / height - 210 / 297) < 0.01
    # Not blank: text and table rules over the page.
    assert 0.01 < dark_share(image, (0, 0, 1, 1)) < 0.5
    # The QR code sits top right beside the title: about half its modules are dark, far more
    # than text leaves; the same corner on the left (the title's margin) holds little ink.
    qr_corner = dark_share(image, (0.72, 0.06, 0.92, 0.2))
    assert qr_corner > 0.25, qr_corner
    assert dark_share(image, (0.0, 0.0, 0.06, 0.2)) < 0.01


@pytest.mark.parametrize("role", [None, "enterprise_user", "other_enterprise_user", "bureau_staff"])
def test_anyone_downloads_a_published_result(client, request, result, role):
    if role:
        client.force_login(request.getfixturevalue(role))
    response = client.get(public_report(result.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_only_published_results_have_a_report(client, db, enterprise, declare, bureau_staff, result):
    draft = declare(enterprise, model="DRAFT-1")
    withdrawn = declare(enterprise, model="GONE-1", published=sh(2024, 5, 1))
    declaration_withdraw(declaration=withdrawn, actor=bureau_staff, comment="数据有误", at=sh(2024, 8, 1))
    client.force_login(bureau_staff)
    for pk in (draft.pk, withdrawn.pk, result.pk + 100000):
        assert client.get(public_report(pk)).status_code == 404


def test_the_portal_offers_the_enterprises_own_published_results_only(
    client, enterprise_user, other_enterprise_user, enterprise, declare, result
):
    draft = declare(enterprise, model="DRAFT-1")
    client.force_login(enterprise_user)
    response = client.get(portal_report(result.pk))
    assert "YK-500" in pdf_text(response)
    # Its own draft is not a result yet.
    assert client.get(portal_report(draft.pk)).status_code == 404
    # Another enterprise's published result is a 404 in the portal (its public page is public).
    client.force_login(other_enterprise_user)
    assert client.get(portal_report(result.pk)).status_code == 404


def test_the_result_report_costs_a_fixed_number_of_queries(client, db, result, django_assert_num_queries):
    # The counts version (the public cache's key), then public_result: the declaration, its
    # items, its benchmark standards.
    with django_assert_num_queries(4):
        first = client.get(public_report(result.pk))
    assert first.status_code == 200


def test_a_visitors_result_report_is_drawn_once_and_kept_named(
    client, db, result, scheme, monkeypatch, django_assert_num_queries
):
    first = client.get(public_report(result.pk))
    drawn = []
    monkeypatch.setattr("benchmarking.views.reports.render_pdf", lambda *args: drawn.append(args))
    # From the shared cache: the version's query only, nothing drawn, the same file and name.
    with django_assert_num_queries(1):
        again = client.get(public_report(result.pk))
    assert drawn == []
    assert again.content == first.content
    assert again["Content-Disposition"] == first["Content-Disposition"]
    assert again["ETag"] == first["ETag"] and "public" in again["Cache-Control"]
    # A browser that has it is told so.
    assert client.get(public_report(result.pk), headers={"If-None-Match": first["ETag"]}).status_code == 304


# ---------------------------------------------------------------------------
# the progress report


def test_the_progress_report_has_the_figures_and_the_offices(
    client, records, bureau_staff, office, other_office
):
    client.force_login(bureau_staff)
    text = pdf_text(client.get(PROGRESS, {"as_of": "2024-12-31"}))
    for expected in (
        "千项计划进度报告",
        "截至2024-12-31",
        settings.BENCHMARKING_SITE_NAME,
        "发布对标技术方案",
        "完成对标企业",
        "发布对标结果",
        office.name,
        other_office.name,
        "基层所考核",
    ):
        assert squeezed(expected) in text, expected


def test_the_progress_report_counts_as_of_the_chosen_day(client, records, bureau_staff):
    """records: results of the plan's period published 2024-03-05, 2024-08-05 and 2024-09-09."""
    client.force_login(bureau_staff)
    dashboard = client.get(reverse("progress-dashboard"), {"as_of": "2024-06-30"}).context["dashboard"]
    earlier = dashboard.measure("results").count
    text = pdf_text(client.get(PROGRESS, {"as_of": "2024-06-30"}))
    later = pdf_text(client.get(PROGRESS, {"as_of": "2024-12-31"}))
    # The figures row: label, count, target (12).
    assert f"发布对标结果{earlier}12" in text
    assert f"发布对标结果{earlier}12" not in later


@pytest.mark.parametrize("as_of", ["2024-13-01", "yesterday", "2999-01-01"])
def test_a_bad_day_is_explained_on_the_dashboard(client, records, bureau_staff, as_of):
    client.force_login(bureau_staff)
    response = client.get(PROGRESS, {"as_of": as_of})
    # As the Excel report: back to the dashboard, which shows what is wrong next to the field.
    assert response.status_code == 302
    assert response.url.startswith(reverse("progress-dashboard"))
    page = client.get(response.url).content.decode()
    assert 'id="as-of-errors"' in page


def test_enterprise_users_and_anonymous_users_get_no_progress_report(client, enterprise_user):
    response = client.get(PROGRESS)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    client.force_login(enterprise_user)
    assert client.get(PROGRESS).status_code == 403


def test_branch_staff_get_their_offices_share(client, records, branch_staff, office):
    client.force_login(branch_staff)
    text = pdf_text(client.get(PROGRESS, {"as_of": "2024-12-31"}))
    assert office.name in text


def test_the_progress_reports_first_page_is_drawn(client, records, bureau_staff):
    client.force_login(bureau_staff)
    image = first_page(client.get(PROGRESS, {"as_of": "2024-12-31"}).content)
    assert 0.01 < dark_share(image, (0, 0, 1, 1)) < 0.5


@pytest.mark.parametrize("offices", [2, 12])
def test_the_progress_report_costs_the_same_queries_however_many_offices(
    client, records, bureau_staff, offices, django_assert_max_num_queries
):
    from tests.factories import BranchOfficeFactory

    for n in range(offices - 2):
        BranchOfficeFactory(name=f"第{n}市场监管所", code=f"X{n:02d}")
    client.force_login(bureau_staff)
    client.get(PROGRESS, {"as_of": "2024-12-31"})  # the session and the region tree, once
    # Read with -v: the session and user, the plan and quotas, the offices, the figures, the
    # industries, the trend and the ranks; the same at 2 and at 12 offices.
    with django_assert_max_num_queries(16):
        assert client.get(PROGRESS, {"as_of": "2024-12-30"}).status_code == 200


# ---------------------------------------------------------------------------
# offline, and a clear answer without the PDF component


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/logo.png",
        "http://127.0.0.1:8000/static/css/report.css",
        "ftp://example.com/x.css",
        "file:///etc/passwd",
        pdf.ASSET_BASE + "../../etc/passwd",
        pdf.ASSET_BASE + "css/no-such-file.css",
    ],
)
def test_the_fetcher_refuses_anything_but_the_static_files(url):
    with pytest.raises(ValueError):
        pdf.local_asset(url)


def test_the_fetcher_serves_the_reports_stylesheet():
    body, mime_type = pdf.local_asset(pdf.ASSET_BASE + "css/report.css")
    assert mime_type == "text/css"
    assert b"@page" in body


def test_rendering_makes_no_network_connection(monkeypatch, db):
    """A remote image or stylesheet in a report is left out, never fetched."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError("a report tried to reach the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    from django.template import engines

    template = engines["django"].from_string(
        '<link rel="stylesheet" href="https://example.com/x.css"><p>离线</p><img src="http://example.com/a.png">'
    )
    monkeypatch.setattr(pdf, "render_to_string", lambda name, context: template.render(context))
    content = pdf.render_pdf("any.html", {})
    assert content.startswith(b"%PDF-")
    assert attempts == []
    assert "离线" in PdfReader(io.BytesIO(content)).pages[0].extract_text()


def test_without_the_pdf_component_the_page_says_so(client, db, result, monkeypatch):
    def unavailable(template_name, context):
        raise pdf.PdfUnavailable("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr("benchmarking.views.reports.render_pdf", unavailable)
    response = client.get(public_report(result.pk))
    assert response.status_code == 503
    assert "服务器缺少生成 PDF 所需的组件" in response.content.decode()


def test_a_missing_pango_is_reported_as_unavailable(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pango(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pango)
    with pytest.raises(pdf.PdfUnavailable):
        pdf.render_pdf("benchmarking/reports/result.html", {})
