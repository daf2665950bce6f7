"""benchmarking.exports: formula-like text is neutralised, numbers stay numbers."""

import io
from decimal import Decimal

import openpyxl

from benchmarking.exports import Column, Sheet, csv_lines, xlsx_response

COLUMNS = [Column("名称", lambda r: r[0]), Column("数值", lambda r: r[1])]
ROWS = [("=1+1", -5), ("-20型", Decimal("-0.5")), ("普通", 3)]


def test_csv_prefixes_formula_like_text_and_leaves_negative_numbers_alone():
    lines = list(csv_lines(COLUMNS, ROWS))
    assert lines[0].startswith("\ufeff名称")
    assert lines[1:] == ["'=1+1,-5\r\n", "'-20型,-0.5\r\n", "普通,3\r\n"]


def test_xlsx_keeps_the_value_and_marks_the_cell_as_text(db):
    response = xlsx_response("t.xlsx", [Sheet("表", COLUMNS, ROWS)])
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["表"]
    rows = list(sheet.iter_rows(min_row=2))
    assert [(r[0].value, r[1].value) for r in rows] == [("=1+1", -5), ("-20型", -0.5), ("普通", 3)]
    assert rows[0][0].data_type == "s" and rows[0][0].quotePrefix
    assert rows[1][0].quotePrefix and not rows[2][0].quotePrefix
