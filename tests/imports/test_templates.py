"""The downloadable import templates (benchmarking/imports/templates.py): a drop-down on every
column with a set of values — the offices, industries and published schemes read from the
database at each download — and an example row that imports without a problem."""

import io
import re

import openpyxl
import pytest
from django.urls import reverse

from benchmarking.choices import Direction, Role
from benchmarking.imports import kinds
from benchmarking.imports.engine import commit_import
from benchmarking.imports.enterprises import EXAMPLE_CREDIT_CODE, unused_credit_code
from benchmarking.imports.reading import LISTS_SHEET, NOTES_SHEET
from benchmarking.imports.templates import drop_down_values, template_columns, template_workbook
from benchmarking.models import (
    BeltRoadCertificate,
    BranchOfficeAlias,
    Declaration,
    Enterprise,
    Industry,
    PinCertificate,
    SchemeBenchmark,
    Standard,
    TechnicalScheme,
    ZhejiangMadeStandard,
)
from benchmarking.validators import validate_credit_code
from tests.factories import (
    BranchOfficeFactory,
    EnterpriseFactory,
    IndustryFactory,
    StandardFactory,
    make_user,
)


@pytest.fixture
def reference(office, other_office, enterprise, scheme, executed_standard):
    """What a working system holds: offices (one with an alias), industries, standards, a
    published scheme with its indicators and benchmark standards, an enterprise."""
    BranchOfficeAlias.objects.create(office=office, name="东城所")
    IndustryFactory(name="门业", gb_code="C3312")
    SchemeBenchmark.objects.create(scheme=scheme, standard=StandardFactory(number="GB/T 29606—2013"))
    return scheme


def download(client, user, key: str) -> openpyxl.Workbook:
    client.force_login(user)
    response = client.get(reverse("import-template", args=[key]))
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def drop_downs(workbook) -> dict[str, list[str]]:
    """Each header of the data sheet whose cells have a list validation, with the values it offers."""
    sheet = workbook.worksheets[0]
    headers = {cell.column_letter: cell.value for cell in sheet[1]}
    found = {}
    for validation in sheet.data_validations.dataValidation:
        assert validation.type == "list"
        (first, *_rest) = str(validation.sqref).split(":")
        letter = re.match(r"[A-Z]+", first)[0]
        assert first == f"{letter}2", "the drop-down starts under the header"
        source = validation.formula1.lstrip("=")
        if match := re.fullmatch(r"'?([^'!]+)'?!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", source):
            sheet_name, column, top, _same, bottom = match.groups()
            values = [
                workbook[sheet_name][f"{column}{row}"].value for row in range(int(top), int(bottom) + 1)
            ]
        else:
            values = source.strip('"').split(",")
        found[headers[letter]] = values
    return found


def test_every_choice_column_has_a_drop_down_with_the_databases_values(client, bureau_staff, reference):
    expected = {
        "enterprises": {
            "所属监管所": ["东城市场监管所", "西城市场监管所"],
            "行业": list(Industry.objects.values_list("name", flat=True)),
            "浙江制造/品字标认证": ["是", "否", "〔清空〕"],
            "企业标准“领跑者”": ["是", "否", "〔清空〕"],
        },
        "standards": {
            "标准类别": [
                "国际标准",
                "国外先进标准",
                "国家标准",
                "行业标准",
                "地方标准",
                "团体标准",
                "企业标准",
                "〔清空〕",
            ],
            "标准状态": ["即将实施", "现行", "废止", "被代替"],
            "采标程度": ["IDT", "MOD", "NEQ", "〔清空〕"],
        },
        "schemes": {
            "行业": list(Industry.objects.values_list("name", flat=True)),
            "状态": ["草稿", "已发布", "已撤销"],
            "核心指标": ["是", "否", "〔清空〕"],
            "比较方式": [str(label) for _v, label in Direction.choices],
        },
        "declarations": {"方案编号": [reference.code], "状态": ["草稿", "已提交", "已发布", "已撤回"]},
        "zhejiang_made": {"阶段": ["立项", "研制", "发布"]},
        "pin_certificates": {"证书状态": ["有效", "暂停", "撤销", "过期"]},
        "belt_road_certificates": {"证书状态": ["有效", "暂停", "撤销", "过期"]},
    }
    for key, kind in kinds().items():
        workbook = download(client, bureau_staff, key)
        offered = drop_downs(workbook)
        assert offered.keys() == expected[key].keys(), key
        assert offered == expected[key], key
        assert offered == {
            c.header: drop_down_values(c, bureau_staff) for c in template_columns(kind) if c.header in offered
        }
        if LISTS_SHEET in workbook.sheetnames:
            assert workbook[LISTS_SHEET].sheet_state == "hidden"
        assert workbook.sheetnames[:2] == [workbook.worksheets[0].title, NOTES_SHEET]


