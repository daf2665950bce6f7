"""What the import kinds (enterprises, standards, schemes, declarations) share: the reference
lookups (offices and industries by name, code or alias: ``selectors.organisation``), the comparison of a file's values with the stored ones, the duplicate-key check,
row locks inside the commit, and the bulk writes with their history."""

import datetime as dt
from collections.abc import Callable, Hashable, Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from ..selectors.organisation import reference_lookup
from ..services.errors import CLOCK_TOLERANCE
from .engine import NOT_GIVEN, Blank, Cleared, FieldChange, ImportPlan, RowReader

__all__ = [
    "BACKDATED",
    "BATCH",
    "changed_fields",
    "first_rows",
    "for_new",
    "given",
    "headers",
    "is_backdated",
    "locked",
    "message_of",
    "note_change",
    "read_back_pks",
    "reference_lookup",
    "same_moment",
    "same_value",
    "save_in_bulk",
    "squeezed_text",
]

BATCH = 1000
# What the history of a historic record says: it was entered after the moves it records, which
# are dated when they happened (docs/domain.md, "Dates that do not rewrite the past"). The event
# comment of each back-dated move, and the change reason of each such record's creation.
BACKDATED = "补录：历史记录导入"
# An .xlsx export holds a number as a double written to 16 significant digits: two values
# closer than this, relative to their size, are the same number to a spreadsheet.
_SPREADSHEET_PRECISION = Decimal("1e-15")


def is_backdated(at: dt.datetime | None, now: dt.datetime) -> bool:
    """Whether a move dated ``at`` and recorded ``now`` is back-dated (补录)."""
    return at is not None and now - at > CLOCK_TOLERANCE


def headers(columns) -> list[str]:
    return [column.header for column in columns]


def given(values: dict) -> dict:
    """``values`` without the columns the file does not have (``NOT_GIVEN``): those keep the
    stored value on an update and the model's default on a create."""
    return {name: value for name, value in values.items() if value is not NOT_GIVEN}


def for_new(values: dict) -> dict:
    """``values`` for a new record: without the columns the file does not have (the model's
    default applies), a blank or cleared cell as what its parser reads from a blank."""
    return {
        name: value.value if isinstance(value, Blank | Cleared) else value
        for name, value in given(values).items()
    }


def squeezed_text(value: str) -> str:
    """Text as the importer reads a cell (inner runs of spaces made one, ends trimmed), so a
    value typed in the app with two spaces matches its export."""
    return " ".join(value.split())


def message_of(error: ValidationError) -> dict[str, list[str]]:
    """A model's ValidationError as {field name or "__all__": [sentences]}."""
    if hasattr(error, "error_dict"):
        return {
            name: [str(m) for e in errors for m in e.messages] for name, errors in error.error_dict.items()
        }
    return {"__all__": list(error.messages)}


def problems_on_row(row: RowReader, error: ValidationError, headers: dict[str, str]) -> None:
    """A model's validation error as the row's problems, each under the column of its field
    (``headers``: field name → column header; a field without a column, the row's)."""
    for name, messages in message_of(error).items():
        for message in messages:
            row.problem(message, headers.get(name))


def same_value(stored, in_file) -> bool:
    """Whether a file's value is the stored one as the export writes it: text compared after
    the importer's own whitespace rule, decimals to the precision a spreadsheet keeps (a
    stored 123456789012.123456 comes back from an .xlsx export as 123456789012.1235)."""
    if isinstance(stored, str) and isinstance(in_file, str):
        return squeezed_text(stored) == in_file
    if isinstance(stored, Decimal) and isinstance(in_file, Decimal):
        return (
            stored == in_file
            or abs(stored - in_file) <= max(abs(stored), abs(in_file)) * _SPREADSHEET_PRECISION
        )
    return stored == in_file


def changed_fields(record, values: dict) -> list[str]:
    """Set ``values`` on a stored ``record``; the names of the fields whose value really
    changed (``same_value``), each noted with its old value (``note_change``).

    This is where a blank cell never erases (docs/domain.md, "Imports"): a ``NOT_GIVEN``
    value (no such column) and a ``Blank`` one (a blank cell) keep the stored value; a
    ``Cleared`` one (the cell said 〔清空〕) clears it."""
    changed = []
    for name, value in values.items():
        if value is NOT_GIVEN or isinstance(value, Blank):
            continue
        cleared = isinstance(value, Cleared)
        if cleared:
            value = value.value
        old = getattr(record, name)
        if not same_value(old, value):
            setattr(record, name, value)
            note_change(record, FieldChange(name, old, value, cleared=cleared))
            changed.append(name)
    return changed


