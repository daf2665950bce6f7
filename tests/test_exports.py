"""benchmarking.exports: formula-like text is neutralised, numbers stay numbers, choice labels
follow the active language."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.db.models import CharField
from django.utils import translation
from django.utils.functional import lazy

from benchmarking.exports import Column, Sheet, choice_label, csv_lines, xlsx_response
from benchmarking.models import Declaration, Indicator, TechnicalScheme

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


def test_choice_label_is_the_display_value_in_the_active_language():
    # A label that reads as the language it is rendered in, so the test needs no catalogue.
    field = CharField(choices=[("a", lazy(translation.get_language, str)()), ("b", "乙")])
    label = choice_label(field)
    for language in ("zh-hans", "en", "zh-hans"):  # cached per language: the second zh-hans too
        with translation.override(language):
            assert label("a") == language
            assert label("b") == "乙"
            assert label("zz") == "zz" and label(None) is None  # not a choice: shown as it is


@pytest.mark.parametrize(
    "model, name",
    [(TechnicalScheme, "status"), (Indicator, "direction"), (Declaration, "status"), (Declaration, "grade")],
)
def test_choice_label_gives_what_get_display_gives(model, name):
    field = model._meta.get_field(name)
    label = choice_label(field)
    for value in [*(value for value, _ in field.flatchoices), "", "unknown"]:
        assert label(value) == model(**{field.attname: value})._get_FIELD_display(field)