def test_the_database_lists_are_on_the_hidden_options_sheet(client, bureau_staff, reference):
    workbook = download(client, bureau_staff, "enterprises")
    sheet = workbook.worksheets[0]
    sources = {v.formula1 for v in sheet.data_validations.dataValidation}
    assert any(LISTS_SHEET in source for source in sources)
    assert workbook[LISTS_SHEET].sheet_state == "hidden"


def test_a_new_office_is_offered_at_the_next_download(client, bureau_staff, reference):
    assert "方岩市场监督管理所" not in drop_downs(download(client, bureau_staff, "enterprises"))["所属监管所"]
    BranchOfficeFactory(name="方岩市场监督管理所", code="FY")
    IndustryFactory(name="衡器", gb_code="C4050")
    offered = drop_downs(download(client, bureau_staff, "enterprises"))
    assert "方岩市场监督管理所" in offered["所属监管所"]
    assert "衡器" in offered["行业"]
    assert "衡器" in drop_downs(download(client, bureau_staff, "schemes"))["行业"]


def test_branch_staff_are_offered_their_own_office(client, branch_staff, office, reference):
    offered = drop_downs(download(client, branch_staff, "enterprises"))
    assert offered["所属监管所"] == [office.name]


# -- the example row -----------------------------------------------------------------------------


def example_file(workbook) -> bytes:
    """The downloaded template exactly as it is, example row and all."""
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.mark.parametrize("key", list(kinds()))
def test_the_example_row_of_every_template_imports_cleanly(client, bureau_staff, reference, key):
    kind = kinds()[key]
    workbook = download(client, bureau_staff, key)
    sheet = workbook.worksheets[0]
    assert sheet.max_row == 2, "one example row"
    example = dict(zip([c.value for c in sheet[1]], [c.value for c in sheet[2]], strict=True))
    plan = commit_import(kind, "模板.xlsx", example_file(workbook), bureau_staff)
    assert plan.ok and plan.problems == [], [str(p) for p in plan.problems]
    assert plan.ignored_columns == []
    assert plan.creates and plan.updates == [], "the example is a new record, never an edit of a real one"
    if key == "enterprises":
        validate_credit_code(example["统一社会信用代码"])
        created = Enterprise.objects.get(credit_code=example["统一社会信用代码"])
        assert created.branch_office.name == example["所属监管所"] and created.address
    elif key == "standards":
        assert Standard.objects.filter(number="Q/YKSL 001—2024", kind="enterprise").exists()
    elif key == "zhejiang_made":
        created = ZhejiangMadeStandard.objects.get(title=example["标准名称"])
        assert created.stage == "drafting", "an example imported by mistake counts toward nothing"
        assert created.drafters.get().enterprise.credit_code == example["主导企业统一社会信用代码"]
    elif key in ("pin_certificates", "belt_road_certificates"):
        model = PinCertificate if key == "pin_certificates" else BeltRoadCertificate
        created = model.objects.get(number=example["证书编号"])
        assert created.enterprise.credit_code == example["统一社会信用代码"]
    elif key == "schemes":
        created = TechnicalScheme.objects.get(code=example["方案编号"])
        assert created.status == "draft" and created.benchmark_standards.count() == 1
        assert created.indicators.count() == 1
    else:
        created = Declaration.objects.get(product_model=example["产品型号"])
        assert created.status == "draft"
        answered = created.items.exclude(value=None, passed=None).count()
        assert answered == reference.indicators.count() == 3


def test_the_example_credit_code_passes_the_check_and_is_never_a_real_enterprises(office):
    validate_credit_code(EXAMPLE_CREDIT_CODE)
    assert unused_credit_code() == EXAMPLE_CREDIT_CODE
    EnterpriseFactory(credit_code=EXAMPLE_CREDIT_CODE, branch_office=office)
    other = unused_credit_code()
    validate_credit_code(other)
    assert other != EXAMPLE_CREDIT_CODE and not Enterprise.objects.filter(credit_code=other).exists()


def test_branch_staffs_enterprise_example_imports_into_their_office(client, branch_staff, office, reference):
    workbook = download(client, branch_staff, "enterprises")
    plan = commit_import(kinds()["enterprises"], "模板.xlsx", example_file(workbook), branch_staff)
    assert plan.ok, [str(p) for p in plan.problems]
    assert plan.creates[0].branch_office_id == office.pk


def test_a_template_downloads_on_an_empty_database(db):
    staff = make_user(Role.BUREAU_STAFF, username="first")
    for kind in kinds().values():
        workbook = openpyxl.load_workbook(io.BytesIO(template_workbook(kind, actor=staff)))
        assert workbook.worksheets[0].max_row == 2
