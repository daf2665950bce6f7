"""Property-based: whatever rows or bytes arrive, the importer answers with a plan — it never
crashes — and a plan with problems writes nothing, while one without writes exactly its rows."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils.exceptions import IllegalCharacterError

from benchmarking.imports import cells
from benchmarking.imports.engine import commit_import
from benchmarking.imports.enterprises import EnterpriseImport
from benchmarking.models import Enterprise
from tests.factories import make_credit_code

HEADERS = ["统一社会信用代码", "企业名称", "所属监管所", "行业", "地址", "电子邮箱", "浙江制造/品字标认证"]
PROPERTY = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Numbers with far exponents: 1e9999999 once overflowed decimal.normalize() into a 500.
exponent = st.from_regex(r"-?\d{1,3}[eE][+-]?\d{3,9}", fullmatch=True)
# Text with control characters: PostgreSQL refuses NUL; a workbook can carry C1 characters.
control_text = st.text(alphabet=st.sampled_from([*"\x00\x01\x07\x0b\x1b\x7f\x85\x9f", *"a中 1"]), max_size=8)
cell = st.one_of(
    st.none(),
    exponent,
    control_text,
    st.text(max_size=30),
    st.sampled_from(["=1+1", "+86", "-", "@x", "'=A1", "是", "否", "东城市场监管所", "杯业", "a@b.cn", "  "]),
    st.sampled_from([make_credit_code(n) for n in range(5)]),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2200, 1, 1)),
)
header = st.one_of(st.sampled_from(HEADERS), st.text(max_size=8))
table = st.tuples(
    st.lists(header, min_size=0, max_size=9),
    st.lists(st.lists(cell, max_size=9), max_size=8),
)


def as_xlsx(headers, rows, *, far=None) -> bytes:
    """The rows as a workbook; ``far`` (row, column, value) adds one cell far away."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    try:
        sheet.append([_writable(h) for h in headers])
        for row in rows:
            sheet.append([_writable(c) for c in row])
        if far:
            sheet.cell(row=far[0], column=far[1], value=far[2])
    except (IllegalCharacterError, ValueError):
        assume(False)  # not a workbook Excel could have written
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _writable(value):
    # openpyxl writes no C0 control characters (Excel cannot hold them); C1 ones pass through.
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def as_csv(headers, rows, encoding) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    try:
        return out.getvalue().encode(encoding)
    except UnicodeEncodeError:
        assume(False)


def _import(bureau_staff, name, data):
    before = (Enterprise.objects.count(), Enterprise.history.count())
    plan = commit_import(EnterpriseImport(), name, data, bureau_staff)  # never raises
    after = (Enterprise.objects.count(), Enterprise.history.count())
    if plan.ok:
        assert after == (before[0] + len(plan.creates), before[1] + len(plan.creates) + len(plan.updates))
    else:
        assert after == before, "a refused import wrote something"
        assert_problems_are_sentences(plan)


def assert_problems_are_sentences(plan):
    """Every problem reads as a Chinese sentence, and one about a row says which, first."""
    assert plan.problems
    for problem in plan.problems:
        shown = str(problem)
        assert re.search(r"[\u4e00-\u9fff]", shown), shown
        if problem.row is not None:
            assert shown.startswith(f"第 {problem.row} 行"), shown


@pytest.fixture
def reference_data(office, enterprise):
    from tests.factories import IndustryFactory

    IndustryFactory(name="杯业")


@PROPERTY
@given(table=table, fmt=st.sampled_from(["xlsx", "utf-8", "utf-8-sig", "gb18030"]))
def test_malformed_rows_never_crash_and_never_half_write(bureau_staff, reference_data, table, fmt):
    headers, rows = table
    if fmt == "xlsx":
        _import(bureau_staff, "企业.xlsx", as_xlsx(headers, rows))
    else:
        _import(bureau_staff, "企业.csv", as_csv(headers, rows, fmt))


@PROPERTY
@given(
    data=st.one_of(st.binary(max_size=2048), st.builds(lambda b: b"PK\x03\x04" + b, st.binary(max_size=2048)))
)
def test_malformed_files_never_crash_and_never_write(bureau_staff, reference_data, data):
    before = (Enterprise.objects.count(), Enterprise.history.count())
    for name in ("企业.xlsx", "企业.csv"):
        plan = commit_import(EnterpriseImport(), name, data, bureau_staff)
        if not plan.ok:
            assert (Enterprise.objects.count(), Enterprise.history.count()) == before


@PROPERTY
@given(rows=st.lists(st.lists(cell, min_size=7, max_size=7), min_size=1, max_size=6))
def test_valid_headers_with_any_cells(bureau_staff, reference_data, rows):
    _import(bureau_staff, "企业.xlsx", as_xlsx(HEADERS, rows))


