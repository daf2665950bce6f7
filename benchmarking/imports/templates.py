"""The blank workbook staff download, fill in and import back: one sheet of data with the
kind's headers and one example row, and a notes sheet (``reading.NOTES_SHEET``, which the
import never reads) explaining every column.

The headers are exactly the ones the import matches, so a required column is marked by its
look (bold, red, a comment) and never by a "*" in its text. Every column with a set of values
gets a drop-down: the fixed ones (是/否, 状态) and those the database holds for the user
downloading (所属监管所, 行业, 方案编号), listed on the hidden ``LISTS_SHEET`` and read at each
download, so a new office is offered at once. Text columns are formatted as text so Excel
keeps a code's leading zeros and never turns an 18-character credit code into 9.13E+17.

The example row is complete and imports without a problem (``ImportKind.template_example``
names what the database holds).
"""

import datetime as dt
import io
import re
from decimal import Decimal

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from ..sheet_layout import ColumnWidths, lay_out_xlsxwriter
from .cells import CLEAR_MARKER
from .engine import ImportColumn, ImportKind
from .reading import LISTS_SHEET, MAX_IMPORT_BYTES, NOTES_SHEET

__all__ = [
    "DATA_ROWS",
    "drop_down_values",
    "template_choices",
    "template_columns",
    "template_filename",
    "template_workbook",
]

# The drop-downs and the text format cover this many rows below the header.
DATA_ROWS = 10000
# Excel's limit on a list typed into a validation rule (the values joined by commas).
_INLINE_LIST_LIMIT = 255
# The notes sheet lists at most this many of a column's values (the drop-down has them all).
_NOTES_CHOICES = 30
# How a blank cell and the clear marker read (docs/domain.md, "Imports"), in the notes and on
# each optional column's header.
CLEAR_RULE = (
    f"更新已有记录时，空白单元格表示保持原值不变；要清空已有的内容，请在单元格中填写{CLEAR_MARKER}"
    f"（也可写 [清空]）。必填列不能清空。新增记录时，空白即为空（是/否列为否）。"
)


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


def template_choices(column: ImportColumn, actor=None) -> list[str]:
    """The values the column's drop-down offers ``actor``: its fixed choices, or those the
    database holds for them (``ImportColumn.options``)."""
    if column.choices:
        return [str(choice) for choice in column.choices]
    if column.options is not None:
        return [str(value) for value in column.options(actor)]
    return []


def drop_down_values(column: ImportColumn, actor=None) -> list[str]:
    """What the column's drop-down lists: its choices, and 〔清空〕 where an update may clear it."""
    values = template_choices(column, actor)
    if values and column.clearable and not column.required:
        values.append(CLEAR_MARKER)
    return values


def _choices_text(values: list[str]) -> str:
    shown = " / ".join(values[:_NOTES_CHOICES])
    return shown + (f" 等 {len(values)} 项，见下拉列表" if len(values) > _NOTES_CHOICES else "")


def template_workbook(kind: ImportKind, actor=None) -> bytes:
    """The kind's import template as .xlsx bytes, its drop-downs and example row drawn from
    what the database holds for ``actor`` (the user downloading it)."""
    columns = template_columns(kind)
    examples = {column.header: column.example for column in columns} | kind.template_example(actor)
    choices = {column.header: template_choices(column, actor) for column in columns}
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
    sheet.set_row(0, 30)
    widths = ColumnWidths([column.header for column in columns])
    column_formats = []

    for index, column in enumerate(columns):
        example = examples[column.header]
        widths.see(index, example)
        # A column whose example is a date or a number takes typed dates and numbers; every
        # other one is text, so codes, phone numbers and standard numbers stay as typed.
        if isinstance(example, dt.date):
            column_formats.append(date_column)
        elif _is_number(example):
            column_formats.append(None)
        else:
            column_formats.append(text)
        sheet.write_string(0, index, column.header, required_header if column.required else header)
        if column.required:
            sheet.write_comment(0, index, "必填列：表头不可删除或改名。", {"x_scale": 1.5})
        elif column.clearable:
            sheet.write_comment(0, index, CLEAR_RULE, {"x_scale": 2, "y_scale": 1.5})
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

        values = drop_down_values(column, actor)
        if values:
            inline = ",".join(values)
            # The database's lists grow (a new office): always on the lists sheet.
            if (
                column.options is None
                and len(inline) <= _INLINE_LIST_LIMIT
                and not any("," in v or '"' in v for v in values)
            ):
                source = values
            else:
                if lists is None:
                    lists = workbook.add_worksheet(LISTS_SHEET)
                    lists.hide()
                lists.write_string(0, index, column.header)
                for row, value in enumerate(values, start=1):
                    lists.write_string(row, index, value)
                letter = xl_col_to_name(index)
                source = f"='{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
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
                    "error_message": "请从下拉列表中选择。"
                    if column.options is None
                    else "不在下拉列表中：请确认系统中有此项（也可填写简码或简称）。",
                },
            )

    # Frozen header, a filter over the rows to fill in, widths from the header and the example.
    lay_out_xlsxwriter(sheet, widths, header_row=0, last_row=DATA_ROWS, formats=column_formats)
    _write_notes(workbook, notes, kind, columns, examples, choices)
    workbook.close()
    return buffer.getvalue()


def _write_notes(workbook, notes, kind: ImportKind, columns, examples: dict, choices: dict) -> None:
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
        "3. 红色加粗的列为必填列；其余列可以留空或整列删除（整列删除时，已有记录的这一项保持不变）。",
        f"4. {CLEAR_RULE}",
        "5. 只填写数值，不要使用公式或合并单元格；有下拉列表的列请从列表中选择。",
        "6. 可保存为 .xlsx，或另存为 CSV（UTF-8）；文件不超过 "
        f"{MAX_IMPORT_BYTES // (1024 * 1024)} MB。本“{NOTES_SHEET}”工作表不会被导入，可保留。",
        "7. 导入前系统会先列出将新增、更新和不变的条数及全部问题，以及每条更新的原值和新值（将清空的内容另行标出），"
        "确认后才写入；有问题时不写入任何数据，也可以选择只导入无误的行，并下载有问题的行改正后重新上传。",
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
        notes.write_string(row, 3, _choices_text(choices[column.header]), wrap)
        example = examples[column.header]
        if isinstance(example, bool):
            example = "是" if example else "否"
        elif isinstance(example, dt.datetime | dt.date):
            example = example.strftime("%Y-%m-%d")
        notes.write_string(row, 4, "" if example is None else str(example), wrap)
    notes.freeze_panes(start + 1, 0)
    notes.autofilter(start, 0, start + len(columns), 4)
