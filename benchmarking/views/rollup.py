"""The roll-up dashboards of a prefecture and of the province, and the yearly statistics
workbook of a viewer's region (docs/domain.md, "Roll-ups")."""

import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.mixins import AccessMixin
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.generic import TemplateView, View

from ..access import enterprise_scope, may_read_staff_pages, region_scope_of
from ..charts import trend_chart
from ..exports import xlsx_response
from ..regions import RegionLevel, RegionScope, level_of_code
from ..selectors import progress
from ..selectors.rollup import ROLLUP_SORTS, region_rollup
from ..statistics import statistics_filename, statistics_sheets
from ..validators import EARLIEST_RECORD_DATE
from .dashboard import DashboardForm, quality_card
from .links import MEASURE_LISTS, counted_list_url
from .mixins import ReplicaReadsMixin
from .viewer_cache import ViewerPageCacheMixin

SORT_CHOICES = [(key, key) for key in ROLLUP_SORTS] + [(f"-{key}", f"-{key}") for key in ROLLUP_SORTS]


class RollupForm(DashboardForm):
    """The county dashboard's parameters, "as of" read and checked the same way; the table
    sorts by region or by a figure."""

    sort = forms.ChoiceField(
        required=False, choices=SORT_CHOICES, error_messages={"invalid_choice": "无法按该列排序。"}
    )


def _read(request) -> tuple[RollupForm, dt.date, str]:
    form = RollupForm(request.GET)
    if form.is_valid():
        return form, form.cleaned_data["as_of"], form.cleaned_data["sort"] or "region"
    return form, timezone.localdate(), "region"


def may_open_rollup(user, code: str) -> bool:
    """A prefecture's page: its own staff and managers and the province's; the province's page:
    the province's. Never a county's code (its dashboard is ``progress-dashboard?region=``),
    never a county's staff, never an enterprise user."""
    if not may_read_staff_pages(user) or not (len(code) == 6 and code.isascii() and code.isdigit()):
        return False
    viewer = region_scope_of(user)
    level = level_of_code(code)
    if viewer.level == RegionLevel.PROVINCE:
        return level != RegionLevel.COUNTY and code[:2] == viewer.code[:2]
    return viewer.level == RegionLevel.PREFECTURE and level == RegionLevel.PREFECTURE and code == viewer.code


class StaffAbove404Mixin(AccessMixin):
    """Anonymous users go to the login page, as on every staff page; anyone logged in who may not
    open the region's page gets a 404, which does not confirm that the page exists."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not may_open_rollup(request.user, kwargs["code"]):
            raise Http404("没有这个地区的汇总页面。")
        return super().dispatch(request, *args, **kwargs)


class RegionDashboardView(StaffAbove404Mixin, ReplicaReadsMixin, ViewerPageCacheMixin, TemplateView):
    """A prefecture's or the province's roll-up. As the county dashboard: the content is the
    same for every viewer of one region on one day, rendered once per counts version; the
    whole page is also kept per viewer (views.viewer_cache)."""

    template_name = "benchmarking/region_dashboard.html"
    body_template_name = "benchmarking/region_dashboard_body.html"

    def viewer_page_cacheable(self) -> bool:
        return not self.request.GET or not _read(self.request)[0].errors

    def get_context_data(self, **kwargs):
        code = self.kwargs["code"]
        form, as_of, sort = _read(self.request)
        version = getattr(self, "counts_version", None)
        if version is None:
            version = progress.counts_version()
        if form.errors:
            page = self.render_body(code, form, as_of, sort, version)
        else:
            own = region_scope_of(self.request.user).code == code
            page = progress.cached_counts(
                f"region-page:{get_language()}:{timezone.localdate()}:{code}:{as_of}:{sort}:{own}",
                lambda: self.render_body(code, form, as_of, sort, version),
                version=version,
            )
        if page is None:
            raise Http404("没有这个地区的汇总页面。")
        region_name, body = page
        return {**super().get_context_data(**kwargs), "body": body, "region_name": region_name}

    def render_body(self, code, form, as_of, sort, version) -> tuple[str, str] | None:
        """The region's name (for the page's title) and the page's content; None for a code
        that names no stored prefecture or province. Rendered without the request: nothing of
        one viewer may end up in the cache."""
        rollup = region_rollup(code, as_of=as_of, sort=sort, version=version)
        if rollup is None:
            return None
        own = region_scope_of(self.request.user).code == code
        return rollup.region.name, render_to_string(
            self.body_template_name, body_context(rollup, form, sort, lists_are_the_regions=own)
        )


def _county_dashboard_url(code: str, query: dict) -> str:
    return reverse("progress-dashboard") + "?" + urlencode({"region": code, **query})


def body_context(rollup, form, sort: str, *, lists_are_the_regions: bool) -> dict:
    """``lists_are_the_regions``: the viewer's lists hold exactly this region's records (it is
    their own region), so a link to a list shows what the page counts; above it they would hold
    more, and the page links the counties' dashboards only."""
    query = {"as_of": rollup.as_of.isoformat()} if not rollup.is_today else {}
    day = rollup.as_of
    # Every staff login reads every county's published schemes (scoping: any county's
    # enterprises may use them), so the scheme list is the region's only for the province.
    listed = {
        "enterprises": lists_are_the_regions,
        "results": lists_are_the_regions,
        "schemes": lists_are_the_regions and rollup.region.level == RegionLevel.PROVINCE,
    }
    entered_later_urls = {
        key: counted_list_url(name, day, entered_after=day.isoformat())
        for key, name in (("results", "declaration-list"), ("schemes", "scheme-list"))
        if listed[key]
    }
    sort_links = {
        key: "?" + urlencode({**query, "sort": key if sort != key else f"-{key}"}) for key in ROLLUP_SORTS
    }
    return {
        "form": form,
        "rollup": rollup,
        "sort": sort,
        "measures": [
            (
                m,
                trend_chart(rollup, m.key),
                sort_links[m.key],
                counted_list_url(MEASURE_LISTS[m.key], day) if listed[m.key] else None,
            )
            for m in rollup.measures
        ],
        "counties": [(row, _county_dashboard_url(row.code, query)) for row in rollup.counties],
        "prefectures": [
            (row, reverse("region_dashboard", args=[row.code]) + ("?" + urlencode(query) if query else ""))
            for row in rollup.prefectures
        ],
        "sort_links": sort_links,
        "entered_later_urls": entered_later_urls,
        "statistics_action": reverse("region-statistics"),
        "statistics_region": rollup.region.code,
        "years": statistics_years(),
        # The region's 质量强市 card (three queries, cached with the page): linked to the lists
        # only where they hold exactly the region's records (the viewer's own region).
        **quality_card(day, RegionScope(rollup.region.code), linked=lists_are_the_regions),
    }


