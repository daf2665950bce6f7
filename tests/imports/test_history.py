"""Every change-history record an import writes says where it came from:
"批量导入：<文件名>（<导入类型>）" (``ImportPlan.history_reason``), never a bare None — for the
records it updates and the ones it creates, of every kind, under the importing user."""

# The fixtures of test_safety, test_declarations and test_schemes are imported by name, and a
# test's parameter named after one is that fixture, not a redefinition.
# ruff: noqa: F401, F811
import io

import openpyxl
import pytest

from benchmarking.imports import kinds
from benchmarking.imports.engine import ImportPlan, commit_import
from benchmarking.models import (
    Declaration,
    DeclarationItem,
    Enterprise,
    SchemeBenchmark,
    Standard,
    TechnicalScheme,
)
from tests.factories import EnterpriseFactory, make_credit_code
from tests.imports.test_declarations import cup_scheme
from tests.imports.test_declarations import row as declaration_row
from tests.imports.test_declarations import xlsx as declarations_xlsx
from tests.imports.test_safety import (
    ENTERPRISE_HEADERS,
    SCHEME_HEADERS,
    STANDARD_HEADERS,
    case,
    declarations_case,
    enterprises_case,
    schemes_case,
    standards_case,
    xlsx,
)
from tests.imports.test_schemes import cups, new_rows, standards
from tests.imports.test_schemes import xlsx as schemes_xlsx

LABELS = {
    "enterprises": "企业",
    "standards": "标准",
    "schemes": "对标技术方案",
    "declarations": "自我声明对标结果",
}


def test_an_updated_records_history_names_the_file_and_the_kind(case, bureau_staff):
    plan = commit_import(kinds()[case.kind], "2024年企业名录.xlsx", case.data, bureau_staff)

    assert plan.ok
    for record in case.records:
        latest = type(record).history.filter(id=record.pk).latest("history_date", "history_id")
        assert latest.history_type == "~"
        assert latest.history_change_reason == f"批量导入：2024年企业名录.xlsx（{LABELS[case.kind]}）"
        assert latest.history_user == bureau_staff


def test_a_declarations_changed_values_carry_the_reason_too(declarations_case, bureau_staff):
    commit_import(kinds()["declarations"], "声明.xlsx", declarations_case.data, bureau_staff)

    (draft,) = declarations_case.records
    items = DeclarationItem.history.filter(declaration_id=draft.pk, history_type="~")
    assert items.count() == 2  # 铅迁移量 cleared, 外观 changed; 保温效能's blank cell kept it
    assert set(items.values_list("history_change_reason", flat=True)) == {
        "批量导入：声明.xlsx（自我声明对标结果）"
    }


def test_a_drafts_removed_benchmark_standards_carry_the_reason(schemes_case, bureau_staff):
    workbook = openpyxl.load_workbook(io.BytesIO(schemes_case.data))
    workbook.active.cell(2, SCHEME_HEADERS.index("对标标准") + 1, "〔清空〕")
    out = io.BytesIO()
    workbook.save(out)

    commit_import(kinds()["schemes"], "方案.xlsx", out.getvalue(), bureau_staff)

    (removed,) = SchemeBenchmark.history.filter(history_type="-")
    assert removed.history_change_reason == "批量导入：方案.xlsx（对标技术方案）"


@pytest.mark.parametrize("kind", ["enterprises", "standards", "schemes", "declarations"])
def test_a_created_records_history_names_the_file_and_the_kind(request, kind, bureau_staff):
    model, data = request.getfixturevalue(f"new_{kind}")

    plan = commit_import(kinds()[kind], "新增.csv", data, bureau_staff)

    assert plan.ok, [str(p) for p in plan.problems]
    created = model.history.filter(history_type="+")
    assert created.exists()
    # A record published before the import is a historic one, and its history says 补录.
    historic = kind in ("schemes", "declarations")
    assert set(created.values_list("history_change_reason", "history_user")) == {
        (f"{'补录：' if historic else ''}批量导入：新增.csv（{LABELS[kind]}）", bureau_staff.pk)
    }


@pytest.fixture
def new_enterprises(office):
    industry = EnterpriseFactory(branch_office=office).industry
    Enterprise.history.all().delete()
    row = {
        "统一社会信用代码": make_credit_code(),
        "企业名称": "永康市新建有限公司",
        "所属监管所": office.name,
    }
    return Enterprise, xlsx(ENTERPRISE_HEADERS, [row | {"行业": industry.name}])


@pytest.fixture
def new_standards(db):
    return Standard, xlsx(STANDARD_HEADERS, [{"标准编号": "GB/T 42001—2022", "标准名称": "新标准"}])


@pytest.fixture
def new_schemes(cups, standards):
    return TechnicalScheme, schemes_xlsx(new_rows())


@pytest.fixture
def new_declarations(cup_scheme, enterprise, executed_standard):
    # Written by the database's INSERT … SELECT (imports.history.record_creation).
    return Declaration, declarations_xlsx([declaration_row(enterprise, cup_scheme, executed_standard)])


def test_a_long_file_name_is_cut_to_fit_the_history(bureau_staff):
    plan = ImportPlan(kind=kinds()["enterprises"], file_name="名" * 200 + ".xlsx")

    reason = plan.history_reason

    assert len(reason) == 100
    assert reason.startswith("批量导入：名") and reason.endswith("…（企业）")
