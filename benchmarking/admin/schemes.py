from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from ..choices import SchemeStatus
from ..models import Indicator, IndicatorReferenceValue, SchemeBenchmark, TechnicalScheme
from ..scoping import editable_by
from ..services.schemes import scheme_publish, scheme_withdraw
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
        (_("记录"), {"fields": ("created_at", "updated_at")}),
    )
    inlines = (SchemeBenchmarkInline, IndicatorInline)
    actions = ("publish_selected", "withdraw_selected")

    def get_queryset(self, request):
        # indicator_count column: annotated once for the whole page.
        return super().get_queryset(request).annotate(indicator_total=Count("indicators"))

    @admin.display(description=_("指标数"), ordering="indicator_total")
    def indicator_count(self, obj):
        return obj.indicator_total

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
