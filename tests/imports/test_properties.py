"""Property-based: whatever rows or bytes arrive, the importer answers with a plan — it never
crashes — and a plan with problems writes nothing, while one without writes exactly its rows."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

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

cell = st.one_of(
    st.none(),
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


def as_xlsx(headers, rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    try:
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
    except (IllegalCharacterError, ValueError):
        assume(False)  # not a workbook Excel could have written
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


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
        assert all(str(problem) for problem in plan.problems)


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
