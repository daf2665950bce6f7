"""The blank workbook staff download, fill in and import back: one sheet of data with the
kind's headers and one example row, and a notes sheet (``reading.NOTES_SHEET``, which the
import never reads) explaining every column.

The headers are exactly the ones the import matches, so a required column is marked by its
look (bold, red, a comment) and never by a "*" in its text. Columns with a fixed set of
values get a drop-down; text columns are formatted as text so Excel keeps a code's leading
zeros and never turns an 18-character credit code into 9.13E+17.
"""

import datetime as dt
import io
import re
from decimal import Decimal

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from .engine import ImportColumn, ImportKind
from .reading import MAX_IMPORT_BYTES, NOTES_SHEET

__all__ = ["DATA_ROWS", "template_columns", "template_filename", "template_workbook"]

# The drop-downs and the text format cover this many rows below the header.
DATA_ROWS = 10000
# Excel's limit on a list typed into a validation rule (the values joined by commas).
_INLINE_LIST_LIMIT = 255
# The hidden sheet that holds the longer lists a drop-down refers to.
_LISTS_SHEET = "可选值"


def template_columns(kind: ImportKind) -> tuple[ImportColumn, ...]:
    """The columns a template offers: a kind whose columns depend on the data (declarations:
    指标N/声明值N pairs up to the longest scheme) says so through ``template_columns()``."""
    columns = getattr(kind, "template_columns", None)
    return tuple(columns() if callable(columns) else kind.columns)


def template_filename(kind: ImportKind) -> str:
    return f"{kind.label}导入模板.xlsx"


def _sheet_title(kind: ImportKind) -> str:
    # Excel refuses these characters in a sheet's name, and names longer than 31.
    return re.sub(r"[\[\]:*?/\\]", "_", kind.label)[:31] or kind.key[:31]


