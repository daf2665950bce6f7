"""A blank cell never erases (docs/domain.md, "Imports"): on an update a blank cell keeps the
stored value and 〔清空〕 clears it, for every kind; a required column, a status and its dates
cannot be cleared; a new record's blank is empty as before; and the preview lists every
change old → new, the clears flagged 将清空, at a fixed number of queries."""

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarking.choices import DeclarationStatus, Direction, StandardKind
from benchmarking.columns import ENTERPRISE_FIELDS, SCHEME_FIELDS
from benchmarking.imports import kinds
from benchmarking.imports.cells import is_clear_marker
from benchmarking.imports.engine import commit_import, plan_import
from benchmarking.imports.preview import describe_updates
from benchmarking.models import Declaration, Enterprise, SchemeBenchmark, Standard
from tests.factories import (
    EnterpriseFactory,
    IndicatorFactory,
    SchemeFactory,
    StandardFactory,
    make_credit_code,
)
from tests.imports.test_declarations import HEADERS as DECLARATION_HEADERS
from tests.imports.test_declarations import PAIRS, cup_scheme, declare  # noqa: F401  (cup_scheme: a fixture)

ENTERPRISE_HEADERS = [c.header for c in ENTERPRISE_FIELDS]
SCHEME_HEADERS = [c.header for c in SCHEME_FIELDS]
STANDARD_HEADERS = ["标准编号", "标准名称", "标准类别"]
URL = "https://std.samr.gov.cn/q/YK-D1"


