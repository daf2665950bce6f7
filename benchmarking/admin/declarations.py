from django import forms
from django.contrib import admin, messages
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from ..choices import Direction, Grade
from ..models import Declaration, DeclarationEvent, DeclarationEvidence, DeclarationItem
from ..people import full_name
from ..services.declarations import (
    EDITABLE_FIELDS,
    declaration_create,
    declaration_override_grade,
    declaration_publish,
    declaration_return,
    declaration_update,
    declaration_withdraw,
    require_scheme_published,
)
from .base import (
    DraftsOnlyDeleteMixin,
    HistoryAdmin,
    NoPerRowQueriesFormSet,
    ReadOnlyAdmin,
    ReasonForm,
    ScopedAdminMixin,
    ServiceErrorsAsMessagesMixin,
    VersionedModelForm,
    prompt_then_run,
    run_for_each,
)
from .numbers import PlainDecimalsMixin


class DeclarationItemForm(forms.ModelForm):
    class Meta:
        model = DeclarationItem
        fields = ("value", "passed")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.indicator_id is None:
            return
        # Each indicator takes one kind of answer: disable the other field on its row. (A read-only
        # page, a published declaration, leaves "value" out: it shows the value as typed instead.)
        other = "value" if self.instance.indicator.direction == Direction.PASS_FAIL else "passed"
        if other in self.fields:
            self.fields[other].disabled = True


def _declared_values(formset) -> dict:
    """The edited rows' values, keyed by indicator, as declaration_update takes them. Sets
    what the admin's change message reads, since the service does the saving."""
    values = {}
    for item_form in formset.forms:
        if item_form.has_changed():
            item = item_form.instance
            is_pass_fail = item.indicator.direction == Direction.PASS_FAIL
            values[item.indicator_id] = item_form.cleaned_data["passed" if is_pass_fail else "value"]
    formset.new_objects, formset.deleted_objects = [], []
    formset.changed_objects = [(f.instance, f.changed_data) for f in formset.forms if f.has_changed()]
    return values


class DeclarationItemInline(PlainDecimalsMixin, admin.TabularInline):
    """One row per indicator of the scheme, created with the declaration; staff fill the values."""

    formset = NoPerRowQueriesFormSet
    model = DeclarationItem
    form = DeclarationItemForm
    fields = ("indicator", "is_core", "benchmark", "value", "passed", "comparison")
    readonly_fields = ("indicator", "is_core", "benchmark", "comparison")
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        # indicator, is_core and benchmark columns of each row.
        return super().get_queryset(request).select_related("indicator")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("核心指标"), boolean=True)
    def is_core(self, item):
        return item.indicator.is_core

    @admin.display(description=_("对标值"))
    def benchmark(self, item):
        return item.indicator.benchmark_display


class DeclarationEvidenceInline(admin.TabularInline):
    formset = NoPerRowQueriesFormSet
    model = DeclarationEvidence
    fields = ("title", "file", "uploaded_at")
    readonly_fields = ("uploaded_at",)
    extra = 0


class DeclarationEventInline(admin.TabularInline):
    """The history: who moved the declaration, when, from where to where, and why."""

    formset = NoPerRowQueriesFormSet
    model = DeclarationEvent
    fields = ("at", "action", "from_status", "to_status", "actor_name", "comment")
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description=_("操作人"))
    def actor_name(self, event):
        return full_name(event.actor)

    def get_queryset(self, request):
        # actor column of each row.
        return super().get_queryset(request).select_related("actor")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _https_urls(db_field, **kwargs):
    # Platform links are https; a bare "www…" typed in gets https, not http.
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class DeclarationAdminForm(VersionedModelForm):
    class Meta:
        model = Declaration
        fields = ("enterprise", "scheme", *EDITABLE_FIELDS)
        formfield_callback = _https_urls

    def clean_scheme(self):
        # Checked here as well as in the service, so the refusal sits on the form with the input kept.
        scheme = self.cleaned_data["scheme"]
        require_scheme_published(scheme)
        return scheme


