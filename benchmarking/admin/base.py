"""Shared admin pieces: the reason/grade prompt behind workflow actions."""

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import DataError, transaction
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import ModelChange, ModelDelta
from simple_history.template_utils import HistoricalRecordContextHelper

from ..models import EditConflict, Enterprise
from ..numbers import plain_decimal
from ..scoping import editable_by, may_change, visible_to
from ..validators import strip_invisible


class ReasonForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("理由"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text=gettext_lazy("将记入流转记录并告知企业。"),
    )


def run_for_each(modeladmin, request, queryset, move, **kwargs) -> None:
    """Apply one service move to every selected object and report, per object,
    what happened. A refused move is a message, never a 500; the others still go through."""
    done = 0
    for obj in queryset:
        try:
            move(obj, actor=request.user, **kwargs)
        except ValidationError as error:
            modeladmin.message_user(request, f"{obj}：{'；'.join(error.messages)}", messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, _("已处理 %(count)d 条记录。") % {"count": done}, messages.SUCCESS)


def prompt_then_run(modeladmin, request, queryset, *, title, form_class, move, action_name):
    """An admin action that first asks for a reason (or other input) on an
    intermediate page, then applies ``move`` to each selected object."""
    form = form_class(request.POST if "apply" in request.POST else None)
    if "apply" in request.POST and form.is_valid():
        run_for_each(modeladmin, request, queryset, move, **form.cleaned_data)
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "form": form,
        "queryset": queryset,
        "opts": modeladmin.model._meta,
        "action_name": action_name,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/benchmarking/action_form.html", context)


class ReadOnlyAdmin(admin.ModelAdmin):
    """For rows that only services write (history, computed items): viewable, never edited here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class KnownAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget, but it labels the selected option from the
    object the inline row already loaded (``known``) instead of one query per row."""

    known: dict[str, object] | None = None

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        known = self.known or {}
        if not selected or not selected <= set(known):
            return super().optgroups(name, value, attr)
        default = (None, [], 0)
        groups = [default]
        if not self.is_required and not self.allow_multiple_selected:
            default[1].append(self.create_option(name, "", "", False, 0))
        for index, key in enumerate(sorted(selected)):
            obj = known[key]
            label = self.choices.field.label_from_instance(obj)
            groups.append((None, [self.create_option(name, key, label, True, index)], index))
        return groups


class NoPerRowQueriesFormSet(BaseInlineFormSet):
    """An inline formset whose rows do not query for their foreign keys: plain
    selects share one evaluated choice list, autocomplete widgets read the row's
    (select_related) object."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        shared = self.__dict__.setdefault("_shared_choices", {})
        for name, field in form.fields.items():
            if not isinstance(field, forms.ModelChoiceField) or isinstance(
                field, forms.ModelMultipleChoiceField
            ):
                continue
            widget = getattr(field.widget, "widget", field.widget)
            if isinstance(widget, AutocompleteSelect):
                related_id = getattr(form.instance, f"{name}_id", None)
                if related_id is not None and form.instance._state.fields_cache.get(name) is not None:
                    widget.__class__ = KnownAutocompleteSelect
                    widget.known = {str(related_id): form.instance._state.fields_cache[name]}
            elif name != self.fk.name and not widget.is_hidden:
                if name not in shared:
                    shared[name] = list(field.choices)
                field.choices = shared[name]
        return form


class VersionedModelForm(forms.ModelForm):
    """Carries the version the editor loaded; saving over someone else's later
    save is refused at validation, so the editor's input stays on the page."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["seen_version"] = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            seen = cleaned.get("seen_version")
            stored = (
                type(self.instance)
                ._base_manager.filter(pk=self.instance.pk)
                .values("version", "updated_at")
                .first()
            )
            if stored is None or seen != stored["version"]:
                when = timezone.localtime(stored["updated_at"]) if stored else None
                raise EditConflict(
                    gettext_lazy(
                        "保存未生效：您打开这条记录之后，它已于 %(when)s 被其他人修改并保存。"
                        "为避免覆盖对方的修改，本次没有保存；您填写的内容仍保留在下方。"
                        "请在新窗口打开这条记录核对最新内容，再把需要的修改重新保存。"
                    )
                    % {"when": f"{when:%Y-%m-%d %H:%M}" if when else "—"}
                )
            # The save compares against what the editor saw, not what was loaded just now.
            self.instance.version = seen
        return cleaned


class ServiceErrorsAsMessagesMixin:
    """A refusal only the save itself can see (a concurrent save slipping in between
    validation and saving, a workflow rule) rolls the whole save back and comes
    back as a message on the page, never a 500."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            self.message_user(request, "；".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class _LabelledChanges(HistoricalRecordContextHelper):
    """Shows a changed choice by its label (已提交), not its stored value (submitted), and a
    number as typed."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if field.choices and not isinstance(value, list):
            return dict(field.flatchoices).get(value, value)
        if value is None:
            return "—"  # not "None"
        if isinstance(value, Decimal):
            return plain_decimal(value)  # 85, not 85.000000
        return super().prepare_delta_change_value(change, value)


