"""How every .xlsx the app writes is laid out, in one place: the header row frozen, an
autofilter over the header and its rows, and each column as wide as its content, a CJK
(full-width) character counting as two (Excel's column width is in narrow characters).

Both XlsxWriter and openpyxl writers use it: ``exports.xlsx_response`` (list exports and the dashboard report) and
``imports.templates`` through XlsxWriter (``lay_out_xlsxwriter``), and ``imports.problem_rows``
through openpyxl (``lay_out_openpyxl``).

Widths are measured on the header and the first ``SAMPLE_ROWS`` rows. XlsxWriter writes the
column widths (``<cols>``) when the workbook is closed, even in ``constant_memory`` mode
(tests/test_sheet_layout.py checks that widths set after the rows are kept), so a width could
follow every row; but measuring every cell of a 20,000-row export costs time for nothing, since
the first rows show a column's kind of content and a width is capped at ``MAX_WIDTH`` anyway.
Only one number per column is kept, so memory stays constant however long the sheet.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

__all__ = [
    "MAX_WIDTH",
    "MIN_WIDTH",
    "SAMPLE_ROWS",
    "ColumnWidths",
    "lay_out_openpyxl",
    "lay_out_xlsxwriter",
    "text_width",
]

SAMPLE_ROWS = 500
MIN_WIDTH = 6
MAX_WIDTH = 60  # a longer text (an address, a list of standards) wraps or is read in the cell
PADDING = 2  # room for the autofilter's drop-down arrow in the header and a margin


def text_width(value: Any) -> int:
    """The width ``value`` takes in a cell, in narrow characters: a CJK character (3 bytes in
    UTF-8) counts as 2, ASCII as 1; a date as its yyyy-mm-dd (hh:mm) text, a number as written."""
    if value is None:
        return 0
    if isinstance(value, str):
        # len + len(utf-8) halves to 1 per ASCII character and 2 per CJK one, in C, not per character in Python.
        return (len(value) + len(value.encode("utf-8", "surrogatepass"))) // 2
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, bool):
        return 2
    if isinstance(value, float | Decimal):
        return len(f"{value:,.2f}")
    return len(str(value))


class ColumnWidths:
    """The widest content seen in each column: the headers, then ``see_row`` for each row
    (rows after the first ``SAMPLE_ROWS`` are not measured)."""

    def __init__(self, headers: Sequence[Any]):
        self._widest = [text_width(header) for header in headers]
        self.rows_seen = 0

    @property
    def sampling(self) -> bool:
        return self.rows_seen < SAMPLE_ROWS

    def see(self, column: int, value: Any) -> None:
        width = text_width(value)
        if column >= len(self._widest):
            self._widest.extend([0] * (column + 1 - len(self._widest)))
        if width > self._widest[column]:
            self._widest[column] = width

    def see_row(self, values: Iterable[Any]) -> None:
        if self.sampling:
            for column, value in enumerate(values):
                self.see(column, value)
        self.next_row()

    def next_row(self) -> None:
        """One more row written (after ``see`` for each of its cells while ``sampling``)."""
        self.rows_seen += 1

    def widths(self) -> list[int]:
        return [min(max(widest + PADDING, MIN_WIDTH), MAX_WIDTH) for widest in self._widest]


def lay_out_xlsxwriter(
    worksheet,
    widths: ColumnWidths,
    *,
    header_row: int,
    last_row: int,
    formats: Sequence[Any] | None = None,
) -> None:
    """Freeze the rows down to ``header_row`` (0-based), filter ``header_row``–``last_row``
    over every column, and set each column's width (with its cell format, when ``formats``
    gives one: a column's format is set with its width). Call after the rows are written."""
    sized = widths.widths()
    worksheet.freeze_panes(header_row + 1, 0)
    if sized:
        worksheet.autofilter(header_row, 0, max(last_row, header_row), len(sized) - 1)
    for column, width in enumerate(sized):
        fmt = formats[column] if formats is not None and column < len(formats) else None
        worksheet.set_column(column, column, width, fmt)


def lay_out_openpyxl(sheet, widths: ColumnWidths, *, header_row: int, last_row: int) -> None:
    """``lay_out_xlsxwriter`` for an openpyxl sheet; ``header_row`` and ``last_row`` are 1-based."""
    from openpyxl.utils import get_column_letter

    sized = widths.widths()
    sheet.freeze_panes = f"A{header_row + 1}"
    if sized:
        sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(sized))}{max(last_row, header_row)}"
    for column, width in enumerate(sized, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
