"""The region tree in the admin: read only. The list is the national standard (GB/T 2260),
loaded by data migrations from benchmarking/data/; a correction is a new edition of that file
and a migration, never an edit here."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..choices import RegionKind
from ..models import Region
from ..validators import strip_invisible
from .base import HistoryAdmin, LenientChangeListMixin, ReadOnlyAdmin


class ParentRegionFilter(admin.SimpleListFilter):
    """By the province or prefecture a region lies directly under (12 choices, not one per region)."""

    title = _("上级行政区")
    parameter_name = "parent"

    def lookups(self, request, model_admin):
        parents = Region.objects.filter(kind__in=(RegionKind.PROVINCE, RegionKind.PREFECTURE))
        return [(region.code, region.name) for region in parents.order_by("code")]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(parent__code=value)


@admin.register(Region)
class RegionAdmin(LenientChangeListMixin, HistoryAdmin, ReadOnlyAdmin):
    list_display = ("code", "name", "short_name", "kind", "parent")
    list_filter = ("kind", ParentRegionFilter)
    list_select_related = ("parent",)  # parent column
    # A code finds its region, and a code's first digits the regions under it (3307: 金华).
    search_fields = ("code", "name", "short_name")
    ordering = ("code",)
    list_per_page = 120  # the whole province on one page
    fields = ("code", "name", "short_name", "kind", "parent")

    def get_search_results(self, request, queryset, search_term):
        # A code pasted from a web page or Word may carry characters no one sees.
        return super().get_search_results(request, queryset, strip_invisible(search_term))
