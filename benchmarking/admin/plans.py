from django.contrib import admin

from ..models import Plan, PlanQuota
from .base import HistoryAdmin, NoPerRowQueriesFormSet, ScopedAdminMixin
from .regions import CountyRegionAdminMixin


class PlanQuotaInline(admin.TabularInline):
    formset = NoPerRowQueriesFormSet
    model = PlanQuota
    extra = 0

    def get_queryset(self, request):
        # branch_office column, and the row title (str) that names plan and office.
        return super().get_queryset(request).select_related("plan", "branch_office")


@admin.register(Plan)
class PlanAdmin(CountyRegionAdminMixin, ScopedAdminMixin, HistoryAdmin):
    list_display = (
        "name",
        "starts_on",
        "ends_on",
        "target_schemes",
        "target_enterprises",
        "target_results",
        "is_active",
    )
    list_filter = ("is_active",)
    search_fields = ("name",)
    date_hierarchy = "starts_on"
    # The county whose plan it is (the home region unless chosen): one current plan per county.
    autocomplete_fields = ("region",)
    inlines = (PlanQuotaInline,)


@admin.register(PlanQuota)
class PlanQuotaAdmin(ScopedAdminMixin, HistoryAdmin):
    list_display = ("plan", "branch_office", "enterprises", "results")
    # plan and branch_office columns.
    list_select_related = ("plan", "branch_office")
    list_filter = ("plan", "branch_office")
    search_fields = (
        "plan__name",
        "branch_office__name",
        "branch_office__code",
        "branch_office__aliases__name",
    )
