"""The rows an import skipped, as a workbook the clerk fixes and uploads again: the file's
header, each problem row's cells as they were read, and a 问题 column (``engine.PROBLEM_COLUMN``)
saying what is wrong with the row. No kind reads that column, so the fixed workbook imports
back as it is (docs/domain.md, "Imports").
"""

import datetime as dt
import io

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill

from ..sheet_layout import ColumnWidths, lay_out_openpyxl
from .engine import PROBLEM_COLUMN, ImportKind, ImportPlan, read_for
from .reading import Formula, Table

__all__ = ["problem_rows_filename", "problem_rows_of", "problem_rows_workbook"]


def problem_rows_filename(kind: ImportKind) -> str:
    return f"{kind.label}导入问题行.xlsx"


def problem_rows_of(plan: ImportPlan) -> dict[int, list[str]]:
    """Each problem row's number → what is wrong with it, in the preview's order."""
    said: dict[int, list[str]] = {number: [] for number in plan.problem_rows}
    for problem in plan.problems:
        if problem.row in said:
            where = f"列「{problem.column}」：" if problem.column else ""
            said[problem.row].append(f"{where}{problem.message}")
    for number, why in plan.held.items():
        said[number].append(why)
    return said


def problem_rows_workbook(kind: ImportKind, name: str, data: bytes, actor) -> bytes:
    """The problem rows of ``data`` as planned for ``actor`` now, as .xlsx bytes (the caller
    has checked that ``actor`` may import ``kind``)."""
    table = read_for(kind, name, data)
    plan = kind.plan(table, actor)
    return _workbook(table, problem_rows_of(plan))


def _workbook(table: Table, said: dict[int, list[str]]) -> bytes:
    headers = list(table.headers)
    if PROBLEM_COLUMN in headers:  # a problem workbook uploaded again: its remarks are replaced
        at = headers.index(PROBLEM_COLUMN)
    else:
        at = len(headers)
        headers.append(PROBLEM_COLUMN)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "问题行"
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8F0FB")
    sheet.cell(1, at + 1).font = Font(bold=True, color="B3261E")
    widths = ColumnWidths(headers)
    row_at = 2
    for number, cells in table.rows:
        if number not in said:
            continue
        for index, value in enumerate(cells):
            if index != at:
                _put(sheet.cell(row_at, index + 1), value)
                widths.see(index, sheet.cell(row_at, index + 1).value)
        remark = sheet.cell(row_at, at + 1)
        remark.value = f"（原第 {number} 行）" + "；".join(said[number])
        widths.see(at, remark.value)
        widths.next_row()
        remark.data_type = "s"
        remark.alignment = Alignment(wrap_text=True, vertical="top")
        remark.font = Font(color="B3261E")
        row_at += 1
    # Frozen header, a filter over the rows, widths from the content (the 问题 column wraps at
    # sheet_layout.MAX_WIDTH).
    lay_out_openpyxl(sheet, widths, header_row=1, last_row=row_at - 1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _put(cell, value) -> None:
    """The cell as it was read: text stays text (never run as a formula, codes never turned
    into numbers), a formula comes back as its text, numbers and dates as themselves."""
    if isinstance(value, Formula):
        value = value.text if value.text.startswith("=") else f"={value.text}"
    if isinstance(value, str):
        # openpyxl refuses control characters in a cell; such a cell was a problem, said in 问题.
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
        cell.number_format = "@"
    elif isinstance(value, dt.datetime | dt.date | dt.time | int | float | bool) or value is None:
        cell.value = value
    else:
        cell.value = str(value)
