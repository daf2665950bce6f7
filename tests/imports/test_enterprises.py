"""Importing enterprises: a file without an optional column leaves it alone, a staff-approved
credit code imports back, text typed with two spaces is not a change, updates cost a fixed
number of queries, and the commit locks the rows it compares."""

import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benchmarking.columns import ENTERPRISE_FIELDS
from benchmarking.imports.engine import commit_import, plan_import
from benchmarking.imports.enterprises import EnterpriseImport
from benchmarking.models import Enterprise
from benchmarking.validators import CREDIT_CODE_ALPHABET
from tests.factories import EnterpriseFactory, make_credit_code

KIND = EnterpriseImport()
REQUIRED = ["统一社会信用代码", "企业名称", "所属监管所", "行业"]


def xlsx(headers: list[str], rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for cells in rows:
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def required_row(enterprise: Enterprise, **changes) -> list:
    values = {
        "统一社会信用代码": enterprise.credit_code,
        "企业名称": enterprise.name,
        "所属监管所": enterprise.branch_office.name,
        "行业": enterprise.industry.name,
        **changes,
    }
    return [values[h] for h in REQUIRED]


def problems(plan) -> list[str]:
    return [str(p) for p in plan.problems]


def failing_check_digit(code: str) -> str:
    """The code with a wrong 18th character (still of the right form)."""
    wrong = next(c for c in CREDIT_CODE_ALPHABET if c != code[-1])
    return code[:-1] + wrong


def test_a_file_with_only_the_required_columns_leaves_the_others_alone(enterprise, bureau_staff):
    Enterprise.objects.filter(pk=enterprise.pk).update(
        address="永康市五金大道 1 号", phone="0579-8712 3456", zhejiang_made=True, standard_leader=True
    )
    data = xlsx(REQUIRED, [required_row(enterprise)])

    plan = commit_import(KIND, "企业.xlsx", data, bureau_staff)

    assert plan.ok, problems(plan)
    assert (len(plan.creates), len(plan.updates), plan.unchanged) == (0, 0, 1)
    enterprise.refresh_from_db()
    assert enterprise.address == "永康市五金大道 1 号"
    assert enterprise.phone == "0579-8712 3456"
    assert enterprise.zhejiang_made is True
    assert enterprise.standard_leader is True


def test_a_renamed_enterprise_keeps_the_columns_the_file_lacks(enterprise, bureau_staff):
    Enterprise.objects.filter(pk=enterprise.pk).update(address="五金大道 1 号", zhejiang_made=True)
    data = xlsx(REQUIRED, [required_row(enterprise, 企业名称="永康市新名称有限公司")])

    plan = commit_import(KIND, "企业.xlsx", data, bureau_staff)

    assert plan.ok, problems(plan)
    assert [changed for _r, changed in plan.updates] == [["name"]]
    enterprise.refresh_from_db()
    assert (enterprise.name, enterprise.address, enterprise.zhejiang_made) == (
        "永康市新名称有限公司",
        "五金大道 1 号",
        True,
    )


def test_a_new_enterprise_from_the_required_columns_takes_the_defaults(office, bureau_staff):
    code = make_credit_code()
    industry = EnterpriseFactory(branch_office=office).industry
    data = xlsx(REQUIRED, [[code, "永康市新建有限公司", office.name, industry.name]])

    plan = commit_import(KIND, "企业.xlsx", data, bureau_staff)

    assert plan.ok, problems(plan)
    created = Enterprise.objects.get(credit_code=code)
    assert (created.address, created.phone, created.zhejiang_made, created.standard_leader) == (
        "",
        "",
        False,
        False,
    )


def test_an_enterprise_with_a_staff_override_imports_back(office, bureau_staff):
    early = EnterpriseFactory(
        branch_office=office,
        credit_code=failing_check_digit(make_credit_code()),
        credit_code_override_reason="1999 年核发的代码，经登记机关核实。",
        credit_code_override_by=bureau_staff,
    )
    unchanged = xlsx(REQUIRED, [required_row(early)])
    renamed = xlsx(REQUIRED, [required_row(early, 企业名称="永康市改名有限公司")])

    plan = plan_import(KIND, "企业.xlsx", unchanged, bureau_staff)
    assert plan.ok, problems(plan)
    assert plan.unchanged == 1

    plan = commit_import(KIND, "企业.xlsx", renamed, bureau_staff)
    assert plan.ok, problems(plan)
    early.refresh_from_db()
    assert early.name == "永康市改名有限公司"


def test_a_new_enterprise_with_a_wrong_check_digit_is_still_refused(enterprise, bureau_staff):
    bad = failing_check_digit(make_credit_code())
    data = xlsx(REQUIRED, [required_row(enterprise, 统一社会信用代码=bad)])

    plan = plan_import(KIND, "企业.xlsx", data, bureau_staff)

    assert len(plan.problems) == 1
    assert "校验位不正确" in str(plan.problems[0])
    assert plan.problems[0].column == "统一社会信用代码"
    assert not Enterprise.objects.filter(credit_code=bad).exists()


def test_text_typed_with_two_spaces_is_not_a_change(enterprise, bureau_staff):
    Enterprise.objects.filter(pk=enterprise.pk).update(name="永康  双空格有限公司", address="五金  大道")
    headers = [*REQUIRED, "地址"]
    data = xlsx(headers, [[*required_row(enterprise, 企业名称="永康  双空格有限公司"), "五金 大道"]])

    plan = plan_import(KIND, "企业.xlsx", data, bureau_staff)

    assert plan.ok, problems(plan)
    assert (len(plan.updates), plan.unchanged) == (0, 1)


def _update_queries(office, actor, count: int) -> int:
    enterprises = [EnterpriseFactory(branch_office=office) for _ in range(count)]
    headers = [c.header for c in ENTERPRISE_FIELDS]
    rows = []
    for e in enterprises:
        values = {**dict(zip(REQUIRED, required_row(e), strict=True)), "地址": "新地址"}
        rows.append([values.get(h, "") for h in headers])
    data = xlsx(headers, rows)
    # The plan: where comparing each row's office and industry once loaded them, a query a row.
    # (The commit's bulk writes are batched by the database's parameter limit, small on SQLite.)
    with CaptureQueriesContext(connection) as queries:
        plan = plan_import(KIND, "企业.xlsx", data, actor)
    assert plan.ok, problems(plan)
    assert len(plan.updates) == count
    Enterprise.objects.filter(pk__in=[e.pk for e in enterprises]).delete()
    return len(queries)


def test_planning_5_or_50_enterprise_updates_costs_the_same_queries(office, bureau_staff):
    _update_queries(office, bureau_staff, 1)  # what is looked up once and cached (the role)
    assert _update_queries(office, bureau_staff, 5) == _update_queries(office, bureau_staff, 50)


@pytest.mark.postgres
def test_the_commit_locks_the_enterprises_it_compares(enterprise, bureau_staff):
    data = xlsx(REQUIRED, [required_row(enterprise, 企业名称="永康市改名有限公司")])

    with CaptureQueriesContext(connection) as queries:
        plan = commit_import(KIND, "企业.xlsx", data, bureau_staff)

    assert plan.ok, problems(plan)
    reads = [
        q["sql"] for q in queries if q["sql"].startswith("SELECT") and "benchmarking_enterprise" in q["sql"]
    ]
    assert any("FOR UPDATE" in sql for sql in reads), reads


@pytest.mark.postgres
# serialized_rollback: the flush after a transactional test empties the role groups the
# migrations wrote; every transactional test here brings them back the same way.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_preview_outside_a_transaction_locks_nothing(enterprise, bureau_staff):
    data = xlsx(REQUIRED, [required_row(enterprise, 企业名称="永康市改名有限公司")])

    with CaptureQueriesContext(connection) as queries:
        plan = plan_import(KIND, "企业.xlsx", data, bureau_staff)

    assert plan.ok, problems(plan)
    assert len(plan.updates) == 1
    assert not any("FOR UPDATE" in q["sql"] for q in queries)
