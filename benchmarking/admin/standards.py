import copy

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..access import is_branch_office_staff
from ..choices import StandardKind
from ..models import Standard
from ..scoping import editable_by
from ..services.standards import record_replacements, replacement_change, status_on_saving
from ..validators import normalize_standard_number, standard_kind_for
from .base import HistoryAdmin, ScopedAdminMixin, ServiceErrorsAsMessagesMixin

STATUS_HELP = gettext_lazy(
    "实施日期晚于今天的标准保存为“即将实施”，到实施日期由系统每日自动改为“现行”；"
    "已到实施日期的“即将实施”保存为“现行”。“现行”标准到废止日期时自动改为“被代替”（有代替它的标准时）或“废止”。"
)
REPLACES_HELP = gettext_lazy(
    "本标准代替的标准（可多项，输入编号搜索）。保存后，所列标准中仍为“现行”或“即将实施”的，"
    "废止日期记为本标准的实施日期（未填时取发布日期），到该日期即为“被代替”。"
)


class StandardAdminForm(forms.ModelForm):
    """The standard's form: besides the model's own checks, the standards it replaces must be
    ones this user may change, not itself, and still valid once withdrawn (the service's rule,
    ``services.standards.replacement_change``), so a refusal shows beside 代替标准."""

    actor = None  # the user saving, set by StandardAdmin.get_form

    class Meta:
        model = Standard
        fields = (
            "number",
            "title",
            "kind",
            "status",
            "published_on",
            "implemented_on",
            "withdrawn_on",
            "replaces",
            "adoption_degree",
            "adopted_standard",
        )

    def clean(self):
        cleaned = super().clean()
        replaced = cleaned.get("replaces")
        if not replaced:
            return cleaned
        if self.instance.pk and any(s.pk == self.instance.pk for s in replaced):
            self.add_error("replaces", _("标准不能代替它自己。"))
            return cleaned
        # The replacing standard as it is about to be saved: its dates as entered.
        replacing = Standard(
            number=cleaned.get("number") or "",
            published_on=cleaned.get("published_on"),
            implemented_on=cleaned.get("implemented_on"),
        )
        today = timezone.localdate()
        changes = {s.pk: replacement_change(replacing=replacing, replaced=s, today=today) for s in replaced}
        changing = [s for s in replaced if changes[s.pk]]
        writable = set(
            editable_by(self.actor, Standard)
            .filter(pk__in=[s.pk for s in changing])
            .values_list("pk", flat=True)
        )
        for standard in changing:
            if standard.pk not in writable:
                self.add_error(
                    "replaces",
                    _("您无权修改「%(number)s」的状态，不能将其列为本标准代替的标准；请联系市局标准化科。")
                    % {"number": standard.number},
                )
                continue
            after = copy.copy(standard)
            for name, value in changes[standard.pk].items():
                setattr(after, name, value)
            try:
                after.full_clean(validate_unique=False, validate_constraints=False)
            except ValidationError as error:
                for message in error.messages:
                    self.add_error(
                        "replaces",
                        _("「%(number)s」被代替后：%(message)s（请核对本标准的发布、实施日期。）")
                        % {"number": standard.number, "message": message},
                    )
        return cleaned


@admin.register(Standard)
class StandardAdmin(ServiceErrorsAsMessagesMixin, ScopedAdminMixin, HistoryAdmin):
    form = StandardAdminForm
    list_display = ("number", "title", "kind", "status", "published_on", "implemented_on", "withdrawn_on")
    list_filter = ("status", "kind", "adoption_degree")
    search_fields = ("number", "title")
    autocomplete_fields = ("replaces",)
    readonly_fields = ("replaced_by_list",)
    fieldsets = (
        (gettext_lazy("基本信息"), {"fields": ("number", "title", "kind")}),
        (
            gettext_lazy("状态与日期"),
            {"fields": ("status", "published_on", "implemented_on", "withdrawn_on")},
        ),
        (gettext_lazy("代替关系"), {"fields": ("replaces", "replaced_by_list")}),
        (gettext_lazy("采标"), {"fields": ("adoption_degree", "adopted_standard")}),
    )

    @admin.display(description=gettext_lazy("被以下标准代替"))
    def replaced_by_list(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        replacing = list(obj.replaced_by.order_by("number").only("pk", "number", "title"))
        if not replacing:
            return "—"
        return format_html_join(
            mark_safe("<br>"),
            '<a href="{}">{}</a>',
            ((reverse("admin:benchmarking_standard_change", args=[s.pk]), str(s)) for s in replacing),
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        branch = is_branch_office_staff(request.user)

        class ActorStandardForm(form):
            actor = request.user

            def clean(self):
                cleaned = super().clean()
                if not branch:
                    return cleaned
                # Branch-office staff enter their enterprises' own Q/ standards, nothing else.
                number = cleaned.get("number")
                kind = cleaned.get("kind") or (standard_kind_for(number) if number else "")
                if number and kind != StandardKind.ENTERPRISE:
                    raise ValidationError(
                        _("基层所工作人员只能录入企业标准（Q/ 开头）；其他标准请联系市局标准化科录入。")
                    )
                return cleaned

        # Set on the subclass: a ModelForm subclass builds its fields afresh from the model.
        for name, help_text in (("status", STATUS_HELP), ("replaces", REPLACES_HELP)):
            if name in ActorStandardForm.base_fields:
                ActorStandardForm.base_fields[name].help_text = help_text
        return ActorStandardForm

    def save_model(self, request, obj, form, change):
        # The calendar's rule at once (services.standards.status_on_saving), not tomorrow.
        obj.status = status_on_saving(
            status=obj.status, implemented_on=obj.implemented_on, today=timezone.localdate()
        )
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The standards it replaces are withdrawn (被代替) by the one rule imports use too.
        record_replacements(standard=form.instance, actor=request.user)

    def get_search_results(self, request, queryset, search_term):
        # Staff type "gb/t 1.1-2020"; stored numbers read "GB/T 1.1—2020". Search both spellings.
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        normalized = normalize_standard_number(search_term)
        if normalized and normalized != search_term:
            results |= queryset.filter(number__icontains=normalized)
        return results, may_have_duplicates
