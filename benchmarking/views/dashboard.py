"""The 千项计划 progress dashboard of a county and its .xlsx report.

A county's staff (and its offices') see their own county; a prefecture's or the province's open
any county under them with ``?region=<county code>``, and without it go to their roll-up."""

import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.generic import TemplateView, View

from ..access import branch_office_id_of, is_branch_office_staff, region_scope_of
from ..charts import trend_chart
from ..exports import dashboard_sheets, xlsx_response
from ..models import BranchOffice
from ..regions import RegionLevel, RegionScope, level_of_code
from ..selectors import progress
from ..selectors.dashboard import OFFICE_SORTS, dashboard_for
from ..selectors.quality import quality_figures
from ..selectors.ranks import county_tree
from ..validators import validate_as_of_day
from .links import MEASURE_LISTS, counted_list_url
from .mixins import ReplicaReadsMixin, StaffOnlyMixin
from .viewer_cache import ViewerPageCacheMixin

SORT_CHOICES = [(key, key) for key in OFFICE_SORTS] + [(f"-{key}", f"-{key}") for key in OFFICE_SORTS]


class DashboardForm(forms.Form):
    """The dashboard's URL parameters: the "as of" day and the 考核 table's order."""

    as_of = forms.DateField(
        label="截至日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "请输入有效日期，例如 2026-06-30。"},
    )
    sort = forms.ChoiceField(
        required=False, choices=SORT_CHOICES, error_messages={"invalid_choice": "无法按该列排序。"}
    )

    def clean_as_of(self):
        day = self.cleaned_data["as_of"]
        if day:
            validate_as_of_day(day)
        return day or timezone.localdate()


def _viewer_office_id(user) -> int | None:
    """Branch-office staff see their own office's share; everyone else the whole city (None).
    From the user's profile, which comes with the user: no query."""
    if not is_branch_office_staff(user):
        return None
    office_id = branch_office_id_of(user)
    if office_id is None:
        # A branch login not yet tied to an office has no share to show.
        raise PermissionDenied("该账号尚未关联基层市场监管所，请联系市局管理员。")
    return office_id


def _viewer_office(user) -> BranchOffice | None:
    office_id = _viewer_office_id(user)
    return BranchOffice.objects.get(pk=office_id) if office_id else None


def viewer_county(request) -> str | None:
    """The county whose dashboard ``request`` opens: a county's viewer their own (a ``?region``
    naming another county is a 404); a viewer above a county the one ``?region`` names, when it is
    a county-level unit under them, else a 404 (an unknown or malformed code too, never a 500);
    None when they name none (their page is their region's roll-up). No query for a county's
    viewer; the stored tree, from the shared cache, for one above."""
    scope = region_scope_of(request.user)
    requested = request.GET.get("region", "").strip()
    if scope.is_county:
        if requested and requested != scope.code:
            raise Http404("没有这个地区的进度页面。")
        return scope.code
    if not requested:
        return None
    well_formed = len(requested) == 6 and requested.isascii() and requested.isdigit()
    if not (
        well_formed
        and level_of_code(requested) == RegionLevel.COUNTY
        and scope.covers(requested)
        and requested in county_tree()
    ):
        raise Http404("没有这个地区的进度页面。")
    return requested


def rollup_redirect(request):
    """A viewer above a county who named none: to their region's roll-up."""
    return redirect(reverse("region_dashboard", args=[region_scope_of(request.user).code]))


def _read(request) -> tuple[DashboardForm, dt.date, str]:
    form = DashboardForm(request.GET)
    if form.is_valid():
        return form, form.cleaned_data["as_of"], form.cleaned_data["sort"] or "rank"
    return form, timezone.localdate(), "rank"