class GradeOverrideForm(forms.Form):
    grade = forms.ChoiceField(
        label=_("对标水平"),
        choices=[("", _("恢复为计算等级")), *Grade.choices],
        required=False,
    )
    reason = forms.CharField(
        label=_("调整理由"), widget=forms.Textarea(attrs={"rows": 3, "cols": 60}), required=False
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("grade") and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("调整对标水平必须填写理由。"))
        return cleaned


@admin.register(Declaration)
class DeclarationAdmin(DraftsOnlyDeleteMixin, ScopedAdminMixin, ServiceErrorsAsMessagesMixin, HistoryAdmin):
    list_display = (
        "enterprise",
        "product_name",
        "product_model",
        "scheme_code",
        "status",
        "grade",
        "declared_on",
        "published_at",
    )
    # enterprise and scheme_code columns.
    list_select_related = ("enterprise", "scheme")
    list_filter = ("status", "grade", "entered_on_paper", "scheme__industry", "enterprise__branch_office")
    search_fields = (
        "enterprise__name",
        "enterprise__credit_code",
        "product_name",
        "product_model",
        "scheme__code",
        "scheme__title",
    )
    autocomplete_fields = ("enterprise", "scheme", "executed_standard")
    form = DeclarationAdminForm
    # A plain input: the admin's own URL widget shows the stored address as a link, and one
    # stored before only the national platform's hosts were accepted may lead anywhere.
    formfield_overrides = {models.URLField: {"assume_scheme": "https", "widget": forms.URLInput}}
    date_hierarchy = "published_at"
    readonly_fields = (
        "status",
        "computed_grade",
        "override_grade",
        "override_reason",
        "grade",
        "entered_on_paper",
        "submitted_at",
        "published_at",
        "withdrawn_at",
        "created_by_name",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("enterprise", "scheme", *EDITABLE_FIELDS, "seen_version")}),
        (
            _("状态与等级"),
            {
                "fields": (
                    "status",
                    "grade",
                    "computed_grade",
                    "override_grade",
                    "override_reason",
                    "entered_on_paper",
                )
            },
        ),
        (
            _("记录"),
            {
                "fields": (
                    "submitted_at",
                    "published_at",
                    "withdrawn_at",
                    "created_by_name",
                    "created_at",
                    "updated_at",
                )
            },
        ),
    )
    actions = ("publish_selected", "return_selected", "withdraw_selected", "override_grade_selected")

    @admin.display(description=_("技术方案"), ordering="scheme__code")
    def scheme_code(self, obj):
        return obj.scheme.code

    @admin.display(description=_("录入人"))
    def created_by_name(self, obj):
        return full_name(obj.created_by)

    def get_inlines(self, request, obj):
        if obj is None:
            # Items are generated from the scheme's indicators when the declaration is saved.
            return (DeclarationEvidenceInline,)
        return (DeclarationItemInline, DeclarationEvidenceInline, DeclarationEventInline)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            # The enterprise and scheme define the declaration; a different one is a new declaration.
            return ("enterprise", "scheme", *self.readonly_fields)
        return self.readonly_fields

    def has_change_permission(self, request, obj=None):
        # Submitted, published and withdrawn declarations are not edited in place.
        if obj is not None and not obj.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # A change is saved with its indicator values in save_related, as one service call.
        if not change:
            details = {name: form.cleaned_data[name] for name in EDITABLE_FIELDS}
            created = declaration_create(
                actor=request.user,
                enterprise=form.cleaned_data["enterprise"],
                scheme=form.cleaned_data["scheme"],
                **details,
            )
            obj.pk = created.pk
            obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        item_formsets = [formset for formset in formsets if formset.model is DeclarationItem]
        if change:
            values = {}
            for formset in item_formsets:
                values |= _declared_values(formset)
            declaration_update(
                declaration=form.instance,
                actor=request.user,
                expected_version=form.cleaned_data["seen_version"],
                values=values,
                **{name: form.cleaned_data[name] for name in EDITABLE_FIELDS if name in form.changed_data},
            )
        for formset in formsets:
            if formset.model is not DeclarationItem:
                self.save_formset(request, form, formset, change)

    def response_add(self, request, obj, post_url_continue=None):
        # Straight to the new declaration, where a row per indicator now waits for its value.
        self.message_user(
            request,
            gettext_now("已按技术方案的 %(count)d 项关键指标生成指标行，请填写实测值后保存。")
            % {"count": obj.items.count()},
            messages.INFO,
        )
        return HttpResponseRedirect(reverse("admin:benchmarking_declaration_change", args=[obj.pk]))

    @admin.action(description=_("发布所选声明"), permissions=["change"])
    def publish_selected(self, request, queryset):
        run_for_each(
            self,
            request,
            queryset,
            lambda declaration, actor: declaration_publish(declaration=declaration, actor=actor),
        )

    @admin.action(description=_("退回所选声明（需填写理由）"), permissions=["change"])
    def return_selected(self, request, queryset):
        return prompt_then_run(
            self,
            request,
            queryset,
            title=_("退回声明"),
            form_class=ReasonForm,
            action_name="return_selected",
            move=lambda declaration, actor, comment: declaration_return(
                declaration=declaration, actor=actor, comment=comment
            ),
        )

    @admin.action(description=_("撤回所选已发布声明（需填写理由）"), permissions=["change"])
    def withdraw_selected(self, request, queryset):
        return prompt_then_run(
            self,
            request,
            queryset,
            title=_("撤回声明"),
            form_class=ReasonForm,
            action_name="withdraw_selected",
            move=lambda declaration, actor, comment: declaration_withdraw(
                declaration=declaration, actor=actor, comment=comment
            ),
        )

    @admin.action(description=_("调整对标水平（需填写理由）"), permissions=["change"])
    def override_grade_selected(self, request, queryset):
        return prompt_then_run(
            self,
            request,
            queryset,
            title=_("调整对标水平"),
            form_class=GradeOverrideForm,
            action_name="override_grade_selected",
            move=lambda declaration, actor, grade, reason: declaration_override_grade(
                declaration=declaration, actor=actor, grade=grade, reason=reason
            ),
        )


