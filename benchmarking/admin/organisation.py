from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from ..models import BranchOffice, BranchOfficeAlias, Industry, IndustryAlias
from .base import HistoryAdmin, ScopedAdminMixin
from .regions import CountyRegionAdminMixin


class AliasInline(admin.TabularInline):
    """The other names staff write for the office or industry (docs/domain.md, "Offices and
    industries by the names staff write"). An alias is part of its record: whoever may change
    the office may change its aliases, and whoever may see it sees them."""

    extra = 1
    fields = ("name",)
    classes = ("aliases",)

    def _parent_admin(self):
        return self.admin_site._registry[self.parent_model]

    def has_view_permission(self, request, obj=None):
        return self._parent_admin().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._parent_admin().has_change_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._parent_admin().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._parent_admin().has_change_permission(request, obj)


class BranchOfficeAliasInline(AliasInline):
    model = BranchOfficeAlias


class IndustryAliasInline(AliasInline):
    model = IndustryAlias


class OrganisationMedia:
    # The alias inline and the lists on a phone.
    css = {"all": ("css/admin-organisation.css",)}


def _alias_names(obj) -> str:
    # From the prefetched aliases: no query per row.
    return "、".join(alias.name for alias in obj.aliases.all()) or "—"


@admin.register(BranchOffice)
class BranchOfficeAdmin(CountyRegionAdminMixin, ScopedAdminMixin, HistoryAdmin):
    list_display = ("name", "code", "alias_names", "enterprise_count", "order")
    list_editable = ("order",)
    # Aliases too: the enterprise and quota forms' office autocomplete finds 方岩所.
    search_fields = ("name", "code", "aliases__name")
    ordering = ("order", "code")
    inlines = (BranchOfficeAliasInline,)
    # The county the office works in (the home region unless chosen): one of 90, so searched.
    autocomplete_fields = ("region",)

    def shows_region_fields(self) -> bool:
        # Always: an office in another county is how a deployment comes to serve a second one.
        return True

    Media = OrganisationMedia

    def get_queryset(self, request):
        # enterprise_count column: one annotated query, not one count per row; alias_names: one prefetch.
        return (
            super()
            .get_queryset(request)
            .annotate(enterprise_total=Count("enterprises"))
            .prefetch_related("aliases")
        )

    @admin.display(description=_("企业数"), ordering="enterprise_total")
    def enterprise_count(self, obj):
        return obj.enterprise_total

    @admin.display(description=_("简称"))
    def alias_names(self, obj):
        return _alias_names(obj)


@admin.register(Industry)
class IndustryAdmin(ScopedAdminMixin, HistoryAdmin):
    list_display = ("name", "gb_code", "alias_names", "order")
    list_editable = ("order",)
    # Aliases too: the enterprise and scheme forms' industry autocomplete finds them.
    search_fields = ("name", "gb_code", "aliases__name")
    ordering = ("order", "name")
    inlines = (IndustryAliasInline,)
    Media = OrganisationMedia

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("aliases")  # alias_names column

    @admin.display(description=_("别名"))
    def alias_names(self, obj):
        return _alias_names(obj)
