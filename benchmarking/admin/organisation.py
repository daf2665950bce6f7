from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from ..models import BranchOffice, Industry
from .base import HistoryAdmin, ScopedAdminMixin


@admin.register(BranchOffice)
class BranchOfficeAdmin(ScopedAdminMixin, HistoryAdmin):
    list_display = ("name", "code", "enterprise_count", "order")
    list_editable = ("order",)
    search_fields = ("name", "code")
    ordering = ("order", "code")

    def get_queryset(self, request):
        # enterprise_count column: one annotated query, not one count per row.
        return super().get_queryset(request).annotate(enterprise_total=Count("enterprises"))

    @admin.display(description=_("企业数"), ordering="enterprise_total")
    def enterprise_count(self, obj):
        return obj.enterprise_total


@admin.register(Industry)
class IndustryAdmin(ScopedAdminMixin, HistoryAdmin):
    list_display = ("name", "gb_code", "order")
    list_editable = ("order",)
    search_fields = ("name", "gb_code")
    ordering = ("order", "name")