@admin.register(DeclarationItem)
class DeclarationItemAdmin(PlainDecimalsMixin, ScopedAdminMixin, ReadOnlyAdmin, HistoryAdmin):
    """Values are entered on their declaration, where the grade is recomputed."""

    list_display = ("declaration", "indicator", "value", "passed", "comparison")
    # declaration (with its enterprise) and indicator columns.
    list_select_related = ("declaration__enterprise", "indicator")
    list_filter = ("comparison",)
    search_fields = ("declaration__enterprise__name", "declaration__product_model", "indicator__name")


@admin.register(DeclarationEvidence)
class DeclarationEvidenceAdmin(ScopedAdminMixin, ReadOnlyAdmin, HistoryAdmin):
    """Evidence is uploaded on its declaration."""

    list_display = ("title", "declaration", "uploaded_at")
    # declaration (with its enterprise) column.
    list_select_related = ("declaration__enterprise",)
    search_fields = ("title", "declaration__enterprise__name", "declaration__product_model")
    date_hierarchy = "uploaded_at"


@admin.register(DeclarationEvent)
class DeclarationEventAdmin(ScopedAdminMixin, ReadOnlyAdmin):
    """The workflow history across all declarations."""

    list_display = ("at", "declaration", "action", "from_status", "to_status", "actor_name", "comment")
    # declaration (with its enterprise) and actor columns.
    list_select_related = ("declaration__enterprise", "actor")
    list_filter = ("action", "to_status")
    search_fields = (
        "declaration__enterprise__name",
        "declaration__product_model",
        "actor__username",
        "comment",
    )
    date_hierarchy = "at"

    @admin.display(description=_("操作人"), ordering="actor__last_name")
    def actor_name(self, event):
        return full_name(event.actor)