def xlsx(headers: list[str], rows: list[dict]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for values in rows:
        sheet.append([values.get(h) for h in headers])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def problems(plan) -> list[str]:
    return [str(p) for p in plan.problems]


def shown_changes(plan) -> set[tuple]:
    """Every change the preview lists: (field, old, new, cleared)."""
    return {(c.label, c.old, c.new, c.cleared) for row in describe_updates(plan.updates) for c in row.changes}


@dataclass
class Case:
    """One kind's update of a stored record: one blank cell, one 〔清空〕, one changed value."""

    kind: str
    data: bytes
    # Among the preview's changes (field, old, new, cleared) …
    shown: set
    # … and never these fields, whose cells are blank.
    not_shown: set
    # The stored values after the import, as ``stored()`` reads them.
    stored: dict
    read: object = field(repr=False)
    records: list = field(default_factory=list)  # the updated records, for their history


@pytest.fixture
def enterprises_case(enterprise):
    Enterprise.objects.filter(pk=enterprise.pk).update(
        address="五金大道 1 号",
        legal_representative="张三",
        contact_person="李四",
        phone="0579-8711 1111",
        email="info@example.cn",
        zhejiang_made=True,
        standard_leader=True,
    )
    row = {
        "统一社会信用代码": enterprise.credit_code,
        "企业名称": enterprise.name,
        "所属监管所": enterprise.branch_office.name,
        "行业": enterprise.industry.name,
        "地址": "",
        "法定代表人": "〔清空〕",
        "联系人": "李四",
        "联系电话": "0579-8722 2222",
        "电子邮箱": None,
        "浙江制造/品字标认证": "",
        "企业标准“领跑者”": "[清空]",
    }

    def read():
        e = Enterprise.objects.get(pk=enterprise.pk)
        return {
            "address": e.address,
            "legal_representative": e.legal_representative,
            "phone": e.phone,
            "email": e.email,
            "zhejiang_made": e.zhejiang_made,
            "standard_leader": e.standard_leader,
        }

    return Case(
        kind="enterprises",
        data=xlsx(ENTERPRISE_HEADERS, [row]),
        shown={
            ("法定代表人", "张三", "（清空）", True),
            ("联系电话", "0579-8711 1111", "0579-8722 2222", False),
            ("企业标准“领跑者”", "是", "否（清空后的默认值）", True),
        },
        not_shown={"地址", "电子邮箱", "浙江制造/品字标认证", "联系人"},
        stored={
            "address": "五金大道 1 号",
            "legal_representative": "",
            "phone": "0579-8722 2222",
            "email": "info@example.cn",
            "zhejiang_made": True,
            "standard_leader": False,
        },
        read=read,
        records=[enterprise],
    )


@pytest.fixture
def standards_case(db):
    # Staff corrected both kinds by hand (a GB/T number reads as a national standard).
    kept = StandardFactory(number="GB/T 41001—2021", title="旧名称", kind=StandardKind.GROUP)
    reset = StandardFactory(number="GB/T 41002—2021", title="保温杯", kind=StandardKind.GROUP)
    rows = [
        {"标准编号": kept.number, "标准名称": "新名称", "标准类别": ""},
        {"标准编号": reset.number, "标准名称": reset.title, "标准类别": "〔清空〕"},
    ]

    def read():
        return dict(Standard.objects.filter(pk__in=[kept.pk, reset.pk]).values_list("number", "kind")) | {
            "title": Standard.objects.get(pk=kept.pk).title
        }

    return Case(
        kind="standards",
        data=xlsx(STANDARD_HEADERS, rows),
        shown={
            ("标准名称", "旧名称", "新名称", False),
            # Cleared, the kind is what a blank gives a new standard: the one its number implies.
            ("标准类别", "团体标准", "国家标准（清空后的默认值）", True),
        },
        not_shown=set(),
        stored={kept.number: StandardKind.GROUP, reset.number: StandardKind.NATIONAL, "title": "新名称"},
        read=read,
        records=[kept, reset],
    )


@pytest.fixture
def schemes_case(db):
    standard = StandardFactory(number="GB/T 29606—2013")
    draft = SchemeFactory(code="YKDB-SAFE-1")
    SchemeBenchmark.objects.create(scheme=draft, standard=standard, order=1)
    indicator = IndicatorFactory(
        scheme=draft,
        name="保温效能",
        unit="h",
        order=1,
        is_core=True,
        benchmark_value=Decimal("10.5"),
        test_method="GB/T 29606—2013 6.6",
        requirement="不低于 10.5 h",
    )
    row = {
        "方案编号": draft.code,
        "方案名称": draft.title,
        "产品类别": draft.product_category,
        "行业": draft.industry.name,
        "发布机构": draft.publisher,
        "对标标准": "",  # the benchmarks stay
        "指标名称": "保温效能",
        "单位": "",
        "检测方法": "〔清空〕",
        "排序": None,
        "核心指标": "",
        "比较方式": "越高越好",
        "对标值": "12",
        "要求说明": "",
    }

    def read():
        i = type(indicator).objects.get(pk=indicator.pk)
        return {
            "unit": i.unit,
            "test_method": i.test_method,
            "benchmark_value": i.benchmark_value,
            "is_core": i.is_core,
            "order": i.order,
            "requirement": i.requirement,
            "benchmarks": list(draft.schemebenchmark_set.values_list("standard__number", flat=True)),
        }

    return Case(
        kind="schemes",
        data=xlsx(SCHEME_HEADERS, [row]),
        shown={
            ("检测方法", "GB/T 29606—2013 6.6", "（清空）", True),
            ("对标值", "10.5", "12", False),
        },
        not_shown={"单位", "排序", "核心指标", "要求说明", "对标标准"},
        stored={
            "unit": "h",
            "test_method": "",
            "benchmark_value": Decimal("12"),
            "is_core": True,
            "order": 1,
            "requirement": "不低于 10.5 h",
            "benchmarks": ["GB/T 29606—2013"],
        },
        read=read,
        records=[indicator],
    )


@pytest.fixture
def declarations_case(cup_scheme, enterprise, executed_standard, bureau_staff):  # noqa: F811
    draft = declare(cup_scheme, enterprise, executed_standard, bureau_staff, model="D-1")
    Declaration.objects.filter(pk=draft.pk).update(national_platform_url=URL, declared_on=dt.date(2024, 2, 1))
    row = {
        "统一社会信用代码": enterprise.credit_code,
        "方案编号": cup_scheme.code,
        "产品名称": "真空保温杯",
        "产品型号": "D-1",
        "执行标准编号": executed_standard.number,
        "声明日期": "",
        "企业标准信息公共服务平台链接": "〔清空〕",
        "状态": "草稿",
        "指标1": "保温效能",
        "声明值1": "",
        "指标2": "铅迁移量",
        "声明值2": "〔清空〕",
        "指标3": "外观",
        "声明值3": "不符合",
    }

    def read():
        d = Declaration.objects.get(pk=draft.pk)
        return {
            "declared_on": d.declared_on,
            "national_platform_url": d.national_platform_url,
            "values": {i.indicator.name: (i.value, i.passed) for i in d.items.select_related("indicator")},
        }

    return Case(
        kind="declarations",
        data=xlsx(DECLARATION_HEADERS + PAIRS, [row]),
        shown={
            ("企业标准信息公共服务平台链接", URL, "（清空）", True),
            ("声明值·铅迁移量", "0.008", "（清空）", True),
            ("声明值·外观", "符合", "不符合", False),
        },
        not_shown={"声明日期", "声明值·保温效能"},
        stored={
            "declared_on": dt.date(2024, 2, 1),
            "national_platform_url": "",
            "values": {"保温效能": (Decimal("13"), None), "铅迁移量": (None, None), "外观": (None, False)},
        },
        read=read,
        records=[draft],
    )


KINDS = ["enterprises", "standards", "schemes", "declarations"]


@pytest.fixture(params=KINDS)
def case(request) -> Case:
    return request.getfixturevalue(f"{request.param}_case")


# -- the rule, for every kind ------------------------------------------------------------------


def test_a_blank_cell_keeps_the_stored_value_and_the_marker_clears_it(case, bureau_staff):
    plan = commit_import(kinds()[case.kind], "safety.xlsx", case.data, bureau_staff)

    assert problems(plan) == []
    assert case.read() == case.stored


def test_the_preview_lists_every_change_old_to_new_and_flags_the_clears(case, bureau_staff):
    plan = plan_import(kinds()[case.kind], "safety.xlsx", case.data, bureau_staff)

    assert problems(plan) == []
    shown = shown_changes(plan)
    assert case.shown <= shown, shown
    assert not {label for label, *_rest in shown} & case.not_shown


def upload(client, kind: str, data: bytes, name: str = "safety.xlsx"):
    file = io.BytesIO(data)
    file.name = name  # the test client sends it under this name
    return client.post(reverse("import-upload", args=[kind]), {"file": file})


def test_the_preview_page_says_what_will_be_cleared(case, client, bureau_staff):
    client.force_login(bureau_staff)

    response = upload(client, case.kind, case.data)

    assert response.status_code == 200 and response.context["problems"] == []
    assert response.context["clearing_count"] == 1
    page = response.content.decode()
    assert "将清空" in page
    for label, old, new, _cleared in case.shown:
        assert label in page and old in page and new in page


REQUIRED = {
    "enterprises": ("企业名称", ENTERPRISE_HEADERS),
    "standards": ("标准名称", STANDARD_HEADERS),
    "schemes": ("方案名称", SCHEME_HEADERS),
    "declarations": ("产品名称", DECLARATION_HEADERS + PAIRS),
}


@pytest.mark.parametrize("marker", ["〔清空〕", "[清空]"])
def test_a_required_column_cannot_be_cleared(case, bureau_staff, marker):
    column, headers = REQUIRED[case.kind]
    workbook = openpyxl.load_workbook(io.BytesIO(case.data))
    sheet = workbook.active
    sheet.cell(2, headers.index(column) + 1, marker)
    out = io.BytesIO()
    workbook.save(out)

    plan = plan_import(kinds()[case.kind], "safety.xlsx", out.getvalue(), bureau_staff)

    assert f"第 2 行，列「{column}」：必填项，不能清空。" in problems(plan)
    assert not plan.ok


@pytest.mark.parametrize(
    ("kind", "column"),
    [("schemes", "状态"), ("schemes", "发布时间"), ("declarations", "状态"), ("declarations", "撤回时间")],
)
def test_a_status_and_its_dates_cannot_be_cleared(request, bureau_staff, kind, column):
    case = request.getfixturevalue(f"{kind}_case")
    headers = SCHEME_HEADERS if kind == "schemes" else DECLARATION_HEADERS + PAIRS
    workbook = openpyxl.load_workbook(io.BytesIO(case.data))
    workbook.active.cell(2, headers.index(column) + 1, "〔清空〕")
    out = io.BytesIO()
    workbook.save(out)

    plan = plan_import(kinds()[kind], "safety.xlsx", out.getvalue(), bureau_staff)

    assert f"第 2 行，列「{column}」：此列不能用〔清空〕清空，请填写具体内容或留空。" in problems(plan)


# -- enterprises: the clerk's case ---------------------------------------------------------------


def test_a_template_row_with_only_the_required_cells_and_a_new_phone_changes_only_the_phone(
    enterprise, bureau_staff
):
    """The template has every column; the clerk fills the required ones and the new phone."""
    Enterprise.objects.filter(pk=enterprise.pk).update(
        address="五金大道 1 号", legal_representative="张三", phone="0579-1", standard_leader=True
    )
    row = {
        "统一社会信用代码": enterprise.credit_code,
        "企业名称": enterprise.name,
        "所属监管所": enterprise.branch_office.name,
        "行业": enterprise.industry.name,
        "联系电话": "0579-2",
    }
    data = xlsx(ENTERPRISE_HEADERS, [row])

    plan = plan_import(kinds()["enterprises"], "企业.xlsx", data, bureau_staff)
    assert [changed for _r, changed in plan.updates] == [["phone"]]
    assert shown_changes(plan) == {("联系电话", "0579-1", "0579-2", False)}
    commit_import(kinds()["enterprises"], "企业.xlsx", data, bureau_staff)

    enterprise.refresh_from_db()
    assert (
        enterprise.address,
        enterprise.legal_representative,
        enterprise.phone,
        enterprise.standard_leader,
    ) == (
        "五金大道 1 号",
        "张三",
        "0579-2",
        True,
    )


def test_a_new_enterprise_reads_blank_and_the_marker_as_empty(office, bureau_staff):
    code = make_credit_code()
    industry = EnterpriseFactory(branch_office=office).industry
    row = {
        "统一社会信用代码": code,
        "企业名称": "永康市新建有限公司",
        "所属监管所": office.name,
        "行业": industry.name,
        "地址": "〔清空〕",
        "法定代表人": "",
        "浙江制造/品字标认证": "【清空】",
        "企业标准“领跑者”": "",
    }

    plan = commit_import(kinds()["enterprises"], "企业.xlsx", xlsx(ENTERPRISE_HEADERS, [row]), bureau_staff)

    assert problems(plan) == [] and len(plan.creates) == 1
    created = Enterprise.objects.get(credit_code=code)
    assert (
        created.address,
        created.legal_representative,
        created.zhejiang_made,
        created.standard_leader,
    ) == (
        "",
        "",
        False,
        False,
    )


@pytest.mark.parametrize("text", ["〔清空〕", "[清空]", "［清空］", "【清空】", " 〔 清空 〕 "])
def test_the_clear_marker_as_people_type_it(text):
    assert is_clear_marker(text)


@pytest.mark.parametrize("text", ["清空", "〔清空〕了", "（清空）", "", None, 0])
def test_text_that_is_not_the_marker(text):
    assert not is_clear_marker(text)


# -- schemes and declarations: lists and values --------------------------------------------------


def test_a_drafts_benchmark_standards_are_kept_by_a_blank_cell_and_removed_by_the_marker(
    schemes_case, bureau_staff
):
    workbook = openpyxl.load_workbook(io.BytesIO(schemes_case.data))
    workbook.active.cell(2, SCHEME_HEADERS.index("对标标准") + 1, "〔清空〕")
    out = io.BytesIO()
    workbook.save(out)

    plan = commit_import(kinds()["schemes"], "safety.xlsx", out.getvalue(), bureau_staff)

    assert problems(plan) == []
    assert ("对标标准", "GB/T 29606—2013", "（清空）", True) in shown_changes(plan)
    assert schemes_case.read()["benchmarks"] == []


def test_a_published_schemes_indicator_with_blank_cells_imports_back_unchanged(scheme, bureau_staff):
    """A blank cell used to read as "clear": a published scheme's indicator refused the row."""
    indicator = scheme.indicators.order_by("order").first()
    row = {
        "方案编号": scheme.code,
        "方案名称": scheme.title,
        "产品类别": scheme.product_category,
        "行业": scheme.industry.name,
        "发布机构": scheme.publisher,
        "指标名称": indicator.name,
        "比较方式": str(Direction(indicator.direction).label),
    }

    plan = plan_import(kinds()["schemes"], "s.xlsx", xlsx(SCHEME_HEADERS, [row]), bureau_staff)

    assert problems(plan) == []
    assert (len(plan.updates), plan.unchanged) == (0, 2)


def test_a_published_declaration_with_blank_values_is_unchanged(
    cup_scheme,  # noqa: F811
    enterprise,
    executed_standard,
    bureau_staff,
):
    from tests.conftest import sh

    published = declare(
        cup_scheme, enterprise, executed_standard, bureau_staff, model="P-1", published=sh(2024, 3, 1)
    )
    row = {
        "统一社会信用代码": enterprise.credit_code,
        "方案编号": cup_scheme.code,
        "产品名称": "真空保温杯",
        "产品型号": "P-1",
        "执行标准编号": executed_standard.number,
        "状态": "已发布",
        "发布时间": "2024-03-01 10:00",
        "指标1": "保温效能",
        "声明值1": "",
    }

    plan = plan_import(
        kinds()["declarations"], "d.xlsx", xlsx(DECLARATION_HEADERS + PAIRS, [row]), bureau_staff
    )

    assert problems(plan) == [] and plan.unchanged == 1
    published.refresh_from_db()
    assert published.status == DeclarationStatus.PUBLISHED


def test_clearing_a_submitted_declarations_value_is_refused(
    cup_scheme,  # noqa: F811
    enterprise,
    executed_standard,
    bureau_staff,
):
    from tests.conftest import sh

    declare(cup_scheme, enterprise, executed_standard, bureau_staff, model="P-1", published=sh(2024, 3, 1))
    row = {
        "统一社会信用代码": enterprise.credit_code,
        "方案编号": cup_scheme.code,
        "产品名称": "真空保温杯",
        "产品型号": "P-1",
        "执行标准编号": executed_standard.number,
        "状态": "已发布",
        "发布时间": "2024-03-01 10:00",
        "指标1": "保温效能",
        "声明值1": "〔清空〕",
    }

    plan = plan_import(
        kinds()["declarations"], "d.xlsx", xlsx(DECLARATION_HEADERS + PAIRS, [row]), bureau_staff
    )

    assert not plan.ok
    assert any("须填齐方案的全部指标" in p or "不能通过导入修改" in p for p in problems(plan)), problems(plan)


# -- the preview page: clears first, a fixed number of queries -----------------------------------


def _enterprise_updates(office, other_office, n: int) -> bytes:
    rows = []
    for i, e in enumerate(
        EnterpriseFactory.create_batch(n, branch_office=office, legal_representative="张三")
    ):
        rows.append(
            {
                "统一社会信用代码": e.credit_code,
                "企业名称": e.name,
                # Every row moves office (a related record's name, old and new) …
                "所属监管所": other_office.name,
                "行业": e.industry.name,
                # … and every other one clears its legal representative.
                "法定代表人": "〔清空〕" if i % 2 else "",
                "联系电话": f"0579-{i}",
            }
        )
    return xlsx(ENTERPRISE_HEADERS, rows)


def test_the_preview_shows_the_old_and_new_office_by_name(client, bureau_staff, office, other_office):
    client.force_login(bureau_staff)

    response = upload(client, "enterprises", _enterprise_updates(office, other_office, 2))

    (clearing, plain) = response.context["updated"]
    assert clearing.cleared == "法定代表人" and not plain.cleared  # the clearing row first
    assert ("所属监管所", office.name, other_office.name, False) in {
        (c.label, c.old, c.new, c.cleared) for c in plain.changes
    }
    assert response.context["clearing_count"] == 1


def test_the_preview_costs_the_same_queries_at_5_and_50_updated_rows(
    client, bureau_staff, office, other_office
):
    client.force_login(bureau_staff)

    def cost(n: int) -> int:
        data = _enterprise_updates(office, other_office, n)
        with CaptureQueriesContext(connection) as queries:
            response = upload(client, "enterprises", data)
        assert response.status_code == 200 and response.context["updated_count"] == n
        Enterprise.objects.all().delete()
        return len(queries)

    cost(1)  # what is looked up once and cached
    assert cost(5) == cost(50)