def quality_card(
    as_of: dt.date,
    region: RegionScope,
    *,
    branch_office_id: int | None = None,
    linked: bool = True,
    county_param: str | None = None,
) -> dict:
    """The 质量强市 card's context (templates/benchmarking/_quality_card.html): the figures of
    ``region`` (or one office's share) as of the day, three queries (selectors.quality), and each
    figure's list for the same day (views.quality), narrowed by ``county_param`` when the viewer's
    lists span more than the county. ``linked`` False: the viewer's lists would not hold exactly
    these records (a roll-up of another region than theirs), so the figures are not links."""

    def url(name, new=False):
        query = {
            "as_of": as_of.isoformat(),
            **({"new": "1"} if new else {}),
            **({"region": county_param} if county_param else {}),
        }
        return f"{reverse(name)}?{urlencode(query)}"

    urls = {
        "standards": url("quality-zhejiang-made"),
        "standards_new": url("quality-zhejiang-made", new=True),
        "pin": url("quality-pin-enterprises"),
        "pin_new": url("quality-pin-enterprises", new=True),
        "belt_road": url("quality-belt-road"),
        "belt_road_new": url("quality-belt-road", new=True),
    }
    return {
        "quality": quality_figures(as_of, region=region, branch_office_id=branch_office_id),
        "quality_urls": urls if linked else None,
    }