def _everything():
    from benchmarking.models import (
        Declaration,
        DeclarationEvent,
        DeclarationItem,
        Indicator,
        SchemeBenchmark,
        Standard,
        TechnicalScheme,
    )

    models = (Enterprise, Standard, TechnicalScheme, Indicator, SchemeBenchmark, Declaration, DeclarationItem)
    return (
        tuple(m.objects.count() for m in models)
        + tuple(m.history.count() for m in models)
        + (DeclarationEvent.objects.count(),)
    )


@PROPERTY
@given(
    kind_key=st.sampled_from(["enterprises", "standards", "schemes", "declarations"]),
    rows=st.lists(st.lists(cell, max_size=24), min_size=1, max_size=5),
    drop=st.sets(st.integers(min_value=0, max_value=23), max_size=3),
)
def test_every_kind_under_its_own_headers(
    bureau_staff, reference_data, scheme, executed_standard, kind_key, rows, drop
):
    """Each kind's template headers (some dropped), any cells: a plan, never a crash; a refused
    plan writes nothing anywhere."""
    from benchmarking.imports import kinds
    from benchmarking.imports.templates import template_columns

    kind = kinds()[kind_key]
    headers = [c.header for i, c in enumerate(template_columns(kind)) if i not in drop]
    before = _everything()
    plan = commit_import(kind, "x.xlsx", as_xlsx(headers, rows), bureau_staff)
    if not plan.ok:
        assert _everything() == before, "a refused import wrote something"


@PROPERTY
@given(
    rows=st.lists(
        st.lists(st.one_of(exponent, control_text), min_size=7, max_size=7), min_size=1, max_size=5
    ),
    fmt=st.sampled_from(["xlsx", "utf-8", "gb18030"]),
)
def test_exponents_and_control_characters_never_crash(bureau_staff, reference_data, rows, fmt):
    if fmt == "xlsx":
        _import(bureau_staff, "企业.xlsx", as_xlsx(HEADERS, rows))
    else:
        _import(bureau_staff, "企业.csv", as_csv(HEADERS, rows, fmt))


@PROPERTY
@given(
    rows=st.lists(st.lists(cell, min_size=7, max_size=7), max_size=3),
    far_row=st.integers(min_value=1, max_value=300_000),
    far_column=st.integers(min_value=1, max_value=16_384),
    far_value=st.one_of(st.sampled_from(["x", "统一社会信用代码", "=1+1"]), st.integers()),
)
def test_a_sparse_workbook_never_crashes(bureau_staff, reference_data, rows, far_row, far_column, far_value):
    """One cell far right or far down (the sheet's nominal size is then huge)."""
    _import(bureau_staff, "企业.xlsx", as_xlsx(HEADERS, rows, far=(far_row, far_column, far_value)))


@PROPERTY
@given(raw=st.one_of(exponent, control_text, st.text(max_size=20), st.floats(), st.integers()))
def test_cell_parsers_answer_a_value_or_a_cell_error(raw):
    """Whatever the cell, a parser returns or raises CellError; a number it returns fits the
    stored field (12 digits before the point, 6 after) and is written plainly."""
    for parse in (cells.text, cells.decimal, cells.date, cells.instant, cells.boolean, cells.scheme_code):
        try:
            value = parse(raw)
        except cells.CellError as error:
            assert re.search(r"[\u4e00-\u9fff]", error.message)
            continue
        if isinstance(value, Decimal):
            _sign, _digits, exponent_ = value.as_tuple()
            assert -6 <= exponent_ <= 0 and abs(value) < Decimal(10) ** 12
        if isinstance(value, str):
            assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", value)
        if isinstance(value, dt.datetime | dt.date):
            day = value.date() if isinstance(value, dt.datetime) else value
            assert dt.date(2000, 1, 1) <= day <= dt.date(2099, 12, 31)


@PROPERTY
@given(
    # At least 80 rows: a NUL within the first 4 KB is refused earlier, as a file that is not text.
    prefix=st.integers(min_value=80, max_value=140),
    control=st.sampled_from([*"\x00\x01\x08\x0b\x0c\x0e\x1b\x1f"]),
    encoding=st.sampled_from(["utf-8", "gb18030"]),
)
def test_a_control_character_anywhere_in_a_csv_is_refused(
    bureau_staff, reference_data, prefix, control, encoding
):
    rows = [
        [make_credit_code(n % 5), "永康市新杯业有限公司", "东城市场监管所", "杯业", "", "", "否"]
        for n in range(prefix)
    ]
    rows.append(["", f"名{control}称", "", "", "", "", ""])
    data = as_csv(HEADERS, rows, encoding)
    before = (Enterprise.objects.count(), Enterprise.history.count())
    plan = commit_import(EnterpriseImport(), "企业.csv", data, bureau_staff)
    assert (Enterprise.objects.count(), Enterprise.history.count()) == before
    assert [str(p) for p in plan.problems] == [
        f"无法读取：CSV 文件第 {prefix + 2} 行含有不可见的控制字符（如 NUL），文件可能已损坏或不是文本文件。"
    ]
