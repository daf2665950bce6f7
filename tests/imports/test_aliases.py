"""Offices and industries by the names staff write (docs/domain.md, "Offices and industries by
the names staff write"): an alias is refused where it would name two records, and the imports,
the lists' filters and search boxes and the admin's search find a record by it."""

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from benchmarking.imports.engine import commit_import, plan_import
from benchmarking.imports.enterprises import EnterpriseImport
from benchmarking.imports.schemes import SchemeImport
from benchmarking.models import BranchOffice, BranchOfficeAlias, Enterprise, IndustryAlias, TechnicalScheme
from benchmarking.selectors.organisation import reference_lookup
from tests.factories import BranchOfficeFactory, EnterpriseFactory, IndustryFactory, make_credit_code


@pytest.fixture
def fangyan(db):
    office = BranchOfficeFactory(name="方岩市场监督管理所", code="FY")
    BranchOfficeAlias.objects.create(office=office, name="方岩所")
    return office


@pytest.fixture
def cups(db):
    industry = IndustryFactory(name="杯业", gb_code="C3382")
    IndustryAlias.objects.create(industry=industry, name="保温杯")
    return industry


def xlsx(headers: list[str], rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def alias(office, name) -> BranchOfficeAlias:
    record = BranchOfficeAlias(office=office, name=name)
    record.full_clean()
    record.save()
    return record


# -- the rule: one name, one office --------------------------------------------------------------


def test_an_alias_is_stored_as_it_is_compared(fangyan):
    assert alias(fangyan, " ｆｙ  方岩\u200b ").name == "FY方岩"


@pytest.mark.parametrize("name", ["方岩所", " 方岩 所 ", "方岩所\ufeff"])
def test_an_alias_of_another_office_is_refused_after_normalising(fangyan, office, name):
    with pytest.raises(ValidationError) as refused:
        alias(office, name)
    assert "这个简称已登记过" in " ".join(refused.value.messages)
    # The database refuses it too (a bulk path that skips full_clean).
    with pytest.raises(IntegrityError), transaction.atomic():
        BranchOfficeAlias.objects.create(office=office, name="方岩所")


@pytest.mark.parametrize("name", ["方岩市场监督管理所", "fy", "Ｆ Ｙ"])
def test_an_alias_may_not_be_another_offices_name_or_code(fangyan, office, name):
    with pytest.raises(ValidationError) as refused:
        alias(office, name)
    (message,) = refused.value.message_dict["name"]
    assert "是基层市场监管所“方岩市场监督管理所”的名称或代码，不能作为其他基层市场监管所的简称。" in message


def test_an_alias_may_repeat_its_own_offices_name(fangyan):
    assert alias(fangyan, "方岩市场监督管理所").office == fangyan


def test_an_office_may_not_take_another_offices_alias_as_name_or_code(fangyan):
    office = BranchOffice(name="方岩所", code="方岩所")
    with pytest.raises(ValidationError) as refused:
        office.full_clean()
    assert set(refused.value.message_dict) == {"name", "code"}
    assert "已是“方岩市场监督管理所”的简称" in refused.value.message_dict["name"][0]


def test_an_industry_alias_may_not_be_another_industrys_name_or_code(cups):
    doors = IndustryFactory(name="门业", gb_code="C3312")
    for name in ("杯业", "c3382", "保温杯"):
        record = IndustryAlias(industry=doors, name=name)
        with pytest.raises(ValidationError):
            record.full_clean()


def test_the_lookup_prefers_names_then_aliases_then_codes(fangyan, cups):
    offices = reference_lookup(BranchOffice)
    for written in ("方岩市场监督管理所", "方岩所", " 方岩 所", "fy", "ＦＹ"):
        assert offices.get(written) == fangyan, written
    assert offices.get("方岩") is None
    # A GB/T 4754 class two industries share names neither of them.
    IndustryFactory(name="保温瓶", gb_code="C3382")
    industries = reference_lookup(type(cups))
    assert industries.get("保温杯") == cups
    assert industries.get("C3382") is None


# -- imports -------------------------------------------------------------------------------------

HEADERS = ["统一社会信用代码", "企业名称", "所属监管所", "行业"]


def test_the_enterprise_import_finds_the_office_and_industry_by_alias(fangyan, cups, bureau_staff):
    code = make_credit_code()
    data = xlsx(HEADERS, [[code, "永康市方岩杯业有限公司", " 方岩所 ", "保温杯"]])
    plan = commit_import(EnterpriseImport(), "e.xlsx", data, bureau_staff)
    assert plan.ok, [str(p) for p in plan.problems]
    enterprise = Enterprise.objects.get(credit_code=code)
    assert (enterprise.branch_office, enterprise.industry) == (fangyan, cups)


def test_an_enterprise_written_by_alias_is_unchanged(fangyan, cups, bureau_staff):
    enterprise = EnterpriseFactory(branch_office=fangyan, industry=cups)
    data = xlsx(HEADERS, [[enterprise.credit_code, enterprise.name, "方岩所", "保温杯"]])
    plan = plan_import(EnterpriseImport(), "e.xlsx", data, bureau_staff)
    assert (plan.ok, plan.unchanged, plan.updates) == (True, 1, [])


def test_an_unknown_office_is_still_a_problem(fangyan, cups, bureau_staff):
    data = xlsx(HEADERS, [[make_credit_code(), "永康市某公司", "方岩", "保温杯"]])
    plan = plan_import(EnterpriseImport(), "e.xlsx", data, bureau_staff)
    assert [str(p) for p in plan.problems] == ["第 2 行，列「所属监管所」：系统中没有“方岩”。"]


def test_branch_staff_import_for_their_office_by_its_alias(fangyan, cups):
    from benchmarking.choices import Role
    from tests.factories import make_user

    staff = make_user(Role.BRANCH_STAFF, username="fy", branch_office=fangyan)
    data = xlsx(HEADERS, [[make_credit_code(), "永康市方岩杯业有限公司", "方岩所", "杯业"]])
    assert commit_import(EnterpriseImport(), "e.xlsx", data, staff).ok


def test_the_scheme_import_finds_the_industry_by_alias(cups, bureau_staff):
    headers = ["方案编号", "方案名称", "产品类别", "行业", "发布机构", "指标名称", "比较方式", "对标值"]
    data = xlsx(
        headers, [["YKDB-2026-901", "保温杯方案", "保温杯", "保温杯", "研究院", "保温效能", "越高越好", 12]]
    )
    plan = commit_import(SchemeImport(), "s.xlsx", data, bureau_staff)
    assert plan.ok, [str(p) for p in plan.problems]
    assert TechnicalScheme.objects.get(code="YKDB-2026-901").industry == cups


# -- the lists' filters and search boxes ----------------------------------------------------------


@pytest.fixture
def listed(fangyan, cups, office):
    return {
        "fy": EnterpriseFactory(name="永康市方岩某某有限公司", branch_office=fangyan, industry=cups),
        "dc": EnterpriseFactory(name="永康市东城某某有限公司", branch_office=office),
    }


def listed_names(client, **params) -> set[str]:
    response = client.get(reverse("enterprise-list"), params)
    assert response.status_code == 200
    assert not response.context["filter"].form.errors, response.context["filter"].form.errors
    return {e.name for e in response.context["page_obj"].object_list}


@pytest.mark.parametrize("written", ["方岩所", "FY", "方岩市场监督管理所"])
def test_the_office_filter_takes_the_office_as_staff_write_it(client, bureau_staff, listed, written):
    client.force_login(bureau_staff)
    assert listed_names(client, branch_office=written) == {"永康市方岩某某有限公司"}


def test_the_office_filter_still_takes_the_selects_value_and_refuses_an_unknown_name(
    client, bureau_staff, listed, fangyan
):
    client.force_login(bureau_staff)
    assert listed_names(client, branch_office=fangyan.pk) == {"永康市方岩某某有限公司"}
    response = client.get(reverse("enterprise-list"), {"branch_office": "方岩"})
    assert "所选监管所不存在" in str(response.context["filter"].form.errors)


def test_a_search_word_naming_an_office_or_industry_lists_its_rows(client, bureau_staff, listed):
    client.force_login(bureau_staff)
    assert listed_names(client, q="方岩所") == {"永康市方岩某某有限公司"}
    assert listed_names(client, q="保温杯") == {"永康市方岩某某有限公司"}
    assert listed_names(client, q="东城") == {"永康市东城某某有限公司"}  # the name, as before


def test_the_industry_filter_of_the_scheme_list_takes_an_alias(client, bureau_staff, cups):
    from tests.factories import SchemeFactory

    SchemeFactory(industry=cups, title="保温杯方案")
    SchemeFactory(title="门方案")
    client.force_login(bureau_staff)
    response = client.get(reverse("scheme-list"), {"industry": "保温杯"})
    assert [s.title for s in response.context["page_obj"].object_list] == ["保温杯方案"]


# -- the admin: the inline, its clash message, the search and autocomplete -------------------------


def inline_post(office, *aliases, initial=0, existing=()) -> dict:
    data = {
        "name": office.name,
        "code": office.code,
        "order": office.order,
        "aliases-TOTAL_FORMS": len(existing) + len(aliases),
        "aliases-INITIAL_FORMS": len(existing),
        "aliases-MIN_NUM_FORMS": 0,
        "aliases-MAX_NUM_FORMS": 1000,
    }
    for n, record in enumerate(existing):
        data |= {
            f"aliases-{n}-id": record.pk,
            f"aliases-{n}-office": office.pk,
            f"aliases-{n}-name": record.name,
        }
    for n, name in enumerate(aliases, start=len(existing)):
        data |= {f"aliases-{n}-office": office.pk, f"aliases-{n}-name": name}
    return data


def test_bureau_staff_add_an_alias_on_the_office_page(client, bureau_staff, office):
    client.force_login(bureau_staff)
    url = reverse("admin:benchmarking_branchoffice_change", args=[office.pk])
    page = client.get(url)
    assert page.status_code == 200 and "简称" in page.content.decode()
    response = client.post(url, inline_post(office, " 东城所 "))
    assert response.status_code == 302, response.context and response.context["inline_admin_formsets"]
    assert list(office.aliases.values_list("name", flat=True)) == ["东城所"]
    assert office.aliases.get().history.count() == 1


def test_the_office_page_refuses_a_clashing_alias_in_chinese(client, bureau_staff, office, fangyan):
    client.force_login(bureau_staff)
    url = reverse("admin:benchmarking_branchoffice_change", args=[office.pk])
    for name, message in (
        ("方岩所", "这个简称已登记过（同一简称只能属于一个监管所）。"),
        ("FY", "“FY”是基层市场监管所“方岩市场监督管理所”的名称或代码，不能作为其他基层市场监管所的简称。"),
    ):
        response = client.post(url, inline_post(office, name))
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not office.aliases.exists()


def test_two_rows_of_one_office_with_the_same_alias_are_refused(client, bureau_staff, office):
    client.force_login(bureau_staff)
    url = reverse("admin:benchmarking_branchoffice_change", args=[office.pk])
    response = client.post(url, inline_post(office, "东城所", "东城 所"))
    assert response.status_code == 200
    assert not office.aliases.exists()


def test_branch_staff_read_the_aliases_and_cannot_add_one(client, branch_staff, office, fangyan):
    client.force_login(branch_staff)
    url = reverse("admin:benchmarking_branchoffice_change", args=[fangyan.pk])
    page = client.get(url)
    assert page.status_code == 200 and "方岩所" in page.content.decode()
    client.post(url, inline_post(fangyan, "方岩镇所"))
    assert list(fangyan.aliases.values_list("name", flat=True)) == ["方岩所"]


def test_the_admin_searches_find_offices_industries_and_enterprises_by_alias(
    client, bureau_staff, listed, fangyan, cups
):
    client.force_login(bureau_staff)
    offices = client.get(reverse("admin:benchmarking_branchoffice_changelist"), {"q": "方岩所"})
    assert [o.pk for o in offices.context["cl"].result_list] == [fangyan.pk]
    enterprises = client.get(reverse("admin:benchmarking_enterprise_changelist"), {"q": "方岩所"})
    assert [e.name for e in enterprises.context["cl"].result_list] == ["永康市方岩某某有限公司"]
    # The enterprise form's industry autocomplete.
    found = client.get(
        reverse("admin:autocomplete"),
        {"term": "保温杯", "app_label": "benchmarking", "model_name": "enterprise", "field_name": "industry"},
    ).json()
    assert [r["text"] for r in found["results"]] == ["杯业"]
