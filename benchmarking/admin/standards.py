from django.contrib import admin

from ..models import Standard
from ..validators import normalize_standard_number
from .base import HistoryAdmin, ScopedAdminMixin


@admin.register(Standard)
class StandardAdmin(ScopedAdminMixin, HistoryAdmin):
    list_display = ("number", "title", "kind")
    list_filter = ("kind",)
    search_fields = ("number", "title")

    def get_search_results(self, request, queryset, search_term):
        # Staff type "gb/t 1.1-2020"; stored numbers read "GB/T 1.1—2020". Search both spellings.
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        normalized = normalize_standard_number(search_term)
        if normalized and normalized != search_term:
            results |= queryset.filter(number__icontains=normalized)
        return results, may_have_duplicates
