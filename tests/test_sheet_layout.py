"""Every .xlsx the app writes has a frozen header row, an autofilter over the header and its
rows, and columns sized to their content (benchmarking/sheet_layout.py), read back as Excel
would with openpyxl: list exports, the dashboard report, import templates, problem rows."""

import io

import openpyxl
import pytest
import xlsxwriter
from django.urls import reverse

from benchmarking.exports import Column, Sheet, xlsx_response
from benchmarking.imports import kinds
from benchmarking.imports.problem_rows import _workbook as problem_rows_workbook
from benchmarking.imports.reading import Table
from benchmarking.imports.templates import DATA_ROWS, template_workbook
from benchmarking.sheet_layout import MAX_WIDTH, SAMPLE_ROWS, ColumnWidths, text_width
from tests.factories import EnterpriseFactory


def width(sheet, letter: str) -> float:
    """The column's width as Excel reads it: a <col> may span neighbours of the same width."""
    index = openpyxl.utils.column_index_from_string(letter)
    spans = [d for d in sheet.column_dimensions.values() if d.min and d.min <= index <= d.max]
    assert spans, f"no width set for column {letter}"
    return spans[0].width


def test_a_cjk_character_is_two_narrow_ones():
    assert text_width("ABC") == 3
    assert text_width("永康市") == 6
    assert text_width("GB/T 1234 杯") == 12
    assert text_width(None) == 0


def test_widths_are_capped_and_never_too_narrow():
    widths = ColumnWidths(["甲", "说明"])
    widths.see_row(["", "很长" * 100])
    narrow, wide = widths.widths()
    assert narrow >= text_width("甲") and wide == MAX_WIDTH


def test_xlsxwriter_keeps_widths_set_after_the_rows_in_constant_memory_mode():
    """What the export relies on: <cols> is written at close, so widths measured while the rows
    streamed can still be set once they are written."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": False, "constant_memory": True})
    sheet = workbook.add_worksheet()
    for row in range(3):
        sheet.write_string(row, 0, "x")
    sheet.set_column(0, 0, 33)
    sheet.autofilter(0, 0, 2, 0)
    workbook.close()
    read = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    assert width(read, "A") == pytest.approx(33, abs=1)
    assert read.auto_filter.ref == "A1:A3"


def test_a_list_export_is_frozen_filtered_and_sized(client, bureau_staff, office):
    EnterpriseFactory(
        branch_office=office, name="永康市某某某某某某厨具制造有限公司", address="浙江省永康市" * 4
    )
    EnterpriseFactory(branch_office=office)
    client.force_login(bureau_staff)
    response = client.get(reverse("enterprise-export", kwargs={"fmt": "xlsx"}))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    headers = [cell.value for cell in sheet[1]]

    assert sheet.freeze_panes == "A2"
    last = openpyxl.utils.get_column_letter(len(headers))
    assert sheet.auto_filter.ref == f"A1:{last}{sheet.max_row}" and sheet.max_row == 3
    letter = {header: openpyxl.utils.get_column_letter(i) for i, header in enumerate(headers, start=1)}
    # A long name is wider than the short 联系人, and the name fits.
    assert width(sheet, letter["企业名称"]) > width(sheet, letter["联系人"])
    assert width(sheet, letter["企业名称"]) >= text_width("永康市某某某某某某厨具制造有限公司")


def test_only_the_first_rows_are_measured():
    rows = ["短"] * SAMPLE_ROWS + ["很长的一行" * 10]
    response = xlsx_response("t.xlsx", [Sheet("表", [Column("列", lambda r: r)], rows)])
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert width(sheet, "A") < text_width("很长的一行" * 10)
    assert sheet.auto_filter.ref == f"A1:A{SAMPLE_ROWS + 2}"  # yet every row is filtered


def test_the_dashboard_report_is_frozen_and_filtered_below_its_title_lines(client, manager, db):
    client.force_login(manager)
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("progress-report")).content))
    for sheet in book:
        # The title lines (scope, day, plan) stay above the frozen header.
        header_row = next(row[0].row for row in sheet.iter_rows() if row[1].value is not None)
        assert sheet.freeze_panes == f"A{header_row + 1}", sheet.title
        assert sheet.auto_filter.ref.startswith(f"A{header_row}:"), sheet.title


@pytest.mark.parametrize("key", list(kinds()))
def test_an_import_template_is_frozen_filtered_and_sized(key, bureau_staff, office):
    sheet = openpyxl.load_workbook(io.BytesIO(template_workbook(kinds()[key], bureau_staff))).worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert sheet.freeze_panes == "A2"
    last = openpyxl.utils.get_column_letter(len(headers))
    assert sheet.auto_filter.ref == f"A1:{last}{DATA_ROWS + 1}"
    widths = [width(sheet, openpyxl.utils.get_column_letter(i)) for i in range(1, len(headers) + 1)]
    # Each header fits its column.
    too_narrow = [(h, w) for h, w in zip(headers, widths, strict=True) if w < text_width(h)]
    assert not too_narrow


def test_a_problem_rows_workbook_is_frozen_filtered_and_sized():
    table = Table(
        headers=["统一社会信用代码", "企业名称"],
        header_row=1,
        rows=[(2, ["91330784MA2DXXXX1X", "甲"]), (3, ["x", "乙公司"]), (4, ["ok", "丙"])],
        merged=[],
    )
    data = problem_rows_workbook(
        table, {2: ["列「企业名称」：太短"], 3: ["统一社会信用代码格式不对，请核对后重新填写"]}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:C3"  # header and the two problem rows
    assert width(sheet, "C") > width(sheet, "B")  # the 问题 column's remarks are the longest
    assert width(sheet, "A") >= text_width("91330784MA2DXXXX1X")
