"""Reports on paper (PDF): a published result's 对标结果报告 and the monthly progress report.

Each reads through the selectors of the page it mirrors, so a PDF shows exactly what its page
shows to the same viewer: the result report what the public detail page shows
(``selectors.public.public_result``: a draft, a withdrawn result or another enterprise's
in the portal is the same 404); the progress report what the dashboard and its Excel report
show (the same county, office share and "as of" day, through ``views.dashboard``'s helpers).
Rendering is ``benchmarking.pdf``: offline, and a 503 page when the server lacks it.
"""

import re

import segno
from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views import View

from ..charts import trend_chart
from ..pdf import PdfUnavailable, pdf_response, render_pdf
from ..selectors.dashboard import dashboard_for
from ..selectors.public import public_result
from .anonymous_cache import AnonymousPageCacheMixin
from .dashboard import _read, _viewer_office, rollup_redirect, viewer_county
from .mixins import StaffOnlyMixin
from .portal import EnterpriseUserMixin

RESULT_TEMPLATE = "benchmarking/reports/result.html"
PROGRESS_TEMPLATE = "benchmarking/reports/progress.html"
UNAVAILABLE_TEMPLATE = "benchmarking/reports/unavailable.html"

# The trend charts' colours, put inside each chart's SVG: WeasyPrint draws an inline SVG with
# its own stylesheet only (the page's CSS does not reach stroke or fill). The dashboard's
# colours (static/css/site.css, .trend-chart), in print sizes.
CHART_STYLE = (
    "<style>"
    ".grid{stroke:#e4e8ef;stroke-width:1}"
    ".axis{stroke:#9aa3b2;stroke-width:1}"
    ".tick{font-size:13px;fill:#5b6575;font-family:'Noto Sans CJK SC'}"
    ".target{stroke:#b3261e;stroke-width:1.5;stroke-dasharray:5 4;fill:none}"
    ".target-label{font-size:13px;fill:#b3261e;font-family:'Noto Sans CJK SC'}"
    ".actual{fill:none;stroke:#1f4e8c;stroke-width:2.2;stroke-linejoin:round}"
    ".actual-end{fill:#1f4e8c}"
    ".actual-label{font-size:14px;font-weight:700;fill:#1f4e8c;font-family:'Noto Sans CJK SC'}"
    "</style>"
)

# Modules of the QR code: 3 user units each, drawn at a fixed size by the report's CSS.
QR_SCALE = 3


def _pdf_or_unavailable(request, template_name: str, context: dict, filename: str):
    try:
        content = render_pdf(template_name, context)
    except PdfUnavailable:
        # Pango (a system library) is missing on this server: say so, never a 500.
        return render(request, UNAVAILABLE_TEMPLATE, {"title": "PDF 报告暂不可用"}, status=503)
    return pdf_response(content, filename)


def _print_chart(svg: str) -> SafeString:
    """charts.trend_chart's SVG with ``CHART_STYLE`` inside it (an empty chart stays empty)."""
    if not svg:
        return svg
    head, rest = svg.split(">", 1)
    return mark_safe(f"{head}>{CHART_STYLE}{rest}")


def _safe_part(text: str) -> str:
    """A scheme code as part of a file name: no path separators or quotes."""
    return re.sub(r"[^\w.\-]+", "_", text).strip("._") or "scheme"


def result_report(request, pk: int):
    """The PDF of the published result ``pk``, or a 404 when the public page would be one."""
    result = public_result(pk)
    if result is None:
        raise Http404("没有这条公示结果。")
    public_url = settings.SITE_URL + reverse("public-result-detail", args=[result.pk])
    context = {
        "result": result,
        "public_url": public_url,
        # Inline SVG: drawn by WeasyPrint as vectors, sharp on paper, nothing to fetch.
        "qr_svg": segno.make(public_url, error="m").svg_inline(scale=QR_SCALE, border=0, dark="#000"),
        "generated_on": timezone.localdate(),
    }
    return _pdf_or_unavailable(
        request, RESULT_TEMPLATE, context, f"对标结果报告-{_safe_part(result.scheme_code)}-{result.pk}.pdf"
    )


class PublicResultReportView(AnonymousPageCacheMixin, View):
    """Anyone's: the public page's result on paper (views.public.PublicResultDetailView).
    Open to the whole internet and costly to draw, so a visitor's PDF is drawn once per
    published data and day (it prints the day) and served from the shared cache after, as the
    public pages are (views.anonymous_cache)."""

    def cache_identity_extra(self) -> str:
        return timezone.localdate().isoformat()

    def get(self, request, pk):
        return result_report(request, pk)


class PortalResultReportView(EnterpriseUserMixin, View):
    """An enterprise's own published result on paper: another enterprise's is a 404, as is
    the enterprise's own draft or withdrawn declaration (it is not a published result)."""

    def get(self, request, pk):
        if not self.own_declarations().filter(pk=pk).exists():
            raise Http404("没有这条申报记录。")
        return result_report(request, pk)


class ProgressReportView(StaffOnlyMixin, View):
    """The dashboard on paper, as of a day: the three figures against their targets, the 考核
    table, the industries and the trend charts. Scoped as ``DashboardWorkbookView``: the same
    county, the branch office's share, a roll-up viewer who named no county sent on."""

    def get(self, request):
        county = viewer_county(request)
        if county is None:
            return rollup_redirect(request)
        form, as_of, sort = _read(request)
        if form.errors:
            # As the Excel report: the dashboard shows what is wrong, next to the field.
            return redirect(reverse("progress-dashboard") + "?" + request.GET.urlencode())
        dashboard = dashboard_for(
            as_of=as_of, branch_office=_viewer_office(request.user), sort=sort, county=county, ranks=True
        )
        context = {
            "dashboard": dashboard,
            "charts": [(m, _print_chart(trend_chart(dashboard, m.key))) for m in dashboard.measures],
            "generated_on": timezone.localdate(),
        }
        scope = dashboard.branch_office.name if dashboard.branch_office else ""
        filename = f"{dashboard.county_name}千项计划进度报告{scope and '-' + scope}-{as_of:%Y-%m-%d}.pdf"
        return _pdf_or_unavailable(request, PROGRESS_TEMPLATE, context, filename)
