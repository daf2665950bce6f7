"""Shared admin pieces: the reason/grade prompt behind workflow actions."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


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
