"""What the preview shows of an import's updates: for every changed field of every listed
row, the stored value and the file's (old → new), and which of them the file clears with
〔清空〕 (docs/domain.md, "Imports": a blank cell never erases).

The changes are the ones the planning noted on each record (``common.changed_fields``,
``common.note_change``). Values are shown as a person reads them — 是/否, a choice's label,
the name of a related record, a date — and the related records of the whole page are loaded
in one query per model, so the preview costs the same at 5 rows as at 200.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..numbers import plain_decimal
from .engine import FieldChange

__all__ = ["ShownChange", "ShownUpdate", "clears_anything", "describe_updates", "field_label"]

# Labels of changes a kind reports that are not a model field with a verbose_name (a reverse
# relation has none): the declarations kind reports changed values as "items".
_CHANGE_LABELS = {"items": gettext_lazy("声明值"), "benchmark_standards": gettext_lazy("对标标准")}


@dataclass(frozen=True)
class ShownChange:
    """One changed field as the preview prints it."""

    label: str
    old: str
    new: str
    cleared: bool


@dataclass(frozen=True)
class ShownUpdate:
    """One updated record: its name and every change to it."""

    record: str
    changes: list[ShownChange]

    @property
    def fields(self) -> str:
        """The fields set to a value from the file, "、"-separated."""
        return "、".join(c.label for c in self.changes if not c.cleared)

    @property
    def cleared(self) -> str:
        """The fields the file clears, "、"-separated."""
        return "、".join(c.label for c in self.changes if c.cleared)


def changes_of(record) -> list[FieldChange]:
    return getattr(record, "_import_changes", [])


def clears_anything(record) -> bool:
    """Whether the import clears any stored value of ``record`` (a 〔清空〕 cell)."""
    return any(change.cleared for change in changes_of(record))


def field_label(record, name: str) -> str:
    """The name the preview gives a changed field: its verbose_name, or the kind's own label."""
    if name in _CHANGE_LABELS:
        return str(_CHANGE_LABELS[name])
    try:
        verbose_name = getattr(record._meta.get_field(name), "verbose_name", None)
    except FieldDoesNotExist:  # a kind may report a change that is not a model field
        verbose_name = None
    return str(verbose_name) if verbose_name else name


def _model_field(record, name: str):
    """The record's own column ``name`` (by name or attname, "branch_office_id"); None for a
    reverse relation ("items") or a change that is no field."""
    try:
        field = record._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if field.concrete else None


def _related_ids(record, change: FieldChange):
    """(related model, id) for each side of a change to a foreign key given by its id."""
    field = _model_field(record, change.field)
    if field is None or not field.many_to_one:
        return
    for value in (change.old, change.new):
        if value is not None and not isinstance(value, models.Model):
            yield field.related_model, value


def _load_related(updates) -> dict:
    wanted: dict[type, set] = {}
    for record, _changed in updates:
        for change in changes_of(record):
            for model, pk in _related_ids(record, change):
                wanted.setdefault(model, set()).add(pk)
    # One query per related model (an office, an industry, a standard), whatever the rows.
    return {
        (model, pk): str(obj)
        for model, ids in wanted.items()
        for pk, obj in model.objects.in_bulk(ids).items()
    }


def shown_value(record, name: str, value, related: dict) -> str:
    """``value`` of field ``name`` as a person reads it; "（空）" for nothing."""
    if name == "items":  # a declaration's value for one indicator: (value, passed)
        number, passed = value
        if passed is not None:
            return _("符合") if passed else _("不符合")
        value = number
    if value is None or value == "" or value == [] or value == ():
        return _("（空）")
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list | tuple):
        return "；".join(str(v) for v in value)
    field = _model_field(record, name)
    if field is not None and field.many_to_one and not isinstance(value, models.Model):
        return related.get((field.related_model, value), str(value))
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, Decimal):
        return plain_decimal(value)  # 12.50 → 12.5, 1.2E+2 → 120
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _shown(record, change: FieldChange, related: dict) -> ShownChange:
    old = shown_value(record, change.field, change.old, related)
    new = shown_value(record, change.field, change.new, related)
    if change.cleared:
        # What is left after clearing: nothing, or the value a blank gives a new record (否, 0, …).
        new = _("（清空）") if new == _("（空）") else _("%(value)s（清空后的默认值）") % {"value": new}
    return ShownChange(
        label=change.label or field_label(record, change.field), old=old, new=new, cleared=change.cleared
    )


def describe_updates(updates: list[tuple]) -> list[ShownUpdate]:
    """The preview's rows for ``updates`` ((record, [changed field names]) as the plan holds
    them), each with old → new for every change."""
    related = _load_related(updates)
    shown = []
    for record, changed in updates:
        noted = changes_of(record)
        changes = [_shown(record, change, related) for change in noted]
        # A field a kind reports without noting its old value (none today): named, values unknown.
        covered = {change.field for change in noted}
        changes += [
            ShownChange(label=field_label(record, name), old="—", new="—", cleared=False)
            for name in changed
            if name not in covered
        ]
        shown.append(ShownUpdate(record=str(record), changes=changes))
    return shown
