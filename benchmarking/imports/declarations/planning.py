"""Planning a declaration import: match each read row to the stored declarations, and
plan what it creates or changes, or why it cannot.

A new row is recorded as the workflow would have made it (``services.workflow``), graded by
the one grading path (``rules.regrade``); only drafts and returned declarations may change.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from ...access import enterprise_scope
from ...models import Declaration, DeclarationAction, DeclarationItem, Enterprise, Standard, TechnicalScheme
from ...rules import regrade
from ...services.errors import CLOCK_TOLERANCE
from ...services.workflow import apply_move, start_declaration
from ..common import (
    BACKDATED,
    changed_fields,
    first_rows,
    for_new,
    is_backdated,
    locked,
    note_change,
    same_moment,
    same_value,
    squeezed_text,
)
from ..engine import Blank, Cleared, FieldChange, ImportPlan, RowReader, unmarked
from .rows import FIXED, DeclarationRow, S, read_cells, require_every_value, resolve

# The comment of every event an import records as it happens (a draft, a submission) …
COMMENT = "批量导入"


def comment_for(at: dt.datetime, now: dt.datetime) -> str:
    """… and of a move dated before the import: 补录 (a historic record entered after the fact)."""
    return BACKDATED if is_backdated(at, now) else COMMENT


def plan_rows(plan: ImportPlan, rows: list[RowReader], actor) -> None:
    plan.item_creates, plan.item_updates = [], []
    read = [read_cells(row) for row in rows]
    enterprises = {
        e.credit_code: e
        for e in Enterprise.objects.filter(credit_code__in={r["code"] for r in read if r["code"]}).only(
            "id", "credit_code", "name", "branch_office_id"
        )
    }
    schemes = {
        s.code: s
        for s in TechnicalScheme.objects.filter(code__in={r["scheme"] for r in read if r["scheme"]})
        # The value columns need each scheme's indicators: one query for all of them.
        .prefetch_related("indicators")
    }
    standards = {
        s.number: s
        for s in Standard.objects.filter(number__in={r["standard"] for r in read if r["standard"]}).only(
            "id", "number"
        )
    }
    scope = enterprise_scope(actor, write=True)
    now = timezone.now()
    parsed = [resolve(plan, r, enterprises, schemes, standards, scope, now) for r in read]
    parsed = [p for p in parsed if p is not None]

    # Duplicate keys within the file: open declarations on their key, withdrawn ones on
    # their key and publication (one product may be declared, withdrawn and declared again).
    first_rows(
        ((row.reader, file_key(row)) for row in parsed),
        _("与第 %(row)d 行是同一企业、同一方案、同一产品型号的声明，但内容不同：请核对后只保留一行。"),
        "产品型号",
    )

    open_by_key, withdrawn_by_key = stored_matches(parsed)
    stored_items = items_of([*open_by_key.values(), *(d for ds in withdrawn_by_key.values() for d in ds)])
    for row in parsed:
        if row.reader.failed:
            continue
        if row.status == S.WITHDRAWN:
            record = next(
                (
                    d
                    for d in withdrawn_by_key.get(row.key, ())
                    if same_moment(row.published_at, d.published_at)
                ),
                None,
            )
        else:
            record = open_by_key.get(row.key)
        if record is None:
            plan_create(plan, row, actor, now)
        else:
            plan_update(plan, row, record, stored_items.get(record.pk, []))


def check_scheme(row, scheme, status, published_at) -> None:
    """A new declaration, or one whose status changes, stands against a scheme in force. An
    existing draft whose scheme was withdrawn since still imports back as it exported."""
    if status in (S.PUBLISHED, S.WITHDRAWN):
        if published_at is None:
            return
        # A historic result stands against a scheme that was in force when it was published.
        if scheme.published_at is None or scheme.published_at > published_at + CLOCK_TOLERANCE:
            row.problem(_("技术方案“%(code)s”在该发布时间尚未发布。") % {"code": scheme.code}, "发布时间")
        elif scheme.withdrawn_at is not None and scheme.withdrawn_at < published_at:
            row.problem(_("技术方案“%(code)s”在该发布时间之前已撤销。") % {"code": scheme.code}, "发布时间")
    elif scheme.status != "published":
        row.problem(
            _("只能对已发布的技术方案作出声明，方案“%(code)s”当前为“%(status)s”。")
            % {"code": scheme.code, "status": scheme.get_status_display()},
            "方案编号",
        )


def file_key(row: DeclarationRow) -> tuple:
    if row.status == S.WITHDRAWN:
        return (*row.key, "withdrawn", row.published_at.replace(second=0, microsecond=0))
    return row.key


def stored_matches(parsed: list[DeclarationRow]):
    """The stored declarations the rows may match: open ones by key, withdrawn ones by key
    (a list: a product may have been withdrawn more than once)."""
    keys = {row.key for row in parsed if not row.reader.failed}
    open_by_key, withdrawn_by_key = {}, {}
    if not keys:
        return open_by_key, withdrawn_by_key
    # Not filtered on the model: a model typed in the app with two spaces is the file's
    # one-space model (cells.text), so the key is compared as the importer reads it.
    candidates = locked(
        Declaration.objects.filter(enterprise_id__in={k[0] for k in keys}, scheme_id__in={k[1] for k in keys})
        # The preview prints str(record), which names the enterprise.
        .select_related("enterprise")
    )
    for declaration in candidates:
        key = (declaration.enterprise_id, declaration.scheme_id, squeezed_text(declaration.product_model))
        if key not in keys:
            continue
        if declaration.status == S.WITHDRAWN:
            withdrawn_by_key.setdefault(key, []).append(declaration)
        else:
            open_by_key[key] = declaration
    return open_by_key, withdrawn_by_key


def items_of(declarations) -> dict[int, list[DeclarationItem]]:
    items: dict[int, list[DeclarationItem]] = {}
    ids = [d.pk for d in declarations]
    if ids:
        for item in DeclarationItem.objects.filter(declaration_id__in=ids):
            items.setdefault(item.declaration_id, []).append(item)
    return items


def plan_create(plan: ImportPlan, row: DeclarationRow, actor, now) -> None:
    if row.status == S.RETURNED:
        # Returned is the bureau's answer to a submission, with its comment: not a starting state.
        row.reader.problem(_("已退回的声明请在系统中处理。"), "状态")
        return
    require_every_value(row)
    check_scheme(row.reader, row.scheme, row.status, row.published_at)
    if row.reader.failed:
        return
    indicators = {i.pk: i for i in row.scheme.indicators.all()}
    declaration = Declaration(
        enterprise=row.enterprise, scheme=row.scheme, product_model=row.product_model, **for_new(row.details)
    )
    # A historic record is recorded with the moves that led to its status, at its dates,
    # as the workflow makes them; staff entering records enter them as paper declarations.
    started = row.published_at or now
    events = [
        start_declaration(
            declaration, actor=actor, at=started, on_paper=True, comment=comment_for(started, now)
        )
    ]
    for action, at in moves_to(row, now):
        events.append(apply_move(declaration, action, at=at, actor=actor, comment=comment_for(at, now)))
    # One item per indicator of the scheme, as a declaration made in the app has.
    items = []
    for indicator_id in indicators:
        value, passed = unmarked(row.values.get(indicator_id, (None, None)))
        items.append(
            DeclarationItem(declaration=declaration, indicator_id=indicator_id, value=value, passed=passed)
        )
    regrade(declaration, [(item, indicators[item.indicator_id]) for item in items])
    declaration._import_items = items
    declaration._import_events = events
    plan.creates.append(declaration)


def plan_update(plan: ImportPlan, row: DeclarationRow, record: Declaration, items: list) -> None:
    details = row.details
    by_indicator = {item.indicator_id: item for item in items}
    value_changes = [
        (indicator_id, value)
        for indicator_id, value in row.values.items()
        if differs(by_indicator.get(indicator_id), value)
    ]
    editable = record.status not in FIXED and (
        row.status == record.status or (row.status == S.DRAFT and record.status == S.RETURNED)
    )
    if not editable:
        same = (
            row.status == record.status
            # A blank cell keeps the stored value, so it is the same (common.changed_fields).
            and all(
                same_value(getattr(record, name), unmarked(value))
                for name, value in details.items()
                if not isinstance(value, Blank)
            )
            and same_moment(row.published_at, record.published_at)
            and same_moment(row.withdrawn_at, record.withdrawn_at)
            and not value_changes
        )
        if same:
            plan.unchanged += 1
        elif record.status in FIXED:
            row.reader.problem(_("已发布的声明不能通过导入修改（请撤回后重新声明）。"))
        else:
            row.reader.problem(
                _("状态不能通过导入修改：该声明当前为“%(status)s”，提交、发布等请在系统中办理。")
                % {"status": record.get_status_display()},
                "状态",
            )
        return
    # A draft or a returned declaration: its details and values may change.
    changed = changed_fields(record, details)
    if not changed and not value_changes:
        plan.unchanged += 1
        return
    indicators = {i.pk: i for i in row.scheme.indicators.all()}
    for indicator_id, in_file in value_changes:
        value, passed = unmarked(in_file)
        item = by_indicator.get(indicator_id)
        if item is None:
            item = DeclarationItem(declaration=record, indicator_id=indicator_id)
            plan.item_creates.append(item)
            items.append(item)
        else:
            plan.item_updates.append(item)
        note_change(
            record,
            FieldChange(
                "items",
                (item.value, item.passed),
                (value, passed),
                cleared=isinstance(in_file, Cleared),
                label=_("声明值·%(indicator)s") % {"indicator": indicators[indicator_id].name},
            ),
        )
        item.value, item.passed = value, passed
    before = (record.computed_grade, record.grade)
    regrade(record, [(i, indicators[i.indicator_id]) for i in items if i.indicator_id in indicators])
    for name, old in zip(("computed_grade", "grade"), before, strict=True):
        if getattr(record, name) != old:
            note_change(record, FieldChange(name, old, getattr(record, name)))
    if (record.computed_grade, record.grade) != before:
        changed += ["computed_grade", "grade"]
    if value_changes:
        changed.append("items")
    plan.updates.append((record, changed))


def moves_to(row: DeclarationRow, now) -> list[tuple[str, dt.datetime]]:
    """The workflow moves, with their moments, that take a new draft to the row's status."""
    if row.status == S.SUBMITTED:
        return [(DeclarationAction.SUBMIT, now)]
    if row.status == S.PUBLISHED:
        return [(DeclarationAction.PUBLISH, row.published_at)]
    if row.status == S.WITHDRAWN:
        return [(DeclarationAction.PUBLISH, row.published_at), (DeclarationAction.WITHDRAW, row.withdrawn_at)]
    return []


def differs(item: DeclarationItem | None, value) -> bool:
    """Whether a row's (value, passed) differs from the stored item (Decimals compare by value).
    A blank cell keeps the stored value; 〔清空〕 clears it."""
    if isinstance(value, Blank):
        return False
    value = unmarked(value)
    if item is None:
        return value != (None, None)
    return not (same_value(item.value, value[0]) and item.passed == value[1])