def _is_number(value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _choices_text(column: ImportColumn) -> str:
    return " / ".join(str(choice) for choice in column.choices)


def template_workbook(kind: ImportKind) -> bytes:
    """The kind's import template as .xlsx bytes."""
    columns = template_columns(kind)
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    header = workbook.add_format(
        {"bg_color": "#E8F0FB", "border": 1, "text_wrap": True, "valign": "vcenter", "num_format": "@"}
    )
    required_header = workbook.add_format(
        {
            "bold": True,
            "font_color": "#B3261E",
            "bg_color": "#E8F0FB",
            "border": 1,
            "text_wrap": True,
            "valign": "vcenter",
            "num_format": "@",
        }
    )
    text = workbook.add_format({"num_format": "@"})
    example_text = workbook.add_format({"num_format": "@", "font_color": "#5B6575", "italic": True})
    example_date = workbook.add_format({"num_format": "yyyy-mm-dd", "font_color": "#5B6575", "italic": True})
    example_number = workbook.add_format({"font_color": "#5B6575", "italic": True})
    date_column = workbook.add_format({"num_format": "yyyy-mm-dd"})

    sheet = workbook.add_worksheet(_sheet_title(kind))
    notes = workbook.add_worksheet(NOTES_SHEET)
    lists = None  # created on first need, after the notes, and hidden
    sheet.freeze_panes(1, 0)
    sheet.set_row(0, 30)

    for index, column in enumerate(columns):
        example = column.example
        width = min(40, max(12, 2 * len(column.header) + 4, len(str(example)) + 4))
        # A column whose example is a date or a number takes typed dates and numbers; every
        # other one is text, so codes, phone numbers and standard numbers stay as typed.
        if isinstance(example, dt.date):
            sheet.set_column(index, index, width, date_column)
        elif _is_number(example):
            sheet.set_column(index, index, width)
        else:
            sheet.set_column(index, index, width, text)
        sheet.write_string(0, index, column.header, required_header if column.required else header)
        if column.required:
            sheet.write_comment(0, index, "必填列：表头不可删除或改名。", {"x_scale": 1.5})
        # The example row: shown in grey italics and named in the notes, so it is not imported by mistake.
        if isinstance(example, dt.datetime):
            sheet.write_datetime(1, index, example.replace(tzinfo=None), example_date)
        elif isinstance(example, dt.date):
            sheet.write_datetime(1, index, dt.datetime.combine(example, dt.time()), example_date)
        elif _is_number(example):
            sheet.write_number(1, index, float(example), example_number)
        elif isinstance(example, bool):
            sheet.write_string(1, index, "是" if example else "否", example_text)
        elif example not in (None, ""):
            # write_string, never write(): an example is never run as a formula.
            sheet.write_string(1, index, str(example), example_text)

        if column.choices:
            values = [str(choice) for choice in column.choices]
            inline = ",".join(values)
            if len(inline) <= _INLINE_LIST_LIMIT and not any("," in v or '"' in v for v in values):
                source = values
            else:
                if lists is None:
                    lists = workbook.add_worksheet(_LISTS_SHEET)
                    lists.hide()
                for row, value in enumerate(values):
                    lists.write_string(row, index, value)
                letter = xl_col_to_name(index)
                source = f"='{_LISTS_SHEET}'!${letter}$1:${letter}${len(values)}"
            sheet.data_validation(
                1,
                index,
                DATA_ROWS,
                index,
                {
                    "validate": "list",
                    "source": source,
                    "ignore_blank": True,
                    "error_type": "warning",
                    "error_title": column.header[:32],
                    "error_message": "请从下拉列表中选择。",
                },
            )

    _write_notes(workbook, notes, kind, columns)
    workbook.close()
    return buffer.getvalue()


def _write_notes(workbook, notes, kind: ImportKind, columns) -> None:
    title = workbook.add_format({"bold": True, "font_size": 13})
    head = workbook.add_format({"bold": True, "bg_color": "#E8F0FB", "border": 1})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    required = workbook.add_format({"bold": True, "font_color": "#B3261E", "valign": "top"})
    notes.set_column(0, 0, 22)
    notes.set_column(1, 1, 8)
    notes.set_column(2, 2, 60)
    notes.set_column(3, 4, 28)

    lines = [
        f"{kind.label}导入模板 · 填写说明",
        f"1. 在第一个工作表“{_sheet_title(kind)}”中填写，每行一条记录；第一行为表头，请勿修改、删除或合并表头。",
        "2. 第 2 行（灰色斜体）是示例，导入前请删除或改写为真实数据，否则它也会被导入。",
        "3. 红色加粗的列为必填列；其余列可以留空或整列删除。",
        "4. 只填写数值，不要使用公式或合并单元格；有下拉列表的列请从列表中选择。",
        "5. 可保存为 .xlsx，或另存为 CSV（UTF-8）；文件不超过 "
        f"{MAX_IMPORT_BYTES // (1024 * 1024)} MB。本“{NOTES_SHEET}”工作表不会被导入，可保留。",
        "6. 导入前系统会先列出将新增、更新和不变的条数及全部问题，确认后才写入；有问题时不写入任何数据，"
        "也可以选择只导入无误的行，并下载有问题的行改正后重新上传。",
    ]
    for row, line in enumerate(lines):
        notes.write_string(row, 0, line, title if row == 0 else None)
    start = len(lines) + 1
    for col, text in enumerate(("列名", "是否必填", "说明", "可选值", "示例")):
        notes.write_string(start, col, text, head)
    for offset, column in enumerate(columns, start=1):
        row = start + offset
        notes.write_string(row, 0, column.header, wrap)
        notes.write_string(
            row, 1, "必填" if column.required else "可选", required if column.required else wrap
        )
        notes.write_string(row, 2, column.note or "", wrap)
        notes.write_string(row, 3, _choices_text(column), wrap)
        example = column.example
        if isinstance(example, bool):
            example = "是" if example else "否"
        elif isinstance(example, dt.datetime | dt.date):
            example = example.strftime("%Y-%m-%d")
        notes.write_string(row, 4, "" if example is None else str(example), wrap)
    notes.freeze_panes(start + 1, 0)
