"""Importing records from a spreadsheet: read → plan (every problem, all at once) → commit
(all or nothing).

A kind of record (``ImportKind``) says which columns it reads, how a row becomes a record,
and how the records are matched on their natural key, so importing the same file twice
changes nothing the second time and an edited export updates exactly the edited cells.

``plan_import`` writes nothing: it reports how many rows would be created, updated or left
unchanged, and every problem as "第 N 行，列「X」：…", in the file's row order, then column
order (``ImportPlan.sort``). ``commit_import`` plans again inside one transaction and writes
only if there is no problem, with bulk statements (a fixed number of queries per batch, not
per row) and a change-history record per written row under the importing user — or, when the
clerk chose to import only the rows without problems (``valid_rows_only``), writes those rows
and skips the others, provided the file's problems are still exactly the ones the clerk saw
(``ImportPlan.problems_digest``).

Rows that repeat an earlier row cell for cell are merged into it with a notice
(``ImportKind.plan``); rows that share a key but differ are problems on both rows.
"""

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from ..access import may_import
from .cells import CellError, is_blank, is_clear_marker
from .reading import FileRefused, Table, read_table

__all__ = [
    "NOT_GIVEN",
    "PROBLEM_COLUMN",
    "Blank",
    "Cleared",
    "FieldChange",
    "FileRefused",
    "ImportColumn",
    "ImportKind",
    "ImportPlan",
    "Problem",
    "RowReader",
    "commit_import",
    "plan_import",
]


