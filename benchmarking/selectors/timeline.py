"""A declaration's full history as the portal and the review pages show it: who did what and
when, with the comment, built from the workflow events and the change-history tables."""

import datetime as dt
from dataclasses import dataclass, field
from itertools import pairwise

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..choices import Comparison
from ..models import (
    Declaration,
    DeclarationEvidence,
    DeclarationItem,
    Standard,
)
from ..services.errors import CLOCK_TOLERANCE
from .declarations import format_value


@dataclass
class TimelineEntry:
    """One line of a declaration's history."""

    at: dt.datetime
    actor: object  # a User, or None when the record has no user (a bulk load)
    title: str
    changes: list[str] = field(default_factory=list)
    comment: str = ""
    is_move: bool = False
    # When a move dated before its declaration was entered was recorded: it is 补录, a historic
    # record entered after the fact (None for a move recorded as it happened).
    entered_at: dt.datetime | None = None
    # Ties at the same instant keep the order in which they were written.
    order: tuple = ()


# The declaration's own fields an editor changes, as the history shows them.
_FIELD_LABELS = {
    "product_name": _("产品名称"),
    "product_model": _("产品型号"),
    "executed_standard_id": _("执行标准"),
    "declared_on": _("声明日期"),
    "national_platform_url": _("平台链接"),
    "override_grade": _("人工调整等级"),
}


def declaration_timeline(declaration: Declaration) -> list[TimelineEntry]:
    """Every step of the declaration, oldest first: each workflow move (who, from, to, why),
    each edit of its details or indicator values (old → new), each evidence file added or
    removed. Costs 4 queries; ``declaration`` should come from ``declarations_with_parts``.

    A move dated before the declaration was entered (an imported historic record's) is marked
    补录 with the time it was entered: moves made in the tracker are stamped when made
    (``services.errors.move_moment``), so only records entered after the fact have such moves."""
    entries: list[TimelineEntry] = []
    entered = declaration.created_at
    for event in declaration.events.all():
        title = event.get_action_display()
        if event.from_status:
            title = f"{title}：{event.get_from_status_display()} → {event.get_to_status_display()}"
        entries.append(
            TimelineEntry(
                at=event.at,
                actor=event.actor,
                title=title,
                comment=event.comment,
                is_move=True,
                entered_at=entered if entered - event.at > CLOCK_TOLERANCE else None,
                order=(event.at, 0, event.pk),
            )
        )

    # Edits of the declaration's own fields: consecutive history records compared.
    records = list(
        Declaration.history.filter(id=declaration.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    standard_ids = {r.executed_standard_id for r in records if r.executed_standard_id}
    standards = dict(Standard.objects.filter(pk__in=standard_ids).values_list("pk", "number"))

    def shown(name, value):
        if name == "executed_standard_id":
            return standards.get(value, "—")
        if value in (None, ""):
            return "—"
        return str(value)

    for before, after in pairwise(records):
        if before.status != after.status:
            # The save of a workflow move: its event says what happened; the dates the move
            # fills in (declared on submission) are not an edit of anyone's.
            continue
        changes = [
            f"{label}：{shown(name, getattr(before, name))} → {shown(name, getattr(after, name))}"
            for name, label in _FIELD_LABELS.items()
            if getattr(before, name) != getattr(after, name)
        ]
        if changes:
            entries.append(
                TimelineEntry(
                    at=after.history_date,
                    actor=after.history_user,
                    title=gettext("修改声明信息"),
                    changes=changes,
                    order=(after.history_date, 1, after.history_id),
                )
            )

    # Edits of indicator values, grouped per save (same user, same instant).
    indicator_names = {item.pk: item.indicator.name for item in declaration.items.all()}
    item_records = list(
        DeclarationItem.history.filter(declaration_id=declaration.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    last_seen: dict[int, tuple] = {}
    grouped: dict[tuple, TimelineEntry] = {}
    for record in item_records:
        now = (record.value, record.passed)
        before = last_seen.get(record.id)
        last_seen[record.id] = now
        if before is None:
            continue  # created with the declaration: its values show in the table
        if before == now:
            continue
        name = indicator_names.get(record.id, "?")
        change = f"{name}：{_value_text(*before)} → {_value_text(*now)}"
        key = (record.history_date.replace(microsecond=0), record.history_user_id)
        entry = grouped.get(key)
        if entry is None:
            entry = grouped[key] = TimelineEntry(
                at=record.history_date,
                actor=record.history_user,
                title=gettext("修改指标声明值"),
                order=(record.history_date, 2, record.history_id),
            )
            entries.append(entry)
        entry.changes.append(change)

    # Evidence added and removed.
    for record in (
        DeclarationEvidence.history.filter(declaration_id=declaration.pk)
        .exclude(history_type="~")
        .select_related("history_user")
        .order_by("history_date", "history_id")
    ):
        added = record.history_type == "+"
        entries.append(
            TimelineEntry(
                at=record.history_date,
                actor=record.history_user,
                title=gettext("上传证明材料") if added else gettext("删除证明材料"),
                changes=[record.title],
                order=(record.history_date, 3, record.history_id),
            )
        )
    entries.sort(key=lambda entry: entry.order)
    return entries


def _value_text(value, passed) -> str:
    if passed is not None:
        return str(Comparison.PASS.label if passed else Comparison.FAIL.label)
    if value is None:
        return "—"
    return format_value(value)