class DashboardView(StaffOnlyMixin, ReplicaReadsMixin, ViewerPageCacheMixin, TemplateView):
    """The page around the dashboard is the viewer's (their name, the logout form's CSRF
    token); its content is the same for everyone who sees one scope on one day, so it is
    rendered once per counts version and served from the cache until the next write that
    changes a figure, a target or a name (see models.CountsVersion). The whole page, layout
    included, is also kept per viewer (views.viewer_cache): a warm page is the session, the
    user, the counts version and that one entry."""

    template_name = "benchmarking/dashboard.html"
    body_template_name = "benchmarking/dashboard_body.html"

    def get(self, request, *args, **kwargs):
        # Before the page cache: which county, and whether this viewer may open it.
        self.county = viewer_county(request)
        if self.county is None:
            return rollup_redirect(request)
        # Opened from above (a prefecture's or the province's viewer): the page names the county
        # and its links keep it.
        self.from_above = not region_scope_of(request.user).is_county
        return super().get(request, *args, **kwargs)

    def viewer_page_cacheable(self) -> bool:
        # The viewer's own mistyped parameters are shown back to them, never cached. A branch
        # login without an office is refused here, before anything is read from the cache.
        _viewer_office_id(self.request.user)
        return not self.request.GET or not _read(self.request)[0].errors

    def get_context_data(self, **kwargs):
        form, as_of, sort = _read(self.request)
        office_id = _viewer_office_id(self.request.user)
        # Read once (by ViewerPageCacheMixin when it ran): the page is cached under it, and so
        # are the figures it is rendered from.
        version = getattr(self, "counts_version", None)
        if version is None:
            version = progress.counts_version()
        county, from_above = self.county, self.from_above
        if form.errors:
            # The viewer's own mistyped parameters, shown back to them: never cached.
            body = self.render_body(form, as_of, sort, office_id, version)
        else:
            # A warm page is the session, the user (both from the shared cache), the counts
            # version and this entry: the office is read only to render.
            body = progress.cached_counts(
                f"dashboard-page:{get_language()}:{timezone.localdate()}:{county}:{from_above:d}:"
                f"{as_of}:{office_id or 'city'}:{sort}",
                lambda: self.render_body(form, as_of, sort, office_id, version),
                version=version,
            )
        return {**super().get_context_data(**kwargs), "body": body}

    def render_body(self, form, as_of, sort, office_id, version) -> str:
        # Rendered without the request: nothing of one viewer may end up in the cache.
        office = BranchOffice.objects.get(pk=office_id) if office_id else None
        return render_to_string(
            self.body_template_name,
            self.body_context(
                form, as_of, sort, office, version, county=self.county, from_above=self.from_above
            ),
        )

    def body_context(self, form, as_of, sort, office, version=None, *, county=None, from_above=False) -> dict:
        dashboard = dashboard_for(
            as_of=as_of, branch_office=office, sort=sort, version=version, county=county, ranks=True
        )
        office_id = office.pk if office else None
        # Opened from above, a figure's list is narrowed to the county (filters: ``region``, the
        # lists' county filter for viewers above a county); a county's own lists are its own.
        in_county = {"region": dashboard.county} if from_above else {}
        # Schemes are every county's to read: where other counties count too (they are ranked),
        # a county's scheme figure lists the schemes its county published (its own viewers too).
        schemes_in_county = {"region": dashboard.county} if from_above or dashboard.ranks else {}
        list_for = {
            "schemes": lambda **f: counted_list_url(
                MEASURE_LISTS["schemes"], as_of, **schemes_in_county, **f
            ),
            "enterprises": lambda **f: counted_list_url(
                MEASURE_LISTS["enterprises"], as_of, branch_office=office_id, **in_county, **f
            ),
            "results": lambda **f: counted_list_url(
                MEASURE_LISTS["results"], as_of, branch_office=office_id, **in_county, **f
            ),
        }
        # Opened from above, the county travels with every link that stays on the dashboard.
        region_query = {"region": dashboard.county} if from_above else {}
        query = {**region_query, **({"as_of": as_of.isoformat()} if not dashboard.is_today else {})}
        # The 质量强市 card: three queries, cached with the page.
        quality = quality_card(
            as_of,
            RegionScope(dashboard.county),
            branch_office_id=office_id,
            county_param=dashboard.county if from_above else None,
        )
        return {
            "form": form,
            "dashboard": dashboard,
            **quality,
            "sort": sort,
            "from_above": from_above,
            "today_url": "?" + urlencode(region_query),
            "measures": [(m, list_for[m.key](), trend_chart(dashboard, m.key)) for m in dashboard.measures],
            "offices": [
                (
                    row,
                    counted_list_url("enterprise-list", as_of, branch_office=row.office.pk, **in_county),
                    counted_list_url("declaration-list", as_of, branch_office=row.office.pk, **in_county),
                )
                for row in dashboard.offices
            ],
            "industries": [
                (
                    row,
                    list_for["schemes"](industry=row.industry.pk),
                    list_for["enterprises"](industry=row.industry.pk),
                    list_for["results"](industry=row.industry.pk),
                )
                for row in dashboard.industries
            ],
            "sort_links": {
                key: "?" + urlencode({**query, "sort": key if sort != key else f"-{key}"})
                for key in OFFICE_SORTS
            },
            # The records behind the "changed by later entries" notice of a past day.
            "entered_later_urls": {
                "results": counted_list_url(
                    "declaration-list",
                    as_of,
                    branch_office=office_id,
                    entered_after=as_of.isoformat(),
                    **in_county,
                ),
                "schemes": counted_list_url(
                    "scheme-list", as_of, entered_after=as_of.isoformat(), **schemes_in_county
                ),
            },
            "report_url": reverse("progress-report") + ("?" + urlencode(query) if query else ""),
            # The same day and county on paper (views.reports.ProgressReportView).
            "report_pdf_url": reverse("progress-report-pdf") + ("?" + urlencode(query) if query else ""),
        }


class DashboardWorkbookView(StaffOnlyMixin, View):
    """The dashboard as an .xlsx workbook: summary (with the county's rank statements), offices,
    industries, monthly trend. The same county as the dashboard (``viewer_county``)."""

    def get(self, request):
        county = viewer_county(request)
        if county is None:
            return rollup_redirect(request)
        form, as_of, sort = _read(request)
        if form.errors:
            # The dashboard shows what is wrong with the parameters, next to the field.
            return redirect(reverse("progress-dashboard") + "?" + request.GET.urlencode())
        dashboard = dashboard_for(
            as_of=as_of, branch_office=_viewer_office(request.user), sort=sort, county=county, ranks=True
        )
        # Opened from above, the file names its county: a prefecture's staff download several.
        named = dashboard.county_name if not region_scope_of(request.user).is_county else ""
        return xlsx_response(f"{named}千项计划进度_{as_of:%Y-%m-%d}.xlsx", dashboard_sheets(dashboard))
