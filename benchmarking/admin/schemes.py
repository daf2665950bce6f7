from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from ..choices import SchemeStatus
from ..models import Indicator, IndicatorReferenceValue, SchemeBenchmark, TechnicalScheme
from ..scoping import editable_by
from ..selectors.revisions import outdated_benchmarks
from ..services.schemes import scheme_publish, scheme_withdraw, start_revision
from .base import (
    DraftsOnlyDeleteMixin,
    HistoryAdmin,
    NoPerRowQueriesFormSet,
    ReasonForm,
    ScopedAdminMixin,
    ServiceErrorsAsMessagesMixin,
    VersionedModelForm,
    prompt_then_run,
    run_for_each,
)
from .numbers import PlainDecimalsMixin
from .regions import CountyRegionAdminMixin


class _DraftOnlyInline:
    """Benchmarks and indicators are the published document: fixed once the scheme is published."""

    def _editable(self, obj):
        return obj is None or obj.status == SchemeStatus.DRAFT

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


class SchemeBenchmarkInline(_DraftOnlyInline, admin.TabularInline):
    formset = NoPerRowQueriesFormSet
    model = SchemeBenchmark
    autocomplete_fields = ("standard",)
    extra = 0

    def get_queryset(self, request):
        # standard column of each row.
        return super().get_queryset(request).select_related("standard")


class IndicatorInline(PlainDecimalsMixin, _DraftOnlyInline, admin.TabularInline):
    formset = NoPerRowQueriesFormSet
    model = Indicator
    fields = (
        "order",
        "name",
        "unit",
        "direction",
        "benchmark_value",
        "benchmark_min",
        "benchmark_max",
        "requirement",
        "is_core",
        "test_method",
    )
    extra = 0
    show_change_link = True

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in {"name", "unit", "requirement", "test_method"} and field is not None:
            field.widget.attrs["size"] = {"name": 16, "unit": 6}.get(db_field.name, 20)
        return field


