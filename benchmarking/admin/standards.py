from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..access import is_branch_office_staff
from ..choices import StandardKind
from ..models import Standard
from ..validators import normalize_standard_number, standard_kind_for
from .base import HistoryAdmin, ScopedAdminMixin


@admin.register(Standard)
class StandardAdmin(ScopedAdminMixin, HistoryAdmin):
    list_display = ("number", "title", "kind")
    list_filter = ("kind",)
    search_fields = ("number", "title")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if not is_branch_office_staff(request.user):
            return form

        class BranchStandardForm(form):
            """Branch-office staff enter their enterprises' own Q/ standards, nothing else."""

            def clean(self):
                cleaned = super().clean()
                number = cleaned.get("number")
                kind = cleaned.get("kind") or (standard_kind_for(number) if number else "")
                if number and kind != StandardKind.ENTERPRISE:
                    raise ValidationError(
                        _("基层所工作人员只能录入企业标准（Q/ 开头）；其他标准请联系市局标准化科录入。")
                    )
                return cleaned

        return BranchStandardForm

    def get_search_results(self, request, queryset, search_term):
        # Staff type "gb/t 1.1-2020"; stored numbers read "GB/T 1.1—2020". Search both spellings.
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        normalized = normalize_standard_number(search_term)
        if normalized and normalized != search_term:
            results |= queryset.filter(number__icontains=normalized)
        return results, may_have_duplicates