def note_change(record, change: FieldChange) -> None:
    """Keep ``change`` on the record for the preview (``imports.preview``)."""
    if not hasattr(record, "_import_changes"):
        record._import_changes = []
    record._import_changes.append(change)


def same_moment(in_file: dt.datetime | None, stored: dt.datetime | None) -> bool:
    """The export writes times to the minute (and .xlsx as a float of days, a hair either side
    of the second): less than a second apart or in the same local minute is the same time."""
    if in_file is None or stored is None:
        return in_file is stored
    if abs(in_file - stored) < dt.timedelta(seconds=1):
        return True
    minute = dict(second=0, microsecond=0)
    return timezone.localtime(in_file).replace(**minute) == timezone.localtime(stored).replace(**minute)


def first_rows(keyed: Iterable[tuple[RowReader, Hashable]], message: str, column: str) -> dict[Hashable, int]:
    """Each key's first row in the file. Rows that share a key are a problem on both: the
    later row gets ``message`` naming the first (as %(row)d), the first row the same naming
    the later one, so neither is written when the clerk imports only the rows without problems
    (which of them is right is the clerk's call). Blank keys are skipped. Rows identical cell
    for cell never get here: the engine merged them (``ImportKind.plan``)."""
    first_row_of: dict[Hashable, int] = {}
    first_reader: dict[Hashable, RowReader] = {}
    for row, key in keyed:
        if not key:
            continue
        if key in first_row_of:
            row.problem(message % {"row": first_row_of[key]}, column)
            first_reader[key].problem(message % {"row": row.number}, column)
        else:
            first_row_of[key] = row.number
            first_reader[key] = row
    return first_row_of


def locked(queryset):
    """The queryset, its rows locked when read inside a transaction (commit_import plans and
    writes in one), so nobody changes them between the plan's comparison and the bulk write
    (whose version is the read one plus one). A preview outside a transaction locks nothing."""
    if not transaction.get_connection(queryset.db).in_atomic_block:
        return queryset
    # "self": never the joined reference rows (and PostgreSQL refuses the nullable side of a join).
    return queryset.select_for_update(of=("self",))


def read_back_pks(
    records: list, model, *, fields: tuple[str, ...], key: Callable | None = None, load: tuple[str, ...] = ()
) -> None:
    """For a database whose bulk insert does not return the new keys: set each record's pk
    from the stored row with the same natural key. Rows are fetched by ``fields`` (a batch at
    a time); ``key`` (of a record or a stored row, with ``load`` read too) tells them apart
    when ``fields`` do not."""
    key = key or (lambda obj: tuple(getattr(obj, name) for name in fields))
    by_key = {key(record): record for record in records}
    loaded = set()
    for start in range(0, len(records), BATCH):
        batch = records[start : start + BATCH]
        stored = model.objects.filter(
            **{f"{name}__in": {getattr(r, name) for r in batch} for name in fields}
        ).only("pk", *fields, *load)
        for row in stored:
            record = by_key.get(key(row))
            if record is not None and row.pk not in loaded:
                loaded.add(row.pk)
                record.pk = row.pk
                record._state.adding = False


def bump(records: list, model, now) -> list[str]:
    """An import is an edit like any other: a stale open form must notice (version) and lists
    sort it as changed (updated_at). The names of the fields set."""
    extra = [name for name in ("version", "updated_at") if hasattr(model, name)]
    for record in records:
        if "version" in extra:
            record.version += 1
        if "updated_at" in extra:
            record.updated_at = now
    return extra


def save_in_bulk(model, plan: ImportPlan, actor, *, fields: list[str]) -> None:
    """Write the plan's new and changed records, a history record for each (by ``actor``,
    with the plan's ``history_reason``), in batches."""
    now = timezone.now()
    history = {"default_user": actor, "default_date": now, "default_change_reason": plan.history_reason}
    if plan.creates:
        bulk_create_with_history(plan.creates, model, batch_size=BATCH, **history)
    if plan.updates:
        records = [record for record, _changed in plan.updates]
        extra = bump(records, model, now)
        bulk_update_with_history(records, model, [*fields, *extra], batch_size=BATCH, **history)