class _DraftSchemeChoices:
    """A benchmark, indicator or reference value is added to (or moved into) draft schemes only."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is TechnicalScheme:
            kwargs["queryset"] = editable_by(request.user, TechnicalScheme).filter(status=SchemeStatus.DRAFT)
        elif db_field.related_model is Indicator:
            kwargs["queryset"] = editable_by(request.user, Indicator)  # indicators of draft schemes
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(TechnicalScheme)
class TechnicalSchemeAdmin(
    CountyRegionAdminMixin,
    DraftsOnlyDeleteMixin,
    ScopedAdminMixin,
    ServiceErrorsAsMessagesMixin,
    HistoryAdmin,
):
    form = VersionedModelForm
    list_display = (
        "code",
        "title",
        "product_category",
        "industry",
        "publisher",
        "indicator_count",
        "status",
        "published_at",
    )
    # Stated here, not left to Meta: the indicator count's GROUP BY drops the model's default
    # ordering, and the autocomplete (which, unlike the changelist, adds none of its own) would
    # page an unordered queryset.
    ordering = ("code",)
    # industry column.
    list_select_related = ("industry",)
    list_filter = ("status", "industry")
    search_fields = ("code", "title", "product_category", "publisher")
    # publisher_region: the county the scheme counts in (the home region unless chosen).
    autocomplete_fields = ("industry", "publisher_region")
    date_hierarchy = "published_at"
    readonly_fields = (
        "status",
        "published_at",
        "withdrawn_at",
        "withdraw_reason",
        "revision_state",
        "supersedes_link",
        "revisions_links",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "code",
                    "title",
                    "product_category",
                    "industry",
                    "publisher",
                    "publisher_region",
                    "document",
                    "seen_version",
                )
            },
        ),
        (_("状态"), {"fields": ("status", "published_at", "withdrawn_at", "withdraw_reason")}),
        (_("修订"), {"fields": ("revision_state", "supersedes_link", "revisions_links")}),
        (_("记录"), {"fields": ("created_at", "updated_at")}),
    )
    inlines = (SchemeBenchmarkInline, IndicatorInline)
    actions = ("publish_selected", "withdraw_selected", "start_revision_selected")

    def get_queryset(self, request):
        # indicator_count column: annotated once for the whole page.
        return super().get_queryset(request).annotate(indicator_total=Count("indicators"))

    @admin.display(description=_("指标数"), ordering="indicator_total")
    def indicator_count(self, obj):
        return obj.indicator_total

    # -- revisions (docs/domain.md "Standards over time"): shown on the change page only ---------

    def _change_url(self, scheme_pk):
        return reverse("admin:benchmarking_technicalscheme_change", args=[scheme_pk])

    @admin.display(description=_("修订状态"))
    def revision_state(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        if obj.superseded_at is not None:
            return _("已修订：%(at)s 起由修订版代替，不再计入方案数；按本方案作出的对标结果照常计入。") % {
                "at": obj.superseded_at.strftime("%Y-%m-%d")
            }
        if obj.status != SchemeStatus.PUBLISHED:
            return "—"
        outdated = outdated_benchmarks([obj.pk]).get(obj.pk)
        if not outdated:
            return _("对标标准均有效，无需修订。")
        return format_html(
            '<span class="status status-submitted">{}</span> {}<br><a href="{}">{}</a>',
            _("需修订"),
            "；".join(b.sentence for b in outdated),
            reverse("scheme-revision-worklist"),
            _("在待修订方案页或本列表的“开始修订”操作中新建修订稿"),
        )

    @admin.display(description=_("修订自"))
    def supersedes_link(self, obj):
        if obj is None or not obj.supersedes_id:
            return "—"
        old = obj.supersedes
        return format_html('<a href="{}">{}</a>', self._change_url(old.pk), str(old))

    @admin.display(description=_("修订版"))
    def revisions_links(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        revisions = list(obj.revisions.order_by("pk"))
        if not revisions:
            return "—"
        return format_html_join(
            "<br>",
            '<a href="{}">{}</a>（{}）',
            ((self._change_url(r.pk), str(r), r.get_status_display()) for r in revisions),
        )

    @admin.action(description=_("开始修订所选方案"), permissions=["change"])
    def start_revision_selected(self, request, queryset):
        """A revision for each selected scheme; with one selected, its draft opens at once."""
        started = []
        run_for_each(
            self, request, queryset, lambda scheme, actor: started.append(start_revision(scheme, actor=actor))
        )
        if len(started) == 1:
            self.message_user(
                request,
                _("已新建修订稿 %(code)s，请核对对标标准和各标准规定值后发布。") % {"code": started[0].code},
                messages.INFO,
            )
            return HttpResponseRedirect(self._change_url(started[0].pk))
        return None

    @admin.action(description=_("发布所选方案"), permissions=["change"])
    def publish_selected(self, request, queryset):
        run_for_each(
            self, request, queryset, lambda scheme, actor: scheme_publish(scheme=scheme, actor=actor)
        )

    @admin.action(description=_("撤销所选方案（需填写理由）"), permissions=["change"])
    def withdraw_selected(self, request, queryset):
        return prompt_then_run(
            self,
            request,
            queryset,
            title=_("撤销技术方案"),
            form_class=ReasonForm,
            action_name="withdraw_selected",
            move=lambda scheme, actor, comment: scheme_withdraw(scheme=scheme, actor=actor, reason=comment),
        )


class IndicatorReferenceValueInline(admin.TabularInline):
    formset = NoPerRowQueriesFormSet
    model = IndicatorReferenceValue
    autocomplete_fields = ("standard",)
    extra = 0

    def get_queryset(self, request):
        # standard column of each row.
        return super().get_queryset(request).select_related("standard")


@admin.register(Indicator)
class IndicatorAdmin(PlainDecimalsMixin, _DraftSchemeChoices, ScopedAdminMixin, HistoryAdmin):
    list_display = ("name", "scheme", "direction", "benchmark", "unit", "is_core", "order")
    # scheme column.
    list_select_related = ("scheme",)
    list_filter = ("direction", "is_core", "scheme__industry")
    search_fields = ("name", "scheme__code", "scheme__title")
    autocomplete_fields = ("scheme",)
    inlines = (IndicatorReferenceValueInline,)

    @admin.display(description=_("对标值"))
    def benchmark(self, obj):
        return obj.benchmark_display


@admin.register(SchemeBenchmark)
class SchemeBenchmarkAdmin(_DraftSchemeChoices, ScopedAdminMixin, HistoryAdmin):
    list_display = ("scheme", "standard", "kind", "order")
    # scheme and standard columns.
    list_select_related = ("scheme", "standard")
    list_filter = ("standard__kind",)
    search_fields = ("scheme__code", "scheme__title", "standard__number", "standard__title")
    autocomplete_fields = ("scheme", "standard")

    @admin.display(description=_("标准类别"))
    def kind(self, obj):
        return obj.standard.get_kind_display()


@admin.register(IndicatorReferenceValue)
class IndicatorReferenceValueAdmin(_DraftSchemeChoices, ScopedAdminMixin, HistoryAdmin):
    list_display = ("indicator", "scheme", "standard", "value")
    # indicator, its scheme and standard columns.
    list_select_related = ("indicator__scheme", "standard")
    search_fields = ("indicator__name", "indicator__scheme__code", "standard__number")
    list_filter = ("standard__kind",)
    autocomplete_fields = ("indicator", "standard")

    @admin.display(description=_("技术方案"))
    def scheme(self, obj):
        return obj.indicator.scheme.code
