"""The declaration import: one row per declaration, the values as 指标N / 声明值N pairs; the
list's export imports back unchanged, edited cells change exactly those cells, historic
records import with their events and count, and what may not change is refused."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarking.choices import Comparison, DeclarationStatus, Direction, Grade, Role
from benchmarking.imports.declarations import DeclarationImport
from benchmarking.imports.engine import commit_import, plan_import
from benchmarking.models import Declaration, DeclarationAction, DeclarationEvent, DeclarationItem
from benchmarking.selectors.progress import progress_as_of
from benchmarking.selectors.timeline import declaration_timeline
from benchmarking.services.declarations import (
    declaration_create,
    declaration_publish,
    declaration_return,
    declaration_submit,
    declaration_withdraw,
)
from benchmarking.services.schemes import scheme_publish, scheme_withdraw
from tests.conftest import sh
from tests.factories import IndicatorFactory, SchemeFactory, make_user

KIND = DeclarationImport()
HEADERS = [
    "统一社会信用代码",
    "企业名称",
    "方案编号",
    "产品名称",
    "产品型号",
    "执行标准编号",
    "声明日期",
    "企业标准信息公共服务平台链接",
    "状态",
    "发布时间",
    "撤回时间",
]
PAIRS = ["指标1", "声明值1", "指标2", "声明值2", "指标3", "声明值3"]


@pytest.fixture
def cup_scheme(bureau_staff):
    """Published 2024-01-10, so results published since then may be imported as history:
    保温效能 (core, ≥ 12 h), 铅迁移量 (core, ≤ 0.01), 外观 (pass/fail)."""
    scheme = SchemeFactory(code="YKDB-CUP-001")
    IndicatorFactory(scheme=scheme, name="保温效能", order=1, is_core=True, benchmark_value=Decimal("12"))
    IndicatorFactory(
        scheme=scheme,
        name="铅迁移量",
        order=2,
        is_core=True,
        direction=Direction.LOWER_BETTER,
        benchmark_value=Decimal("0.01"),
    )
    IndicatorFactory(scheme=scheme, name="外观", order=3, direction=Direction.PASS_FAIL, benchmark_value=None)
    return scheme_publish(scheme=scheme, actor=bureau_staff, at=sh(2024, 1, 10))


@pytest.fixture
def importer(db):
    return make_user(Role.BUREAU_STAFF, username="importer")


def declare(scheme, enterprise, standard, actor, *, model, values=("13", "0.008", True), published=None):
    by_name = {i.name: i.pk for i in scheme.indicators.all()}
    typed = [Decimal(values[0]), Decimal(values[1]), values[2]]
    declaration = declaration_create(
        actor=actor,
        enterprise=enterprise,
        scheme=scheme,
        product_name="真空保温杯",
        product_model=model,
        executed_standard=standard,
        values=dict(zip(by_name.values(), typed, strict=True)),
        at=published or sh(2024, 2, 1),
    )
    if published:
        declaration = declaration_publish(declaration=declaration, actor=actor, at=published)
    return declaration


def row(
    enterprise,
    scheme,
    standard,
    *,
    model="NEW-1",
    status="已发布",
    published="2024-03-05 10:00",
    withdrawn=None,
    pairs=("保温效能", 13, "铅迁移量", 0.008, "外观", "符合"),
):
    return [
        enterprise.credit_code,
        enterprise.name,
        scheme.code,
        "真空保温杯",
        model,
        standard.number,
        "2024-03-01",
        "",
        status,
        published,
        withdrawn,
        *pairs,
    ]


def xlsx(rows, headers=None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers or HEADERS + PAIRS)
    for cells_ in rows:
        sheet.append(list(cells_))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def problems(plan) -> list[str]:
    return [str(p) for p in plan.problems]


@pytest.fixture
def three(cup_scheme, enterprise, other_enterprise, executed_standard, bureau_staff):
    """A draft (甲 D-1), a published result (甲 P-1), and a withdrawn one (乙 W-1)."""
    draft = declare(cup_scheme, enterprise, executed_standard, bureau_staff, model="D-1")
    published = declare(
        cup_scheme, enterprise, executed_standard, bureau_staff, model="P-1", published=sh(2024, 3, 1)
    )
    withdrawn = declare(
        cup_scheme, other_enterprise, executed_standard, bureau_staff, model="W-1", published=sh(2024, 3, 2)
    )
    declaration_withdraw(declaration=withdrawn, actor=bureau_staff, comment="数据有误", at=sh(2024, 4, 2))
    return draft, published, withdrawn


# ---------------------------------------------------------------------------
# the round trip


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_exported_list_imports_back_unchanged(client, bureau_staff, three, fmt):
    client.force_login(bureau_staff)
    response = client.get(reverse("declaration-export", args=[fmt]))
    data = response.content if fmt == "xlsx" else b"".join(response.streaming_content)
    plan = plan_import(KIND, f"export.{fmt}", data, bureau_staff)
    assert problems(plan) == []
    assert (len(plan.creates), len(plan.updates), plan.unchanged) == (0, 0, 3)
    assert plan.ignored_columns == []  # the computed columns are known to be the export's


def test_three_edited_cells_change_exactly_those(client, bureau_staff, importer, three):
    draft = three[0]
    assert draft.grade == Grade.LEADING
    client.force_login(bureau_staff)
    sheet_file = client.get(reverse("declaration-export", args=["xlsx"])).content
    workbook = openpyxl.load_workbook(io.BytesIO(sheet_file))
    sheet = workbook.active
    headers = [c.value for c in sheet[1]]
    assert headers[: len(HEADERS)] == HEADERS
    assert headers[len(HEADERS) : len(HEADERS) + 6] == PAIRS
    (draft_row,) = [r for r in sheet.iter_rows(min_row=2) if r[headers.index("产品型号")].value == "D-1"]
    assert draft_row[headers.index("指标1")].value == "保温效能"
    assert draft_row[headers.index("声明值3")].value == "符合"
    draft_row[headers.index("产品名称")].value = "真空保温杯（改）"
    draft_row[headers.index("声明值1")].value = 11  # worse than 12
    draft_row[headers.index("声明值2")].value = 0.02  # worse than 0.01
    out = io.BytesIO()
    workbook.save(out)
    before = {d.pk: d.version for d in Declaration.objects.all()}

    plan = commit_import(KIND, "edited.xlsx", out.getvalue(), importer)

    assert problems(plan) == []
    assert (len(plan.creates), plan.unchanged) == (0, 2)
    ((record, changed),) = plan.updates
    assert record.pk == draft.pk
    assert set(changed) == {"product_name", "computed_grade", "grade", "items"}
    draft.refresh_from_db()
    assert draft.product_name == "真空保温杯（改）"
    assert draft.grade == draft.computed_grade == Grade.BEHIND  # recomputed: both core ones worse
    assert draft.version == before[draft.pk] + 1
    values = {i.indicator.name: (i.value, i.comparison) for i in draft.items.select_related("indicator")}
    assert values == {
        "保温效能": (Decimal("11"), Comparison.WORSE),
        "铅迁移量": (Decimal("0.02"), Comparison.WORSE),
        "外观": (None, Comparison.PASS),
    }
    # The change history names the importer: one record for the declaration, one per edited value.
    assert draft.history.latest().history_user == importer
    assert DeclarationItem.history.filter(history_user=importer).count() == 2
    assert Declaration.history.filter(history_user=importer).count() == 1
    # Nothing else moved.
    assert {d.pk: d.version for d in Declaration.objects.exclude(pk=draft.pk)} == {
        k: v for k, v in before.items() if k != draft.pk
    }
    # Importing the same file again changes nothing.
    again = commit_import(KIND, "edited.xlsx", out.getvalue(), importer)
    assert (len(again.updates), again.unchanged) == (0, 3)


# ---------------------------------------------------------------------------
# historic records


def test_a_historic_published_row_imports_as_published_with_events_and_counts(
    cup_scheme, enterprise, executed_standard, importer
):
    assert progress_as_of(dt.date(2024, 3, 31)).results == 0
    data = xlsx(
        [
            row(enterprise, cup_scheme, executed_standard, model="H-1"),
            row(
                enterprise,
                cup_scheme,
                executed_standard,
                model="H-2",
                status="已撤回",
                published="2024-03-06 09:00",
                withdrawn="2024-05-01 09:00",
            ),
        ]
    )
    plan = commit_import(KIND, "history.xlsx", data, importer)
    assert problems(plan) == []
    h1 = Declaration.objects.get(product_model="H-1")
    assert h1.status == DeclarationStatus.PUBLISHED
    assert h1.published_at == sh(2024, 3, 5)
    assert h1.entered_on_paper and h1.created_by == importer
    assert h1.grade == Grade.LEADING  # computed, never typed
    assert h1.items.count() == 3
    events = list(h1.events.values_list("action", "from_status", "to_status", "at", "actor", "comment"))
    assert events == [
        # Moves dated before the import say they were entered after the fact.
        (
            DeclarationAction.CREATE,
            "",
            DeclarationStatus.DRAFT,
            sh(2024, 3, 5),
            importer.pk,
            "补录：历史记录导入",
        ),
        (
            DeclarationAction.PUBLISH,
            DeclarationStatus.DRAFT,
            DeclarationStatus.PUBLISHED,
            sh(2024, 3, 5),
            importer.pk,
            "补录：历史记录导入",
        ),
    ]
    h2 = Declaration.objects.get(product_model="H-2")
    assert h2.status == DeclarationStatus.WITHDRAWN
    assert list(h2.events.values_list("action", flat=True)) == ["create", "publish", "withdraw"]
    # Counted from its publication: both at the end of March, only H-1 after H-2's withdrawal.
    assert progress_as_of(dt.date(2024, 3, 4)).results == 0
    assert progress_as_of(dt.date(2024, 3, 31)).results == 2
    assert progress_as_of(dt.date(2024, 6, 1)).results == 1
    assert progress_as_of(dt.date(2024, 6, 1)).enterprises == 1
    assert h1.history.get().history_user == importer
    assert h1.history.get().history_change_reason == "补录：批量导入：history.xlsx（自我声明对标结果）"
    assert {i.history_change_reason for i in DeclarationItem.history.filter(declaration_id=h1.pk)} == {
        "补录：批量导入：history.xlsx（自我声明对标结果）"
    }
    # The timeline shows the moves as 补录, with the time they were entered.
    timeline = declaration_timeline(Declaration.objects.get(pk=h1.pk))
    assert [entry.entered_at for entry in timeline if entry.is_move] == [h1.created_at, h1.created_at]
    # The same file again: nothing to do.
    assert commit_import(KIND, "history.xlsx", data, importer).unchanged == 2


def test_a_published_row_without_its_time_or_in_the_future_is_refused(
    cup_scheme, enterprise, executed_standard, importer
):
    data = xlsx(
        [
            row(enterprise, cup_scheme, executed_standard, model="A", published=None),
            row(enterprise, cup_scheme, executed_standard, model="B", published="2099-01-01 10:00"),
            row(enterprise, cup_scheme, executed_standard, model="C", status="已撤回"),
        ]
    )
    plan = commit_import(KIND, "bad.xlsx", data, importer)
    assert problems(plan) == [
        "第 2 行，列「发布时间」：“已发布”的声明须填写发布时间。",
        "第 3 行，列「发布时间」：不能晚于当前时间。",
        "第 4 行，列「撤回时间」：“已撤回”的声明须填写撤回时间。",
    ]
    assert not Declaration.objects.exists() and not DeclarationEvent.objects.exists()


# ---------------------------------------------------------------------------
# what is refused


def test_an_unknown_indicator_is_named_with_the_valid_ones(
    cup_scheme, enterprise, executed_standard, importer
):
    pairs = ("保温时间", 13, "铅迁移量", 0.008, "外观", "符合")
    plan = commit_import(
        KIND, "x.xlsx", xlsx([row(enterprise, cup_scheme, executed_standard, pairs=pairs)]), importer
    )
    assert problems(plan)[0] == (
        "第 2 行，列「指标1」：方案“YKDB-CUP-001”没有指标“保温时间”，应为：保温效能、铅迁移量、外观。"
    )
    assert not Declaration.objects.exists()


@pytest.mark.parametrize(
    ("word", "passed", "comparison"),
    [("符合", True, Comparison.PASS), ("不合格", False, Comparison.FAIL), ("是", True, Comparison.PASS)],
)
def test_a_pass_fail_value(cup_scheme, enterprise, executed_standard, importer, word, passed, comparison):
    pairs = ("保温效能", 13, "铅迁移量", 0.008, "外观", word)
    plan = commit_import(
        KIND, "x.xlsx", xlsx([row(enterprise, cup_scheme, executed_standard, pairs=pairs)]), importer
    )
    assert problems(plan) == []
    item = DeclarationItem.objects.get(indicator__name="外观")
    assert (item.passed, item.value, item.comparison) == (passed, None, comparison)


def test_a_number_where_pass_fail_is_asked_and_words_where_a_number_is(
    cup_scheme, enterprise, executed_standard, importer
):
    pairs = ("保温效能", "很好", "铅迁移量", 0.008, "外观", 1.5)
    plan = commit_import(
        KIND, "x.xlsx", xlsx([row(enterprise, cup_scheme, executed_standard, pairs=pairs)]), importer
    )
    assert problems(plan) == [
        "第 2 行，列「声明值1」：应为数字，而不是“很好”。",
        "第 2 行，列「声明值3」：合格/不合格指标应填“符合”或“不符合”，而不是“1.5”。",
    ]


def test_a_missing_value_is_fine_for_a_draft_not_for_a_published_result(
    cup_scheme, enterprise, executed_standard, importer
):
    pairs = ("保温效能", 13, "铅迁移量", 0.008, "", "")
    data = xlsx(
        [
            row(enterprise, cup_scheme, executed_standard, model="P", pairs=pairs),
            row(
                enterprise,
                cup_scheme,
                executed_standard,
                model="D",
                status="草稿",
                published=None,
                pairs=pairs,
            ),
        ]
    )
    plan = plan_import(KIND, "x.xlsx", data, importer)
    assert problems(plan) == ["第 2 行：“已发布”的声明须填齐方案的全部指标，缺少：外观。"]
    # The draft alone, with 状态 left blank (a draft).
    draft_row = row(
        enterprise, cup_scheme, executed_standard, model="D", status="", published=None, pairs=pairs
    )
    plan = commit_import(KIND, "x.xlsx", xlsx([draft_row]), importer)
    assert problems(plan) == []
    draft = Declaration.objects.get()
    assert (draft.status, draft.grade) == (DeclarationStatus.DRAFT, Grade.LEADING)  # core ones only
    assert list(draft.events.values_list("action", flat=True)) == ["create"]


def test_the_same_key_twice_in_a_file_names_both_rows(cup_scheme, enterprise, executed_standard, importer):
    differs = ("保温效能", 14, "铅迁移量", 0.008, "外观", "符合")
    data = xlsx(
        [
            row(enterprise, cup_scheme, executed_standard, model="K-1"),
            row(enterprise, cup_scheme, executed_standard, model="k-2"),
            row(enterprise, cup_scheme, executed_standard, model=" K-1 ", pairs=differs),
        ]
    )
    plan = commit_import(KIND, "x.xlsx", data, importer)
    assert problems(plan) == [
        "第 2 行，列「产品型号」：与第 4 行是同一企业、同一方案、同一产品型号的声明，但内容不同：请核对后只保留一行。",
        "第 4 行，列「产品型号」：与第 2 行是同一企业、同一方案、同一产品型号的声明，但内容不同：请核对后只保留一行。",
    ]
    assert not Declaration.objects.exists()


def test_branch_staff_may_not_import_for_another_office(
    cup_scheme, enterprise, other_enterprise, executed_standard, branch_staff
):
    data = xlsx(
        [
            row(enterprise, cup_scheme, executed_standard, model="OWN"),
            row(other_enterprise, cup_scheme, executed_standard, model="OTHER"),
        ]
    )
    plan = commit_import(KIND, "x.xlsx", data, branch_staff)
    assert problems(plan) == [
        "第 3 行，列「统一社会信用代码」：该企业不属于您负责的监管所，不能为其导入声明。"
    ]
    assert not Declaration.objects.exists()
    own = commit_import(
        KIND, "x.xlsx", xlsx([row(enterprise, cup_scheme, executed_standard, model="OWN")]), branch_staff
    )
    assert own.ok and Declaration.objects.get().enterprise == enterprise


def test_enterprise_users_and_managers_may_not_import(enterprise_user, manager):
    assert not KIND.may_import(enterprise_user)
    assert not KIND.may_import(manager)
    with pytest.raises(PermissionError):
        plan_import(KIND, "x.xlsx", b"", manager)


def test_a_published_declaration_that_differs_is_refused(client, bureau_staff, importer, three):
    _draft, published, _withdrawn = three
    client.force_login(bureau_staff)
    workbook = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("declaration-export", args=["xlsx"])).content)
    )
    sheet = workbook.active
    headers = [c.value for c in sheet[1]]
    (published_row,) = [r for r in sheet.iter_rows(min_row=2) if r[headers.index("产品型号")].value == "P-1"]
    published_row[headers.index("声明值1")].value = 14
    out = io.BytesIO()
    workbook.save(out)
    plan = commit_import(KIND, "x.xlsx", out.getvalue(), importer)
    (problem,) = problems(plan)
    assert problem.endswith("已发布的声明不能通过导入修改（请撤回后重新声明）。")
    published.refresh_from_db()
    assert published.items.get(indicator__name="保温效能").value == Decimal("13")


def test_status_changes_go_through_the_workflow(
    cup_scheme, enterprise, executed_standard, bureau_staff, importer
):
    declare(cup_scheme, enterprise, executed_standard, bureau_staff, model="D-1")
    plan = commit_import(
        KIND, "x.xlsx", xlsx([row(enterprise, cup_scheme, executed_standard, model="D-1")]), importer
    )
    (problem,) = problems(plan)
    assert "状态不能通过导入修改" in problem
    assert Declaration.objects.get().status == DeclarationStatus.DRAFT


def test_unknown_enterprise_scheme_and_standard(cup_scheme, enterprise, executed_standard, importer):
    cells_ = row(enterprise, cup_scheme, executed_standard)
    cells_[0], cells_[2], cells_[5] = "91330784MA2E8RKX2P", "YKDB-NONE", "Q/NONE 1—2024"
    plan = plan_import(KIND, "x.xlsx", xlsx([cells_]), importer)
    assert [p.column for p in plan.problems] == ["统一社会信用代码", "方案编号", "执行标准编号"]


def test_the_import_writes_in_a_fixed_number_of_queries(cup_scheme, enterprise, executed_standard, importer):
    """The same queries for 3 rows as for 30: bulk statements, never one per row. (More rows
    add statements per batch only; SQLite's 999-parameter limit makes its batches small.)"""

    def count(n: int) -> int:
        data = xlsx([row(enterprise, cup_scheme, executed_standard, model=f"Q-{n}-{i}") for i in range(n)])
        actor = type(importer).objects.get(pk=importer.pk)  # the role is cached per user object
        with CaptureQueriesContext(connection) as queries:
            assert commit_import(KIND, "x.xlsx", data, actor).ok
        return len(queries)

    assert count(3) == count(30)
    assert Declaration.objects.count() == 33
    assert DeclarationEvent.objects.count() == 66


def test_the_template_offers_the_indicator_pairs_and_imports_back(
    importer, enterprise, cup_scheme, executed_standard
):
    """The downloaded template has 指标N/声明值N pairs; filled in, it imports."""
    from benchmarking.imports.templates import template_workbook

    workbook = openpyxl.load_workbook(io.BytesIO(template_workbook(KIND)))
    sheet = workbook.worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers[-2:] == ["指标12", "声明值12"]
    assert headers.index("指标1") == headers.index("撤回时间") + 1
    values = {header: None for header in headers}
    values.update(
        {
            "统一社会信用代码": enterprise.credit_code,
            "方案编号": cup_scheme.code,
            "产品名称": "真空保温杯",
            "产品型号": "TPL-1",
            "执行标准编号": executed_standard.number,
        }
    )
    for n, indicator in enumerate(cup_scheme.indicators.all(), start=1):
        values[f"指标{n}"] = indicator.name
        values[f"声明值{n}"] = "符合" if indicator.direction == "pass_fail" else "13"
    sheet.delete_rows(2, sheet.max_row)
    sheet.append([values[h] for h in headers])
    out = io.BytesIO()
    workbook.save(out)
    plan = commit_import(KIND, "template.xlsx", out.getvalue(), importer)
    assert plan.ok, [str(p) for p in plan.problems]
    assert (
        Declaration.objects.get(product_model="TPL-1").items.exclude(comparison="").count()
        == cup_scheme.indicators.count()
    )


# ---------------------------------------------------------------------------
# codes, text and numbers as people type them; missing columns; what a new row may be


def draft_row(
    enterprise, scheme, standard, *, model, pairs=("保温效能", 13, "铅迁移量", 0.008, "外观", "符合")
):
    """A draft's row as the export writes it (the declaration date left blank: kept)."""
    cells_ = row(enterprise, scheme, standard, model=model, status="草稿", published=None, pairs=pairs)
    cells_[6] = None
    return cells_


@pytest.mark.parametrize("typed", ["ykdb-cup-001", "ＹＫＤＢ－ＣＵＰ－００１", " YKDB-CUP-001"])
def test_a_scheme_code_typed_otherwise_finds_the_scheme(
    cup_scheme, enterprise, executed_standard, importer, typed
):
    cells_ = row(enterprise, cup_scheme, executed_standard)
    cells_[2] = typed

    plan = commit_import(KIND, "x.xlsx", xlsx([cells_]), importer)

    assert problems(plan) == []
    assert Declaration.objects.get().scheme == cup_scheme


def test_a_draft_whose_scheme_was_withdrawn_since_imports_back(
    cup_scheme, enterprise, executed_standard, bureau_staff, importer
):
    declare(cup_scheme, enterprise, executed_standard, bureau_staff, model="D-1")
    scheme_withdraw(scheme=cup_scheme, actor=bureau_staff, reason="被新方案替代")

    unchanged = plan_import(
        KIND, "x.xlsx", xlsx([draft_row(enterprise, cup_scheme, executed_standard, model="D-1")]), importer
    )
    new = plan_import(
        KIND, "x.xlsx", xlsx([draft_row(enterprise, cup_scheme, executed_standard, model="D-2")]), importer
    )

    assert problems(unchanged) == []
    assert unchanged.unchanged == 1
    (problem,) = problems(new)
    assert "只能对已发布的技术方案作出声明" in problem


def test_a_new_returned_row_is_refused_an_existing_returned_one_updates(
    cup_scheme, enterprise, executed_standard, bureau_staff, importer
):
    returned = declare(cup_scheme, enterprise, executed_standard, bureau_staff, model="R-1")
    returned = declaration_submit(declaration=returned, actor=bureau_staff)
    returned = declaration_return(declaration=returned, actor=bureau_staff, comment="请补充检测报告")
    new = row(enterprise, cup_scheme, executed_standard, model="R-2", status="已退回", published=None)
    existing = row(enterprise, cup_scheme, executed_standard, model="R-1", status="已退回", published=None)
    existing[-5] = 14  # 保温效能

    plan = commit_import(KIND, "x.xlsx", xlsx([new]), importer)
    (problem,) = plan.problems
    assert (problem.column, problem.message) == ("状态", "已退回的声明请在系统中处理。")

    plan = commit_import(KIND, "x.xlsx", xlsx([existing]), importer)
    assert problems(plan) == []
    assert len(plan.updates) == 1
    returned.refresh_from_db()
    assert returned.status == DeclarationStatus.RETURNED
    assert returned.items.get(indicator__name="保温效能").value == Decimal("14")
    assert Declaration.objects.count() == 1


def test_a_model_and_an_indicator_typed_with_two_spaces_are_not_changes(
    cup_scheme, enterprise, executed_standard, bureau_staff, importer
):
    draft = declare(cup_scheme, enterprise, executed_standard, bureau_staff, model="YK  500")
    cup_scheme.indicators.filter(name="外观").update(name="外观  质量")
    cells_ = draft_row(
        enterprise,
        cup_scheme,
        executed_standard,
        model="YK 500",
        pairs=("保温效能", 13, "铅迁移量", 0.008, "外观 质量", "符合"),
    )

    plan = commit_import(KIND, "x.xlsx", xlsx([cells_]), importer)

    assert problems(plan) == []
    assert (len(plan.creates), len(plan.updates), plan.unchanged) == (0, 0, 1)
    assert Declaration.objects.get().pk == draft.pk


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_value_with_more_digits_than_a_spreadsheet_keeps_imports_back_unchanged(
    client, bureau_staff, three, fmt
):
    draft, _published, _withdrawn = three
    draft.items.filter(indicator__name="保温效能").update(value=Decimal("123456789012.123456"))
    client.force_login(bureau_staff)
    response = client.get(reverse("declaration-export", args=[fmt]))
    data = response.content if fmt == "xlsx" else b"".join(response.streaming_content)

    plan = plan_import(KIND, f"export.{fmt}", data, bureau_staff)

    assert problems(plan) == []
    assert (len(plan.creates), len(plan.updates), plan.unchanged) == (0, 0, 3)


def test_a_file_without_the_date_and_link_columns_keeps_them(
    cup_scheme, enterprise, executed_standard, bureau_staff, importer
):
    draft = declare(cup_scheme, enterprise, executed_standard, bureau_staff, model="D-1")
    Declaration.objects.filter(pk=draft.pk).update(
        declared_on=dt.date(2024, 2, 1), national_platform_url="https://www.cpbz.gov.cn/x"
    )
    headers = [
        h
        for h in HEADERS
        if h not in ("声明日期", "企业标准信息公共服务平台链接", "状态", "发布时间", "撤回时间")
    ]
    cells_ = dict(
        zip(HEADERS + PAIRS, draft_row(enterprise, cup_scheme, executed_standard, model="D-1"), strict=True)
    )
    cells_["声明值1"] = 14

    plan = commit_import(
        KIND, "x.xlsx", xlsx([[cells_[h] for h in headers + PAIRS]], headers + PAIRS), importer
    )

    assert problems(plan) == []
    draft.refresh_from_db()
    assert (draft.declared_on, draft.national_platform_url) == (
        dt.date(2024, 2, 1),
        "https://www.cpbz.gov.cn/x",
    )
    assert draft.items.get(indicator__name="保温效能").value == Decimal("14")


@pytest.mark.postgres
def test_the_commit_locks_the_declarations_it_compares(
    cup_scheme, enterprise, executed_standard, bureau_staff, importer
):
    declare(cup_scheme, enterprise, executed_standard, bureau_staff, model="D-1")
    cells_ = draft_row(enterprise, cup_scheme, executed_standard, model="D-1", pairs=("保温效能", 14))

    with CaptureQueriesContext(connection) as queries:
        plan = commit_import(KIND, "x.xlsx", xlsx([cells_]), importer)

    assert problems(plan) == []
    assert len(plan.updates) == 1
    reads = [
        q["sql"]
        for q in queries
        if q["sql"].startswith("SELECT") and 'FROM "benchmarking_declaration"' in q["sql"]
    ]
    assert any("FOR UPDATE" in sql for sql in reads), reads


@pytest.mark.parametrize(
    ("link", "refused"),
    [
        ("https://www.cpbz.gov.cn/user/detail/ABC123", False),
        ("http://cpbz.gov.cn/x", False),
        ("https://evil.example/www.cpbz.gov.cn", True),
        ("https://www.cpbz.gov.cn.evil.example/x", True),
    ],
)
def test_the_platform_link_must_lead_to_the_platform(
    cup_scheme, enterprise, executed_standard, importer, link, refused
):
    cells_ = row(enterprise, cup_scheme, executed_standard)
    cells_[7] = link  # 企业标准信息公共服务平台链接
    plan = plan_import(KIND, "x.xlsx", xlsx([cells_]), importer)
    if refused:
        (problem,) = plan.problems
        assert problem.column == "企业标准信息公共服务平台链接"
        assert "只接受企业标准信息公共服务平台的链接（www.cpbz.gov.cn）" in str(problem)
    else:
        assert not plan.problems
