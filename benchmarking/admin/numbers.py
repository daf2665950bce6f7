"""Decimal values in the admin as people typed them (``benchmarking.numbers``).

The admin shows a ``DecimalField`` with all its stored places — 85.000000 — in three places:
a form's initial value, a read-only field (a published declaration, a history version), and a
changelist column. Read-only fields and columns are rendered from the model field by Django's
``display_for_field`` whenever the name is a model field, so they are shown here through a
display method named ``<field>_as_typed`` instead, swapped in for the field's name.
"""

from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.db import models

from ..numbers import PlainDecimalField, plain_decimal

SUFFIX = "_as_typed"


def _shown_as_typed(field: models.DecimalField):
    @admin.display(description=field.verbose_name, ordering=field.name)
    def shown(obj):
        return plain_decimal(getattr(obj, field.attname)) or "—"

    return shown


class PlainDecimalsMixin:
    """For a ModelAdmin or an inline whose model has DecimalFields: forms, read-only fields and
    list columns show 85 rather than 85.000000. Stored values are untouched."""

    formfield_overrides = {models.DecimalField: {"form_class": PlainDecimalField}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._decimal_names = {
            field.name for field in self.model._meta.concrete_fields if isinstance(field, models.DecimalField)
        }
        for field in self.model._meta.concrete_fields:
            if field.name in self._decimal_names:
                setattr(self, field.name + SUFFIX, _shown_as_typed(field))

    def _as_typed(self, names) -> list:
        return [name + SUFFIX if name in self._decimal_names else name for name in names]

    def get_list_display(self, request):
        return self._as_typed(super().get_list_display(request))

    def _viewed_only(self, request, obj) -> bool:
        """Does the page show this admin's fields read-only? An inline is read-only when its
        parent may not be changed (a published declaration) as well as when it may not be."""
        if isinstance(self, InlineModelAdmin) and obj is not None:
            parent_admin = self.admin_site._registry.get(type(obj))
            if parent_admin is not None and not parent_admin.has_change_permission(request, obj):
                return True
        return not self.has_change_permission(request, obj)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if not self._viewed_only(request, obj):
            return fields
        # Every field is read-only and shown by display_for_field: show decimals as typed instead.
        return self._as_typed(fields)

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj)]
        if self._viewed_only(request, obj):
            # Named as read-only too, so the form (never shown for editing) leaves them out.
            readonly += [name + SUFFIX for name in self._decimal_names]
        return self._as_typed(readonly)