class HistoryAdmin(SimpleHistoryAdmin):
    """simple-history's "history" page on each object: who changed what, when, and from
    which value to which. For reading only, and only for objects the user may see."""

    # Bookkeeping that every save changes; the page lists what people changed.
    history_delta_excluded_fields = ("version", "updated_at")

    def revert_disabled(self, request, obj=None):
        # Reverting saves an old copy straight back, status and dates included: past the
        # workflow services and the version check. A change is undone by editing the record.
        return True

    def get_historical_record_context_helper(self, request, historical_record):
        return _LabelledChanges(self.model, historical_record)

    def _object_or_404(self, request, object_id):
        # simple-history would otherwise show the stored history of a row that get_queryset
        # leaves out; outside the user's scope must be a 404 here as on every other page.
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        return obj

    def history_view(self, request, object_id, extra_context=None):
        self._object_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # A past version, shown for reading; its form would save that version back.
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        self._object_or_404(request, object_id)
        if not str(version_id).isdigit():
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """Each record's changes against the one before it. simple-history's diff compares
        editable fields only, which would hide every workflow move (status, dates and grades
        are written by the services alone), so those are compared here as well. Also gives
        each record's shown object the related rows the page already loaded, so naming it
        (its __str__) costs no query per row."""
        tracked = self.model.history.model.tracked_fields
        order = {field.name: n for n, field in enumerate(tracked)}
        hidden = set(self.history_delta_excluded_fields)
        not_editable = [f for f in tracked if not f.editable and f.name not in hidden]
        previous = None  # the newer record: the page lists the newest first
        for current in historical_records:
            shown = current.history_object
            shown._state.fields_cache.update(
                (name, related)
                for name, related in current._state.fields_cache.items()
                if name != "history_user"
            )
            current.history_object = shown
            if previous is not None:
                delta = previous.diff_against(
                    current, excluded_fields=hidden, foreign_keys_are_objs=foreign_keys_are_objs
                )
                changes = [
                    *delta.changes,
                    *(
                        ModelChange(f.name, getattr(current, f.attname), getattr(previous, f.attname))
                        for f in not_editable
                        if getattr(current, f.attname) != getattr(previous, f.attname)
                    ),
                ]
                changes.sort(key=lambda change: order[change.field])
                delta = ModelDelta(changes, [c.field for c in changes], current, previous)
                helper = self.get_historical_record_context_helper(request, previous)
                previous.history_delta_changes = helper.context_for_delta_changes(delta)
            previous = current


class DraftsOnlyDeleteMixin:
    """Only drafts are deleted, one at a time: deleting a published scheme or declaration
    would remove a counted record, so there is no bulk delete either."""

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.status != "draft":  # SchemeStatus.DRAFT and DeclarationStatus.DRAFT alike
            return False
        return super().has_delete_permission(request, obj)


class LenientChangeList(ChangeList):
    """A changelist whose address carries a value the database cannot compare — a year past
    9999, a number past the column's range — treats it as the admin treats any unusable
    filter: the list is shown again without its filters, with the admin's notice, not a 500.

    The admin allows a lookup on any of the model's own fields in the address, and such a value
    only fails when the query runs (the date hierarchy's next year, the database's range)."""

    UNUSABLE = (ValueError, OverflowError, DataError)

    def get_queryset(self, request, exclude_parameters=None):
        try:
            return super().get_queryset(request, exclude_parameters)
        except self.UNUSABLE as error:
            raise IncorrectLookupParameters(error) from error

    def get_results(self, request):
        try:
            # A savepoint: on PostgreSQL a refused statement would spoil the rest of a transaction.
            with transaction.atomic():
                super().get_results(request)
        except self.UNUSABLE as error:
            raise IncorrectLookupParameters(error) from error


class LenientChangeListMixin:
    """Every admin's changelist is a LenientChangeList."""

    def get_changelist(self, request, **kwargs):
        return LenientChangeList


class ScopedAdminMixin(LenientChangeListMixin):
    """Admin pages show only the rows the user may see, change only those they may
    change (benchmarking.scoping), and answer 404 for anything else."""

    def get_queryset(self, request):
        return visible_to(request.user, super().get_queryset(request))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self._may_change(request, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or self._may_change(request, obj))

    @staticmethod
    def _may_change(request, obj) -> bool:
        # The admin asks several times while rendering one page; ask the database once per request.
        answers = request.__dict__.setdefault("_benchmarking_may_change", {})
        key = (obj._meta.label, obj.pk)
        if key not in answers:
            answers[key] = may_change(request.user, obj)
        return answers[key]

    def response_action(self, request, queryset):
        # A tampered selection ("abc" for an id) is a message, not a 500 inside Django.
        try:
            return super().response_action(request, queryset)
        except (ValueError, ValidationError):
            self.message_user(request, _("所选记录无效，请刷新页面后重新选择。"), messages.ERROR)
            return None

    def get_object(self, request, object_id, from_field=None):
        # Django's admin checks permissions before it notices a missing object, and then
        # redirects with "does not exist". Out of scope must look exactly like absent: 404, first.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def get_search_results(self, request, queryset, search_term):
        # A code pasted from a web page or Word may carry characters no one sees.
        return super().get_search_results(request, queryset, strip_invisible(search_term))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.remote_field.model
        if "queryset" not in kwargs:
            # A declaration is entered for an enterprise one may change; other choices one may see.
            pick = editable_by if related is Enterprise else visible_to
            kwargs["queryset"] = pick(request.user, related)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
