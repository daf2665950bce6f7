"""The records behind the dashboard's 质量强市 figures (docs/domain.md "Quality figures"): the
浙江制造 standards led, the 品字标 enterprises and the 一带一路 certificates, as of a day, for staff.

Each list is the selector's queryset for the figure (``selectors.quality``), scoped as the
dashboard is: the viewer's region (a county's staff their county; above a county, their region
or the county ``?region`` names, as on the dashboard), and a branch office's staff their
office's share. So a list's count is the dashboard's figure for the same day. Parameters:
``as_of`` (validated as the dashboard's) and ``new=1`` (new this year). A parameter that does
not validate is shown back in Chinese and the list is empty, never a 500."""

from django import forms
from django.db.models import Count, IntegerField, Min, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView

from ..access import region_scope_of
from ..choices import DrafterRole
from ..models import BranchOffice, PinCertificate, ZhejiangMadeDrafter
from ..regions import RegionScope
from ..selectors import quality
from .dashboard import DashboardForm, _viewer_office_id, viewer_county
from .mixins import ForgivingPaginationMixin, ReplicaReadsMixin, StaffOnlyMixin

PAGE_SIZE = 50


class QualityListForm(forms.Form):
    """A list's URL parameters: the day (as the dashboard's) and whether only this year's new ones."""

    as_of = DashboardForm.base_fields["as_of"]
    new = forms.ChoiceField(
        required=False,
        choices=[("", ""), ("0", "0"), ("1", "1")],
        error_messages={"invalid_choice": "参数 new 只能为 1（只看今年新增）或 0（全部）。"},
    )

    clean_as_of = DashboardForm.clean_as_of


class QualityListView(StaffOnlyMixin, ReplicaReadsMixin, ForgivingPaginationMixin, ListView):
    """One figure's records, paged: a fixed number of queries per page whatever the data."""

    paginate_by = PAGE_SIZE
    template_name = ""
    title = ""
    title_new = ""
    unit = ""

    def get(self, request, *args, **kwargs):
        # Which county (a ``?region`` outside the viewer's scope is a 404, as on the dashboard);
        # a branch login without an office is refused (403) before anything is read.
        named = viewer_county(request) if request.GET.get("region", "").strip() else None
        self.region = RegionScope(named) if named else region_scope_of(request.user)
        self.office_id = _viewer_office_id(request.user)
        self.form = QualityListForm(request.GET)
        if self.form.is_valid():
            self.as_of = self.form.cleaned_data["as_of"]
            self.new = self.form.cleaned_data["new"] == "1"
        else:
            self.as_of, self.new = timezone.localdate(), False
        return super().get(request, *args, **kwargs)

    def records(self) -> QuerySet:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet:
        if self.form.errors:
            # What was asked cannot be answered: an empty list beside the error, not another day's.
            return self.records().none()
        return self.records()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            form=self.form,
            title=self.title_new if self.new else self.title,
            unit=self.unit,
            as_of=self.as_of,
            new=self.new,
            region=self.request.GET.get("region", "").strip(),
            # The office's name for a branch office's staff (one query, whatever the data).
            office=BranchOffice.objects.get(pk=self.office_id) if self.office_id else None,
            dashboard_url=reverse("progress-dashboard"),
        )
        return context

    def selector_kwargs(self) -> dict:
        return {
            "region": self.region,
            "branch_office_id": self.office_id,
            "new_this_year": self.new,
        }


class ZhejiangMadeListView(QualityListView):
    """The 浙江制造 standards led: number, title, stage, published date, lead enterprise, co-drafters."""

    template_name = "benchmarking/quality/zhejiang_made.html"
    title = _("“浙江制造”标准（主导）")
    title_new = _("今年新增“浙江制造”标准（主导）")
    unit = _("项")

    def records(self) -> QuerySet:
        drafters = ZhejiangMadeDrafter.objects.filter(standard=OuterRef("pk"))
        lead = drafters.filter(role=DrafterRole.LEAD)
        co_count = (
            drafters.filter(role=DrafterRole.CO_DRAFTER)
            .order_by()
            .values("standard")
            .annotate(n=Count("pk"))
            .values("n")
        )
        # The 主导企业 and 参与起草 columns, in the page's own query (one lead per standard).
        return (
            quality.led_standards(self.as_of, **self.selector_kwargs())
            .annotate(
                lead_id=Subquery(lead.values("enterprise_id")[:1]),
                lead_name=Subquery(lead.values("enterprise__name")[:1]),
                co_drafters=Coalesce(Subquery(co_count, output_field=IntegerField()), Value(0)),
            )
            .order_by("-published_on", "number", "pk")
        )


class PinEnterpriseListView(QualityListView):
    """The 品字标 enterprises, one row each: its certificates valid on the day, its first issue date."""

    template_name = "benchmarking/quality/pin_enterprises.html"
    title = _("品字标企业")
    title_new = _("今年新增品字标企业")
    unit = _("家")

    def records(self) -> QuerySet:
        day = self.as_of
        return (
            quality.pin_enterprises(day, **self.selector_kwargs())
            # The 首张证书 column: the first certificate issued by the day, whatever became of it.
            .annotate(
                first_issued=Min(
                    "pin_certificates__issued_on", filter=Q(pin_certificates__issued_on__lte=day)
                )
            )
            .select_related("branch_office")  # the 所属监管所 column
            # The 有效证书 column: one query for the page.
            .prefetch_related(
                Prefetch(
                    "pin_certificates",
                    queryset=PinCertificate.objects.filter(quality.valid_on_q(day)).order_by(
                        "issued_on", "number"
                    ),
                    to_attr="valid_certificates",
                )
            )
            .order_by("name", "pk")
        )


class BeltRoadListView(QualityListView):
    """The 一带一路 certificates valid on the day: number, enterprise, product, dates, status."""

    template_name = "benchmarking/quality/belt_road.html"
    title = _("“一带一路”认证证书")
    title_new = _("今年新增“一带一路”认证证书")
    unit = _("张")

    def records(self) -> QuerySet:
        return (
            quality.belt_road_certificates(self.as_of, **self.selector_kwargs())
            .select_related("enterprise")  # the 企业 column
            .order_by("-issued_on", "number", "pk")
        )