# -- the statistics workbook ------------------------------------------------------------------


def statistics_years() -> list[int]:
    """The years offered for the statistics download, the latest first."""
    this_year = timezone.localdate().year
    return list(range(this_year, max(EARLIEST_RECORD_DATE.year, this_year - 9) - 1, -1))


class StatisticsForm(forms.Form):
    year = forms.IntegerField(
        required=False,
        error_messages={"invalid": "请输入四位数的年份，例如 2026。"},
    )

    def clean_year(self):
        year = self.cleaned_data["year"]
        this_year = timezone.localdate().year
        if year is None:
            return this_year
        if year > this_year:
            raise forms.ValidationError(f"年份不能晚于今年（{this_year}）。")
        if year < EARLIEST_RECORD_DATE.year:
            raise forms.ValidationError(f"年份不能早于 {EARLIEST_RECORD_DATE.year} 年。")
        return year


def may_download_statistics(user) -> bool:
    """The statistics of a whole region: staff and managers who see every office of their
    region (a county's bureau, a prefecture's, the province's), not a branch office's share."""
    return may_read_staff_pages(user) and enterprise_scope(user, write=False).every_office


def may_read_statistics_of(user, code: str) -> bool:
    """The viewer's own region, a county under it (the county dashboard's download, for a viewer
    above it), or a prefecture whose roll-up they may open."""
    viewer = region_scope_of(user)
    if code == viewer.code:
        return True
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return False
    if level_of_code(code) == RegionLevel.COUNTY:
        return viewer.covers(code)
    return may_open_rollup(user, code)


class RegionStatisticsView(AccessMixin, View):
    """A region, month by month through a year, as an .xlsx workbook: the viewer's own, or
    (``?region=``) one under it."""

    def get(self, request):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not may_download_statistics(request.user):
            raise Http404("没有可下载的统计表。")
        form = StatisticsForm(request.GET)
        if not form.is_valid():
            return render(
                request,
                "benchmarking/region_statistics_error.html",
                {"form": form, "years": statistics_years()},
                status=400,
            )
        code = request.GET.get("region", "").strip() or region_scope_of(request.user).code
        if not may_read_statistics_of(request.user, code):
            raise Http404("没有这个地区的统计表。")
        sheets = statistics_sheets(code, form.cleaned_data["year"])
        if sheets is None:
            raise Http404("没有这个地区。")
        statistics, sheet_list = sheets
        return xlsx_response(statistics_filename(statistics), sheet_list)
