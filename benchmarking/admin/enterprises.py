from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..access import branch_office_id_of, role_of
from ..choices import Role
from ..models import BranchOffice, Enterprise
from ..validators import normalize_credit_code
from .base import HistoryAdmin, ScopedAdminMixin, ServiceErrorsAsMessagesMixin, VersionedModelForm


@admin.register(Enterprise)
class EnterpriseAdmin(ScopedAdminMixin, ServiceErrorsAsMessagesMixin, HistoryAdmin):
    form = VersionedModelForm
    list_display = (
        "name",
        "credit_code",
        "branch_office",
        "industry",
        "contact_person",
        "phone",
        "zhejiang_made",
        "standard_leader",
        "updated_at",
    )
    # branch_office and industry columns.
    list_select_related = ("branch_office", "industry")
    list_filter = ("branch_office", "industry", "zhejiang_made", "standard_leader")
    search_fields = ("name", "credit_code", "contact_person", "legal_representative")
    autocomplete_fields = ("industry",)
    date_hierarchy = "created_at"
    readonly_fields = ("credit_code_override_by", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "credit_code", "branch_office", "industry", "seen_version")}),
        (_("联系方式"), {"fields": ("address", "legal_representative", "contact_person", "phone", "email")}),
        (_("浙江省品牌与标准"), {"fields": ("zhejiang_made", "standard_leader")}),
        (
            _("代码校验例外（仅工作人员）"),
            {"classes": ("collapse",), "fields": ("credit_code_override_reason", "credit_code_override_by")},
        ),
        (_("记录"), {"fields": ("created_at", "updated_at")}),
    )

    def get_search_results(self, request, queryset, search_term):
        # A pasted code with spaces or full-width characters still finds its enterprise.
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        normalized = normalize_credit_code(search_term)
        if normalized and normalized != search_term and len(normalized) >= 4:
            results |= queryset.filter(credit_code__icontains=normalized)
        return results, may_have_duplicates

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Branch-office staff register enterprises in their own office only.
        if db_field.name == "branch_office" and role_of(request.user) == Role.BRANCH_STAFF:
            kwargs["queryset"] = BranchOffice.objects.filter(pk=branch_office_id_of(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # The override is a staff decision: record who made it, and clear it when the reason goes.
        if obj.credit_code_override_reason.strip():
            if "credit_code_override_reason" in form.changed_data or "credit_code" in form.changed_data:
                obj.credit_code_override_by = request.user
        else:
            obj.credit_code_override_by = None
        super().save_model(request, obj, form, change)