class _NotGiven:
    """The type of ``NOT_GIVEN``: there is one, and it is neither None nor blank."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self):
        return (_NotGiven, ())


# What a row reads for a column the file does not have: the record's stored value (or the
# model's default) stays.
NOT_GIVEN = _NotGiven()

# The column the problem-row workbook adds (``problem_rows``): read by no kind, skipped
# without remark, so the fixed workbook imports back as it is.
PROBLEM_COLUMN = "问题"


# A blank cell never erases (docs/domain.md, "Imports"): a row reads a blank cell of a column
# that may be cleared as ``Blank`` and a cell holding the clear marker (cells.is_clear_marker)
# as ``Cleared``, each carrying what the column's parser reads from a blank cell.
# ``common.changed_fields`` skips a Blank and applies a Cleared; ``common.for_new`` gives a new
# record either one's value. Both are falsy, like the blank they stand for.


@dataclass(frozen=True)
class Blank:
    """A blank cell: the stored value stays on an update; a new record gets ``value``."""

    value: object

    def __bool__(self) -> bool:
        return False


@dataclass(frozen=True)
class Cleared:
    """A cell that says 〔清空〕: the stored value is cleared to ``value``, what a blank cell
    gives a new record."""

    value: object

    def __bool__(self) -> bool:
        return False


def unmarked(value):
    """The value a Blank or Cleared stands for; any other value as it is."""
    return value.value if isinstance(value, Blank | Cleared) else value


@dataclass(frozen=True)
class FieldChange:
    """One field of a stored record that an import changes, as the preview shows it: the
    stored value, the file's, and whether the file cleared it with 〔清空〕. ``label`` names
    a change that is not a model field's (a declaration's value for one indicator)."""

    field: str
    old: object
    new: object
    cleared: bool = False
    label: str = ""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file; ``row`` and ``column`` say where, when it is a place."""

    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        if self.row is not None and self.column:
            return _("第 %(row)d 行，列「%(column)s」：%(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        if self.row is not None:
            return _("第 %(row)d 行：%(message)s") % {"row": self.row, "message": self.message}
        return self.message


@dataclass(frozen=True)
class ImportColumn:
    """A column the import reads: its header (the export's and the template's) and the parser
    that turns a cell into a value (raising cells.CellError)."""

    header: str
    parse: Callable[[object], object]
    required: bool = False  # the column must be in the file (its cells may still be blank)
    # What the template's notes sheet says about the column.
    note: str = ""
    example: object = ""
    # Choices offered as a drop-down in the template.
    choices: Sequence[str] = ()
    # Or the choices the database holds, for the user downloading the template (the offices
    # they may import into, the industries, the published schemes): read at each download, so
    # a new office is offered at once.
    options: Callable[[object], Sequence[str]] | None = None
    # Whether a blank cell keeps the stored value and 〔清空〕 clears it. Off for the columns
    # whose blank has a meaning of its own (a status and its dates, an indicator's name).
    clearable: bool = True


@dataclass
class ImportPlan:
    """What an import would do, and everything that stops it."""

    kind: "ImportKind"
    creates: list = field(default_factory=list)
    # (record, [changed field names]); the record's ``_import_changes`` lists each change's
    # old and new value (FieldChange), for the preview.
    updates: list = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    # What the clerk should know that does not stop the import (say, an exact duplicate row
    # merged, or a credit code registered outside the county): shown in the preview.
    notices: list[Problem] = field(default_factory=list)
    # Columns of the file the import does not read (the export's computed ones, notes): shown, not refused.
    ignored_columns: list[str] = field(default_factory=list)
    rows: int = 0
    # The uploaded file's name, for the change history.
    file_name: str = ""
    # The sheet row taken as the header (rows above it — a title, a note — are ignored).
    header_row: int = 1
    # The numbers of the data rows read (merged duplicates excluded): a problem on one of these
    # is the row's own; any other problem (a missing column, a merged cell) is the file's.
    data_rows: frozenset[int] = frozenset()
    # The data rows handed to the kind (``rows`` of them).
    read_rows: frozenset[int] = frozenset()
    # Rows with no problem of their own that are not written because a row they belong with
    # has one (a scheme's rows are written together): row number → why.
    held: dict[int, str] = field(default_factory=dict)
    # Whether the plan was carried out (commit_import).
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def count_in(self, record, changed: list[str] | None) -> None:
        """A checked row's record: created (``changed`` None), updated, or unchanged."""
        if changed is None:
            self.creates.append(record)
        elif changed:
            self.updates.append((record, changed))
        else:
            self.unchanged += 1

    @property
    def history_reason(self) -> str:
        """The change reason of every history record the import writes:
        "批量导入：<文件名>（<导入类型>）", the file name cut to fit the history's 100 characters."""
        return self._reason(_("批量导入：%(file)s（%(kind)s）"))

    @property
    def backdated_history_reason(self) -> str:
        """The change reason of a historic record the import creates at its past dates
        (docs/domain.md, "Dates that do not rewrite the past")."""
        return self._reason(_("补录：批量导入：%(file)s（%(kind)s）"))

    def _reason(self, reason: str) -> str:
        room = HISTORY_REASON_LENGTH - len(reason % {"file": "", "kind": self.kind.label})
        name = self.file_name if len(self.file_name) <= room else self.file_name[: room - 1] + "…"
        return reason % {"file": name, "kind": self.kind.label}

    @property
    def problem_rows(self) -> list[int]:
        """The data rows with a problem: the rows an import of the valid rows skips."""
        return sorted({p.row for p in self.problems if p.row in self.data_rows} | set(self.held))

    @property
    def valid_rows(self) -> int:
        """How many rows the kind read have no problem: the rows an import of the valid rows writes."""
        return len(self.read_rows - set(self.problem_rows))

    @property
    def only_rows_problems(self) -> bool:
        """Whether there are problems and every one belongs to a data row (none to the file as a whole)."""
        return bool(self.problems) and all(p.row in self.data_rows for p in self.problems)

    @property
    def valid_rows_importable(self) -> bool:
        """Whether the clerk may import the rows without problems and skip the others: every
        problem belongs to a data row, and some row has none."""
        return self.only_rows_problems and self.valid_rows > 0

    @property
    def problems_digest(self) -> str:
        """A fingerprint of the problems as the preview lists them: the confirmation of a
        partial import carries it, and nothing is written if the file's problems differ."""
        text = "\n".join(
            [*(str(p) for p in self.problems), *(f"{n}:{why}" for n, why in sorted(self.held.items()))]
        )
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def sort(self, column_order: dict[str, int]) -> None:
        """Problems and notices in row order, then column order (the file's); the file's own
        problems (no row) first, and within a row the ones about the whole row last."""

        def key(problem: Problem):
            row = -1 if problem.row is None else problem.row
            column = (
                column_order.get(problem.column, len(column_order))
                if problem.column
                else len(column_order) + 1
            )
            return (row, column)

        self.problems.sort(key=key)
        self.notices.sort(key=key)

    def add(self, message: str, row: int | None = None, column: str | None = None) -> None:
        self.problems.append(Problem(message=message, row=row, column=column))

    def notice(self, message: str, row: int | None = None, column: str | None = None) -> None:
        self.notices.append(Problem(message=message, row=row, column=column))


# simple-history's history_change_reason column.
HISTORY_REASON_LENGTH = 100


class RowReader:
    """One data row's cells by header, each parsed by its column; a cell that does not
    parse is recorded on the plan as a problem and read as None. A column the file does not
    have reads as ``NOT_GIVEN``, unparsed (see ``given``); in a clearable column a blank cell
    reads as ``Blank`` and the clear marker as ``Cleared``."""

    def __init__(self, plan: ImportPlan, number: int, cells: list, positions: dict[str, int], columns):
        self.plan, self.number, self.cells, self.positions, self.columns = (
            plan,
            number,
            cells,
            positions,
            columns,
        )
        self.failed = False

    def __getitem__(self, header: str):
        position = self.positions.get(header)
        if position is None:
            if header not in self.columns:  # a header no column declares: a bug in the kind
                raise KeyError(header)
            return NOT_GIVEN
        raw = self.cells[position] if position < len(self.cells) else None
        column = self.columns[header]
        if is_clear_marker(raw):
            return self._cleared(column)
        try:
            value = column.parse(raw)
        except CellError as error:
            self.problem(error.message, header)
            return None
        if column.clearable and is_blank(raw):
            return Blank(value)
        return value

    def _cleared(self, column: ImportColumn):
        if not column.clearable:
            self.problem(_("此列不能用〔清空〕清空，请填写具体内容或留空。"), column.header)
            return None
        try:
            return Cleared(column.parse(None))
        except CellError:  # the column's cells may not be blank
            self.problem(_("必填项，不能清空。"), column.header)
            return None

    def given(self, header: str) -> bool:
        """Whether the file has the column (its cell in this row may still be blank)."""
        return header in self.positions

    def problem(self, message: str, column: str | None = None) -> None:
        self.failed = True
        self.plan.add(message, row=self.number, column=column)

    def hold(self, message: str) -> None:
        """Leave this row unwritten, though it has no problem of its own (``ImportPlan.held``)."""
        self.failed = True
        self.plan.held[self.number] = message


class ImportKind:
    """One kind of record that can be imported. Subclasses set ``columns`` and write
    ``plan_rows`` (read, match and validate; no writes) and ``write`` (the bulk writes)."""

    key: str = ""
    label: str = ""
    columns: tuple[ImportColumn, ...] = ()
    # Columns an export of this kind has beyond what an import reads: skipped without remark.
    export_only: frozenset[str] = frozenset()

    def may_import(self, actor) -> bool:
        """Whether ``actor`` may import this kind at all: ``access.may_import`` holds the rule."""
        return may_import(actor, self.key)

    def template_example(self, actor) -> dict[str, object]:
        """The template's example row where it must name what the database holds (an office,
        an industry, a scheme), by header, over the columns' own examples: the example row of
        a downloaded template imports without a problem."""
        return {}

    def is_known_header(self, text: str) -> bool:
        """Whether ``text`` names a column of this kind's files: what finds the header row
        below a sheet's title rows (``reading.header_index``)."""
        return (
            text == PROBLEM_COLUMN or text in self.export_only or any(c.header == text for c in self.columns)
        )

    def plan_rows(self, plan: ImportPlan, rows: list[RowReader], actor) -> None:
        raise NotImplementedError

    def write(self, plan: ImportPlan, actor) -> None:
        raise NotImplementedError

    # -- shared by every kind --------------------------------------------------------------

    def plan(self, table: Table, actor) -> ImportPlan:
        plan = ImportPlan(kind=self, header_row=table.header_row)
        positions = self._positions(table, plan)
        column_order: dict[str, int] = {}
        for index, header in enumerate(table.headers):
            column_order.setdefault(header, index)
        if plan.problems:
            return plan
        columns = {column.header: column for column in self.columns}
        readers = []
        header_texts = [h for h in table.headers if h]
        first_of: dict[tuple, int] = {}
        for number, cells in table.rows:
            texts = ["".join(str(c).split()) for c in cells if c not in (None, "")]
            if texts and sum(t in header_texts for t in texts) >= max(2, len(texts) // 2 + 1):
                plan.add(_("这一行与表头相同，像是第二个表头行，请删除后再导入。"), row=number)
                continue
            same = _content(
                cells, skip=table.headers.index(PROBLEM_COLUMN) if PROBLEM_COLUMN in table.headers else None
            )
            if same in first_of:
                plan.notice(
                    _("与第 %(row)d 行完全相同，已合并为一条（只导入一次）。") % {"row": first_of[same]},
                    row=number,
                )
                continue
            first_of[same] = number
            readers.append(RowReader(plan, number, cells, positions, columns))
        for ref in table.merged:
            plan.add(_("单元格 %(ref)s 是合并单元格：请取消合并，并在每一行分别填写。") % {"ref": ref})
        plan.rows = len(readers)
        plan.data_rows = frozenset(number for number, _cells in table.rows)
        plan.read_rows = frozenset(reader.number for reader in readers)
        if not readers and not plan.problems:
            plan.add(_("表头之下没有任何数据行。"))
            return plan
        self.plan_rows(plan, readers, actor)
        plan.sort(column_order)
        return plan

    def _positions(self, table: Table, plan: ImportPlan) -> dict[str, int]:
        known = {column.header for column in self.columns}
        positions: dict[str, int] = {}
        unknown = []
        for index, header in enumerate(table.headers):
            if not header:
                continue
            if header == PROBLEM_COLUMN and header not in known:
                continue  # the problem-row workbook's remarks
            if header in positions:
                plan.add(_("表头中「%(header)s」出现了两次。") % {"header": header}, row=table.header_row)
            elif header in known:
                positions[header] = index
            elif header not in self.export_only:
                unknown.append(header)
        missing = [c.header for c in self.columns if c.required and c.header not in positions]
        if missing:
            hint = ""
            if unknown:
                hint = _("（文件中有未识别的列：%(unknown)s，是否改动了列名？）") % {
                    "unknown": "、".join(f"「{h}」" for h in unknown)
                }
            plan.add(
                _("缺少必需的列：%(missing)s%(hint)s。请使用下载的模板，表头保持不变。")
                % {"missing": "、".join(f"「{h}」" for h in missing), "hint": hint},
                row=table.header_row,
            )
        plan.ignored_columns = unknown
        return positions


def _content(cells: list, *, skip: int | None) -> tuple:
    """A row's cells as compared for exact duplicates: every cell's text by the importer's
    whitespace rule (a number typed as 12.0 is 12), but the problem-row workbook's remarks."""
    values = [
        ""
        if cell is None
        else " ".join(str(int(cell) if isinstance(cell, float) and cell.is_integer() else cell).split())
        for index, cell in enumerate(cells)
        if index != skip
    ]
    while values and not values[-1]:
        values.pop()
    return tuple(values)


def read_for(kind: ImportKind, name: str, data: bytes) -> Table:
    """The file as ``kind`` reads it: its header found among the first rows by the kind's column names."""
    return read_table(name, data, is_header=kind.is_known_header)


def plan_import(kind: ImportKind, name: str, data: bytes, actor) -> ImportPlan:
    """Read the file and work out what importing it would do. Writes nothing."""
    if not kind.may_import(actor):
        raise PermissionError(f"{actor} may not import {kind.key}")
    try:
        table = read_for(kind, name, data)
    except FileRefused as refused:
        plan = ImportPlan(kind=kind, file_name=name)
        plan.add(refused.message)
        return plan
    plan = kind.plan(table, actor)
    plan.file_name = name
    return plan


def commit_import(
    kind: ImportKind,
    name: str,
    data: bytes,
    actor,
    *,
    valid_rows_only: bool = False,
    expected_problems: str | None = None,
) -> ImportPlan:
    """Plan again (the database may have changed since the preview) and write in one
    transaction: every row if nothing is wrong; or, with ``valid_rows_only``, the rows without
    problems, skipping the others — only when the file's problems are still the ones the
    clerk saw (``expected_problems``, the preview's ``problems_digest``) and all of them are
    rows' problems. Returns the plan; ``plan.written`` says whether it was carried out
    (otherwise nothing was written)."""
    with transaction.atomic():
        plan = plan_import(kind, name, data, actor)
        if plan.ok:
            kind.write(plan, actor)
            plan.written = True
        elif valid_rows_only and plan.valid_rows_importable and plan.problems_digest == expected_problems:
            # The plan's records are those of the rows without problems: every kind leaves a
            # row with a problem out of ``creates`` and ``updates``.
            kind.write(plan, actor)
            plan.written = True
    return plan
