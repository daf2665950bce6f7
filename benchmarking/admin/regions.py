"""The region tree in the admin: read only. The list is the national standard (GB/T 2260),
loaded by data migrations from benchmarking/data/; a correction is a new edition of that file
and a migration, never an edit here."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..choices import RegionKind
from ..models import Region, home_region_code
from ..selectors.regions import regions_to_place_in, served_county_codes
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


# The fields by which a record belongs to a county-level region (models.county_region_field).
REGION_FIELDS = ("region", "publisher_region")


class CountyRegionAdminMixin:
    """A record's county in its admin form: offered filled in (the home region), searched by
    code or name (``autocomplete_fields``), and never a required-field error: left empty, it is
    the record's default region again (``region_when_left_empty``). The form's model validation
    skips an empty field the form does not require, so the default is set before the save."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in REGION_FIELDS:
            kwargs["queryset"] = regions_to_place_in(request.user)
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name in REGION_FIELDS and field is not None:
            field.required = False
        return field

    def region_when_left_empty(self, obj) -> str:
        return home_region_code()

    def shows_region_fields(self) -> bool:
        """While this deployment serves one county, everything is that county's: a field saying
        so on every form is clutter, and left out it keeps the default (the home county)."""
        return len(served_county_codes()) > 1

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return fieldsets if self.shows_region_fields() else without_region_fields(fieldsets)

    def save_model(self, request, obj, form, change):
        for name in REGION_FIELDS:
            if name in form.fields and getattr(obj, f"{name}_id") is None:
                setattr(obj, f"{name}_id", self.region_when_left_empty(obj))
        super().save_model(request, obj, form, change)


def without_region_fields(fieldsets):
    """Fieldsets without the region fields."""
    return [(name, {**options, "fields": _without_regions(options["fields"])}) for name, options in fieldsets]


def _without_regions(fields):
    """A fieldset's fields (names, or tuples of names shown on one line) without the region fields."""
    kept = []
    for field in fields:
        if isinstance(field, (list, tuple)):
            line = tuple(name for name in field if name not in REGION_FIELDS)
            if line:
                kept.append(line)
        elif field not in REGION_FIELDS:
            kept.append(field)
    return tuple(kept)
