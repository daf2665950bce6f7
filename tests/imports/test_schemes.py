"""Importing technical schemes: one row per indicator, the scheme list's export imports back
unchanged, historic schemes count, and a published scheme's indicators are left alone."""

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from benchmarking.choices import Direction, SchemeStatus
from benchmarking.columns import SCHEME_FIELDS
from benchmarking.imports import kinds
from benchmarking.imports.engine import commit_import, plan_import
from benchmarking.imports.schemes import INDICATOR_COLUMNS, SchemeImport
from benchmarking.models import Indicator, SchemeBenchmark, TechnicalScheme
from benchmarking.selectors.progress import counted_schemes, progress_as_of
from benchmarking.services.schemes import scheme_publish, scheme_withdraw
from tests.factories import IndicatorFactory, IndustryFactory, SchemeFactory, StandardFactory

HEADERS = [c.header for c in SCHEME_FIELDS]


def sh(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A Shanghai wall-clock moment."""
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


def sheet_rows(rows: list[dict]) -> list[list]:
    return [[r.get(h) for h in HEADERS] for r in rows]


def xlsx(rows: list[dict]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for cells in sheet_rows(rows):
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(["" if c is None else c for c in cells] for cells in sheet_rows(rows))
    return out.getvalue().encode("utf-8")


def problems(plan) -> list[str]:
    return [str(p) for p in plan.problems]


@pytest.fixture
def cups(db):
    return IndustryFactory(name="杯业", gb_code="C3381")


@pytest.fixture
def standards(db):
    return (
        StandardFactory(number="EN 12546-1:2000", title="与食品接触的材料 保温容器", kind="foreign"),
        StandardFactory(number="GB/T 29606—2013", title="不锈钢真空杯", kind="national"),
    )


def new_rows(code="YKDB-2020-007", *, status="已发布", published="2020-05-06", **scheme) -> list[dict]:
    """A historic scheme with two indicators, as staff would type it."""
    common = {
        "方案编号": code,
        "方案名称": "真空保温杯对标技术方案",
        "产品类别": "保温杯",
        "行业": "杯业",
        "发布机构": "永康市标准化研究院",
        "对标标准": "EN 12546-1:2000；GB/T 29606-2013",
        "状态": status,
        "发布时间": published,
        **scheme,
    }
    return [
        {
            **common,
            "指标名称": "保温效能",
            "单位": "h",
            "排序": 1,
            "核心指标": "是",
            "比较方式": "越高越好",
            "对标值": "12",
        },
        {
            **common,
            "指标名称": "外观",
            "排序": 2,
            "核心指标": "否",
            "比较方式": "合格/不合格（定性）",
            "要求说明": "无毛刺",
        },
    ]


# -- the round trip -----------------------------------------------------------------------


@pytest.fixture
def register(scheme, bureau_staff, standards, cups):
    """The fixture's published scheme (now with a benchmark standard), a draft with two
    indicators and two standards, a draft with no indicator yet, and a withdrawn scheme."""
    SchemeBenchmark.objects.create(scheme=scheme, standard=standards[1], order=1)
    draft = SchemeFactory(code="YKDB-DRAFT-1", industry=cups)
    SchemeBenchmark.objects.create(scheme=draft, standard=standards[0], order=1)
    SchemeBenchmark.objects.create(scheme=draft, standard=standards[1], order=2)
    IndicatorFactory(scheme=draft, name="保温效能", unit="h", order=1, benchmark_value=Decimal("10.5"))
    IndicatorFactory(
        scheme=draft,
        name="容量偏差",
        unit="%",
        order=2,
        direction=Direction.RANGE,
        benchmark_value=None,
        benchmark_min=Decimal("-5"),
        benchmark_max=Decimal("5"),
        test_method="GB/T 29606—2013 6.2",
    )
    empty = SchemeFactory(code="YKDB-DRAFT-2", industry=cups, title="尚无指标的方案")
    old = SchemeFactory(code="YKDB-OLD", industry=cups)
    IndicatorFactory(scheme=old, name="耐冲击", is_core=True, benchmark_value=Decimal("0.35"))
    scheme_publish(scheme=old, actor=bureau_staff, at=sh(2021, 3, 5, 9, 30))
    scheme_withdraw(scheme=old, actor=bureau_staff, reason="被新方案替代", at=sh(2023, 7, 1, 16, 5))
    return {"published": scheme, "draft": draft, "empty": empty, "old": old}


def export(client, bureau_staff, fmt: str) -> bytes:
    client.force_login(bureau_staff)
    response = client.get(reverse("scheme-export", args=[fmt]))
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_scheme_lists_export_imports_back_unchanged(client, bureau_staff, register, fmt):
    data = export(client, bureau_staff, fmt)
    plan = plan_import(SchemeImport(), f"schemes.{fmt}", data, bureau_staff)
    assert problems(plan) == []
    # 4 schemes and 3 + 2 + 0 + 1 indicators, one row each but the indicatorless scheme's row.
    assert (len(plan.creates), len(plan.updates), plan.unchanged, plan.rows) == (0, 0, 10, 7)
    assert plan.ignored_columns == []  # 已计入对标结果数 is known to be the export's own


def test_three_edited_cells_are_exactly_three_changes_by_the_importer(client, bureau_staff, register):
    workbook = openpyxl.load_workbook(io.BytesIO(export(client, bureau_staff, "xlsx")))
    sheet = workbook.active
    column = {cell.value: cell.column for cell in sheet[1]}

    def cell(code, indicator, header):
        for row in range(2, sheet.max_row + 1):
            if (
                sheet.cell(row, column["方案编号"]).value == code
                and sheet.cell(row, column["指标名称"]).value == indicator
            ):
                return sheet.cell(row, column[header])
        raise AssertionError((code, indicator))

    cell("YKDB-DRAFT-2", None, "方案名称").value = "保温壶对标技术方案"
    cell("YKDB-DRAFT-1", "保温效能", "单位").value = "小时"
    cell("YKDB-DRAFT-1", "容量偏差", "区间上限").value = 3
    out = io.BytesIO()
    workbook.save(out)

    before = TechnicalScheme.history.count() + Indicator.history.count()
    plan = commit_import(SchemeImport(), "schemes.xlsx", out.getvalue(), bureau_staff)
    assert problems(plan) == []
    assert len(plan.creates) == 0 and plan.unchanged == 7
    assert sorted((str(record), changed) for record, changed in plan.updates) == [
        ("YKDB-DRAFT-2 保温壶对标技术方案", ["title"]),
        ("保温效能", ["unit"]),
        ("容量偏差", ["benchmark_max"]),
    ]
    empty, draft = register["empty"], register["draft"]
    empty.refresh_from_db()
    assert (empty.title, empty.version) == ("保温壶对标技术方案", 2)
    assert draft.indicators.get(name="保温效能").unit == "小时"
    assert draft.indicators.get(name="容量偏差").benchmark_max == Decimal("3")
    assert draft.indicators.get(name="容量偏差").benchmark_min == Decimal("-5")
    # One change-history record per changed row, by the importing user, and no other.
    assert TechnicalScheme.history.count() + Indicator.history.count() == before + 3
    latest = [
        empty.history.latest(),
        *(i.history.latest() for i in draft.indicators.filter(name__in=["保温效能", "容量偏差"])),
    ]
    assert [(h.history_user, h.history_type) for h in latest] == [(bureau_staff, "~")] * 3
    # And importing the same file again changes nothing.
    again = plan_import(SchemeImport(), "schemes.xlsx", out.getvalue(), bureau_staff)
    assert (len(again.creates), len(again.updates), again.unchanged) == (0, 0, 10)


# -- historic schemes count ------------------------------------------------------------------


@pytest.mark.parametrize("encode", [xlsx, csv_bytes])
def test_a_historic_published_scheme_imports_with_its_dates_and_counts(bureau_staff, cups, standards, encode):
    rows = [
        *new_rows(),
        *new_rows(
            "YKDB-2019-002",
            published="2019/3/5",
            状态="已撤销",
            撤销时间="2022年6月30日",
            撤销理由="标准已更新",
        ),
    ]
    assert progress_as_of(dt.date(2021, 12, 31)).schemes == 0
    plan = commit_import(SchemeImport(), "historic", encode(rows), bureau_staff)
    assert problems(plan) == []
    assert len(plan.creates) == 2 + 4
    published = TechnicalScheme.objects.get(code="YKDB-2020-007")
    assert published.status == SchemeStatus.PUBLISHED
    assert published.published_at == sh(2020, 5, 6, 12, 0)  # a bare date is its noon, Shanghai
    assert [b.standard for b in published.schemebenchmark_set.order_by("order")] == list(standards)
    assert published.history.get().history_user == bureau_staff
    assert SchemeBenchmark.history.filter(history_user=bureau_staff).count() == 4
    indicators = list(published.indicators.order_by("order"))
    assert [(i.name, i.direction, i.benchmark_value, i.is_core) for i in indicators] == [
        ("保温效能", Direction.HIGHER_BETTER, Decimal("12"), True),
        ("外观", Direction.PASS_FAIL, None, False),
    ]
    # Both counted while published; the withdrawn one no longer after its withdrawal.
    assert progress_as_of(dt.date(2021, 12, 31)).schemes == 2
    assert progress_as_of(dt.date(2022, 7, 1)).schemes == 1
    assert counted_schemes(dt.date(2020, 1, 1)).get().code == "YKDB-2019-002"


def test_a_new_draft_with_no_indicator_yet_and_standards_on_separate_lines(bureau_staff, cups, standards):
    row = {**new_rows(status="")[0], "发布时间": None, "对标标准": "EN 12546-1:2000\nGB/T 29606—2013"}
    for header in ("指标名称", "单位", "排序", "核心指标", "比较方式", "对标值"):
        row[header] = None
    plan = commit_import(SchemeImport(), "draft.xlsx", xlsx([row]), bureau_staff)
    assert problems(plan) == []
    draft = TechnicalScheme.objects.get()
    assert draft.status == SchemeStatus.DRAFT and not draft.indicators.exists()
    assert draft.benchmark_standards.count() == 2


def test_a_drafts_standards_are_the_cells_list(bureau_staff, register, standards):
    draft = register["draft"]
    other = StandardFactory(number="ISO 8442-1:2008", title="餐具")
    rows = [
        {
            "方案编号": draft.code,
            "方案名称": draft.title,
            "产品类别": draft.product_category,
            "行业": "杯业",
            "发布机构": draft.publisher,
            "对标标准": f"{other.number}、{standards[0].number}",
        }
    ]
    plan = commit_import(SchemeImport(), "s.xlsx", xlsx(rows), bureau_staff)
    assert problems(plan) == []
    assert [(r.code, c) for r, c in plan.updates] == [(draft.code, ["benchmark_standards"])]
    assert [(b.standard.number, b.order) for b in draft.schemebenchmark_set.order_by("order")] == [
        ("ISO 8442-1:2008", 1),
        ("EN 12546-1:2000", 2),
    ]
    # Added, moved and removed, each with its history record by the importer.
    types = sorted(
        SchemeBenchmark.history.filter(history_user=bureau_staff).values_list("history_type", flat=True)
    )
    assert types == ["+", "-", "~"]
    # Indicators absent from the file are left alone.
    assert draft.indicators.count() == 2


# -- refused ---------------------------------------------------------------------------------


def refused(rows, bureau_staff, encode=xlsx) -> list[str]:
    before = (TechnicalScheme.objects.count(), Indicator.objects.count(), SchemeBenchmark.objects.count())
    plan = commit_import(SchemeImport(), "s", encode(rows), bureau_staff)
    assert not plan.ok
    after = (TechnicalScheme.objects.count(), Indicator.objects.count(), SchemeBenchmark.objects.count())
    assert after == before, "nothing written"
    return problems(plan)


def test_a_schemes_columns_must_agree_on_each_of_its_rows(bureau_staff, cups, standards):
    rows = new_rows()
    rows[1]["方案名称"] = "另一个名称"
    rows[1]["发布时间"] = "2020-05-07"
    assert refused(rows, bureau_staff) == [
        "第 3 行，列「方案名称」：与第 2 行的同一方案信息不一致。",
        "第 3 行，列「发布时间」：与第 2 行的同一方案信息不一致。",
    ]


def test_an_unknown_standard_is_named(bureau_staff, cups, standards):
    rows = new_rows(对标标准="GB/T 29606—2013；ASTM F 2000-99")
    assert refused(rows, bureau_staff) == [
        "第 2 行，列「对标标准」：标准库中没有“ASTM F 2000-99”，请先导入或录入该标准。"
    ]


def test_a_bad_direction(bureau_staff, cups, standards):
    rows = new_rows()
    rows[0]["比较方式"] = "越大越好"
    (problem,) = refused(rows, bureau_staff)
    assert problem.startswith("第 2 行，列「比较方式」：“越大越好”不是可选的比较方式")


def test_higher_better_needs_a_benchmark_value_and_a_range_a_bound(bureau_staff, cups, standards):
    rows = new_rows()
    rows[0]["对标值"] = None
    rows.append({**rows[1], "指标名称": "容量", "比较方式": "区间", "要求说明": ""})
    rows.append({**rows[1], "指标名称": "壁厚", "比较方式": "区间", "区间下限": 5, "区间上限": 2})
    assert refused(rows, bureau_staff) == [
        "第 2 行，列「对标值」：“越高越好”或“越低越好”的指标必须填写对标值。",
        "第 4 行，列「区间下限」：“区间内达标”的指标至少要填写区间下限或上限。",
        "第 5 行，列「区间下限」：区间下限不能大于上限。",
    ]


def test_a_new_schemes_status_and_dates_must_make_sense(bureau_staff, cups, standards):
    rows = [
        *new_rows("A-1", published=None),
        *new_rows("A-2", 状态="已撤销", 撤销时间="2019-01-01"),
        *new_rows("A-3", published="2099-01-01"),
    ]
    assert refused(rows, bureau_staff) == [
        "第 2 行，列「发布时间」：已发布或已撤销的方案必须填写发布时间。",
        "第 4 行，列「撤销时间」：撤销时间不能早于发布时间。",
        "第 4 行，列「撤销理由」：已撤销的方案必须填写撤销理由。",
        "第 6 行，列「发布时间」：不能晚于当前时间。",
    ]


def test_a_published_schemes_indicators_cannot_change(client, bureau_staff, register):
    workbook = openpyxl.load_workbook(io.BytesIO(export(client, bureau_staff, "xlsx")))
    sheet = workbook.active
    column = {cell.value: cell.column for cell in sheet[1]}
    published = register["published"]
    rows = [
        r for r in range(2, sheet.max_row + 1) if sheet.cell(r, column["方案编号"]).value == published.code
    ]
    sheet.cell(rows[0], column["对标值"]).value = 15
    # A new indicator on a published scheme is refused too; its title may still change.
    sheet.append([sheet.cell(rows[0], c).value for c in range(1, sheet.max_column + 1)])
    sheet.cell(sheet.max_row, column["指标名称"]).value = "新指标"
    out = io.BytesIO()
    workbook.save(out)
    plan = commit_import(SchemeImport(), "s.xlsx", out.getvalue(), bureau_staff)
    assert problems(plan) == [
        f"第 {rows[0]} 行，列「对标值」：已发布的方案，其指标不能修改。",
        f"第 {sheet.max_row} 行，列「指标名称」：已发布的方案，其指标不能修改（不能新增指标）。",
    ]
    assert published.indicators.get(name="保温效能").benchmark_value == Decimal("12")


def test_a_published_schemes_standards_and_an_existing_schemes_status_are_not_imported(
    bureau_staff, register
):
    published = register["published"]
    rows = [
        {
            "方案编号": published.code,
            "方案名称": "新名称",
            "产品类别": published.product_category,
            "行业": published.industry.name,
            "发布机构": published.publisher,
            "对标标准": "EN 12546-1:2000",
            "状态": "已撤销",
        }
    ]
    # In the file's column order: 对标标准 comes before 状态.
    assert refused(rows, bureau_staff) == [
        "第 2 行，列「对标标准」：已发布的方案，其对标标准不能修改。",
        "第 2 行，列「状态」：状态请在系统中通过发布/撤销操作修改。",
        "第 2 行，列「发布时间」：状态请在系统中通过发布/撤销操作修改。",
    ]


def test_branch_staff_may_not_import_schemes(branch_staff, cups, standards):
    assert SchemeImport().may_import(branch_staff) is False
    with pytest.raises(PermissionError):
        plan_import(SchemeImport(), "s.xlsx", xlsx(new_rows()), branch_staff)
    assert kinds()["schemes"].may_import(branch_staff) is False


# -- a fixed number of queries -------------------------------------------------------------------


def test_an_import_costs_the_same_queries_for_3_schemes_as_for_30(bureau_staff, cups, standards):
    def cost(n: int, prefix: str) -> int:
        rows = [r for i in range(n) for r in new_rows(f"{prefix}-{i:03d}")]
        with CaptureQueriesContext(connection) as queries:
            plan = commit_import(SchemeImport(), "s.xlsx", xlsx(rows), bureau_staff)
        assert problems(plan) == [] and len(plan.creates) == 3 * n
        return len(queries)

    cost(1, "WARM")  # the actor's role is read once and kept on the user
    assert cost(3, "A") == cost(30, "B")


def test_new_schemes_indicators_find_their_scheme_without_returning_ids(
    monkeypatch, bureau_staff, cups, standards
):
    # Databases whose bulk insert returns no ids: the new schemes are read back by code.
    monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", False)
    plan = commit_import(SchemeImport(), "s.xlsx", xlsx(new_rows()), bureau_staff)
    assert problems(plan) == []
    scheme = TechnicalScheme.objects.get()
    assert sorted(scheme.indicators.values_list("name", flat=True)) == ["保温效能", "外观"]
    assert scheme.benchmark_standards.count() == 2


def test_the_template_has_the_imports_columns(bureau_staff):
    from benchmarking.imports.templates import template_workbook

    sheet = openpyxl.load_workbook(io.BytesIO(template_workbook(SchemeImport()))).worksheets[0]
    assert [c.value for c in sheet[1]] == HEADERS


# -- files without some columns, codes and text as people type them ------------------------


def xlsx_with(headers: list[str], rows: list[dict]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for values in rows:
        sheet.append([values.get(h) for h in headers])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def draft_rows(draft, **changes) -> list[dict]:
    scheme = {
        "方案编号": draft.code,
        "方案名称": draft.title,
        "产品类别": draft.product_category,
        "行业": draft.industry.name,
        "发布机构": draft.publisher,
        **changes,
    }
    shown = {"is_core": lambda v: "是" if v else "否", "direction": lambda v: str(Direction(v).label)}
    return [
        {**scheme} | {h: shown.get(f, lambda v: v)(getattr(i, f)) for h, f in INDICATOR_COLUMNS.items()}
        for i in draft.indicators.order_by("order")
    ]


def test_a_file_without_standards_and_units_leaves_a_drafts_alone(bureau_staff, register):
    draft = register["draft"]
    headers = [
        h
        for h in HEADERS
        if h not in ("对标标准", "单位", "检测方法", "状态", "发布时间", "撤销时间", "撤销理由")
    ]
    data = xlsx_with(headers, draft_rows(draft, 方案名称="改名后的方案"))

    plan = commit_import(SchemeImport(), "schemes.xlsx", data, bureau_staff)

    assert problems(plan) == []
    assert [changed for _r, changed in plan.updates] == [["title"]]
    draft.refresh_from_db()
    assert draft.title == "改名后的方案"
    assert list(draft.schemebenchmark_set.order_by("order").values_list("standard__number", flat=True)) == [
        "EN 12546-1:2000",
        "GB/T 29606—2013",
    ]
    assert dict(draft.indicators.values_list("name", "unit")) == {"保温效能": "h", "容量偏差": "%"}
    assert draft.indicators.get(name="容量偏差").test_method == "GB/T 29606—2013 6.2"


def test_a_new_indicator_without_the_unit_column_takes_the_default(bureau_staff, register):
    draft = register["draft"]
    headers = [h for h in HEADERS if h not in ("对标标准", "单位")]
    rows = [*draft_rows(draft), {**draft_rows(draft)[0], "指标名称": "耐冲击", "对标值": 1}]

    plan = commit_import(SchemeImport(), "schemes.xlsx", xlsx_with(headers, rows), bureau_staff)

    assert problems(plan) == []
    assert draft.indicators.get(name="耐冲击").unit == ""
    assert draft.schemebenchmark_set.count() == 2


@pytest.mark.parametrize("typed", ["ykdb-draft-1", "ＹＫＤＢ－ＤＲＡＦＴ－１", " YKDB-DRAFT-1 "])
def test_a_scheme_code_typed_otherwise_matches_the_stored_one(bureau_staff, register, typed):
    draft = register["draft"]
    headers = [h for h in HEADERS if h not in ("对标标准", "单位")]
    data = xlsx_with(headers, draft_rows(draft, 方案编号=typed))

    plan = plan_import(SchemeImport(), "schemes.xlsx", data, bureau_staff)

    assert problems(plan) == []
    assert (len(plan.creates), len(plan.updates), plan.unchanged) == (0, 0, 3)


def test_an_indicator_typed_with_two_spaces_is_neither_changed_nor_duplicated(bureau_staff, register):
    draft = register["draft"]
    draft.indicators.filter(name="保温效能").update(name="保温  效能", unit="小  时")
    headers = [h for h in HEADERS if h != "对标标准"]
    rows = draft_rows(draft)
    rows[0]["指标名称"], rows[0]["单位"] = "保温 效能", "小 时"
    rows[1]["单位"] = "%"

    plan = commit_import(SchemeImport(), "schemes.xlsx", xlsx_with(headers, rows), bureau_staff)

    assert problems(plan) == []
    assert (len(plan.creates), len(plan.updates), plan.unchanged) == (0, 0, 3)
    assert draft.indicators.count() == 2


def test_a_value_with_more_digits_than_a_spreadsheet_keeps_imports_back_unchanged(
    client, bureau_staff, register
):
    draft = register["draft"]
    draft.indicators.filter(name="保温效能").update(benchmark_value=Decimal("123456789012.123456"))

    plan = plan_import(SchemeImport(), "schemes.xlsx", export(client, bureau_staff, "xlsx"), bureau_staff)

    assert problems(plan) == []
    assert (len(plan.creates), len(plan.updates)) == (0, 0)


@pytest.mark.postgres
def test_the_commit_locks_the_schemes_it_compares(bureau_staff, register):
    headers = [h for h in HEADERS if h not in ("对标标准", "单位")]
    data = xlsx_with(headers, draft_rows(register["draft"], 方案名称="改名后的方案"))

    with CaptureQueriesContext(connection) as queries:
        plan = commit_import(SchemeImport(), "schemes.xlsx", data, bureau_staff)

    assert problems(plan) == []
    reads = [
        q["sql"]
        for q in queries
        if q["sql"].startswith("SELECT") and '"benchmarking_technicalscheme"' in q["sql"]
    ]
    assert any("FOR UPDATE" in sql for sql in reads), reads
