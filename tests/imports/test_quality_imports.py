"""Importing the quality records (benchmarking/imports/quality.py): 浙江制造 standards with their
drafting enterprises, 品字标 and 一带一路 certificates. A good file creates them with their
history; the same file again changes nothing; every bad cell is a problem naming its row and
column in Chinese and nothing is written; enterprises are found within the importer's scope."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarking.choices import CertificateStatus, DrafterRole, Role, ZhejiangStandardStage
from benchmarking.imports import importable_kinds, kinds
from benchmarking.imports.engine import commit_import, plan_import
from benchmarking.imports.templates import template_columns
from benchmarking.models import BeltRoadCertificate, PinCertificate, ZhejiangMadeDrafter, ZhejiangMadeStandard
from tests.factories import EnterpriseFactory, make_user

ZJ_HEADERS = [
    "标准编号",
    "标准名称",
    "阶段",
    "立项日期",
    "发布日期",
    "主导企业统一社会信用代码",
    "参与企业统一社会信用代码",
]
PIN_HEADERS = ["证书编号", "统一社会信用代码", "认证产品", "发证日期", "有效期至", "证书状态"]
BELT_HEADERS = ["证书编号", "统一社会信用代码", "认证产品", "目标市场", "发证日期", "有效期至", "证书状态"]
QUALITY_KINDS = ("zhejiang_made", "pin_certificates", "belt_road_certificates")


def xlsx(headers: list[str], rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for cells in rows:
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def problems(plan) -> list[str]:
    return [str(p) for p in plan.problems]


def everything() -> tuple:
    """Every quality record and its history, to prove a refused import wrote nothing."""
    return (
        sorted(ZhejiangMadeStandard.objects.values_list("pk", "number", "title", "stage", "published_on")),
        sorted(ZhejiangMadeDrafter.objects.values_list("pk", "standard_id", "enterprise_id", "role")),
        sorted(PinCertificate.objects.values_list("pk", "number", "enterprise_id", "expires_on", "status")),
        sorted(
            BeltRoadCertificate.objects.values_list("pk", "number", "enterprise_id", "expires_on", "status")
        ),
        ZhejiangMadeStandard.history.count(),
        ZhejiangMadeDrafter.history.count(),
        PinCertificate.history.count(),
        BeltRoadCertificate.history.count(),
    )


def drafters_of(standard) -> dict[str, str]:
    return {d.enterprise.credit_code: d.role for d in standard.drafters.select_related("enterprise")}


@pytest.fixture
def co_drafter(office):
    return EnterpriseFactory(name="永康丙工具有限公司", branch_office=office)


@pytest.fixture
def zj_file(enterprise, co_drafter, other_enterprise):
    return xlsx(
        ZJ_HEADERS,
        [
            # One published standard, its co-drafters' codes typed as clerks type them.
            [
                "tzzb 0123-2026",
                "不锈钢真空保温杯",
                "发布",
                "2025-03-01",
                dt.date(2026, 2, 1),
                enterprise.credit_code,
                f"{co_drafter.credit_code.lower()}、 {other_enterprise.credit_code}",
            ],
            # One still being drafted: no number yet.
            ["", "钢质防盗安全门", "研制", "2026/4/1", "", other_enterprise.credit_code, ""],
        ],
    )


# -- 浙江制造 standards --------------------------------------------------------------------------------


def test_a_good_file_creates_the_standards_with_their_drafters_and_history(
    zj_file, bureau_staff, enterprise, co_drafter, other_enterprise
):
    plan = commit_import(kinds()["zhejiang_made"], "浙江制造.xlsx", zj_file, bureau_staff)

    assert plan.written and plan.ok, problems(plan)
    assert (len(plan.creates), len(plan.updates), plan.unchanged) == (2, 0, 0)
    published = ZhejiangMadeStandard.objects.get(number="T/ZZB 0123—2026")
    assert (published.stage, published.approved_on, published.published_on) == (
        ZhejiangStandardStage.PUBLISHED,
        dt.date(2025, 3, 1),
        dt.date(2026, 2, 1),
    )
    assert drafters_of(published) == {
        enterprise.credit_code: DrafterRole.LEAD,
        co_drafter.credit_code: DrafterRole.CO_DRAFTER,
        other_enterprise.credit_code: DrafterRole.CO_DRAFTER,
    }
    drafting = ZhejiangMadeStandard.objects.get(title="钢质防盗安全门")
    assert (drafting.number, drafting.stage) == (None, ZhejiangStandardStage.DRAFTING)
    assert drafters_of(drafting) == {other_enterprise.credit_code: DrafterRole.LEAD}
    reason = "批量导入：浙江制造.xlsx（“浙江制造”标准）"
    for model, count in ((ZhejiangMadeStandard, 2), (ZhejiangMadeDrafter, 4)):
        created = model.history.filter(history_type="+")
        assert set(created.values_list("history_change_reason", "history_user")) == {
            (reason, bureau_staff.pk)
        }
        assert created.count() == count


def test_importing_the_same_standards_again_changes_nothing(zj_file, bureau_staff):
    commit_import(kinds()["zhejiang_made"], "浙江制造.xlsx", zj_file, bureau_staff)
    before = everything()

    again = commit_import(kinds()["zhejiang_made"], "浙江制造.xlsx", zj_file, bureau_staff)

    assert again.written and again.ok, problems(again)
    assert (len(again.creates), len(again.updates), again.unchanged) == (0, 0, 2)
    assert everything() == before


def test_an_update_publishes_a_numbered_standard_and_moves_its_lead(
    zj_file, bureau_staff, enterprise, co_drafter, other_enterprise
):
    kind = kinds()["zhejiang_made"]
    commit_import(kind, "浙江制造.xlsx", zj_file, bureau_staff)
    drafting = ZhejiangMadeStandard.objects.get(title="钢质防盗安全门")
    data = xlsx(
        ZJ_HEADERS,
        [
            # The co-drafter becomes the lead and the lead a co-drafter: one swap of roles.
            [
                "T/ZZB 0123—2026",
                "不锈钢真空保温杯",
                "发布",
                "",
                "",
                co_drafter.credit_code,
                enterprise.credit_code,
            ],
            # The standard drafted without a number is published with one: matched on its title.
            ["T/ZZB 0456—2026", "钢质防盗安全门", "发布", "", "2026-09-01", "", "〔清空〕"],
        ],
    )

    plan = commit_import(kind, "更新.xlsx", data, bureau_staff)

    assert plan.written and plan.ok, problems(plan)
    assert (len(plan.creates), len(plan.updates)) == (0, 2)
    published = ZhejiangMadeStandard.objects.get(number="T/ZZB 0123—2026")
    assert drafters_of(published) == {
        co_drafter.credit_code: DrafterRole.LEAD,
        enterprise.credit_code: DrafterRole.CO_DRAFTER,
    }
    assert published.approved_on == dt.date(2025, 3, 1), "a blank cell keeps the stored date"
    drafting.refresh_from_db()
    assert (drafting.number, drafting.stage, drafting.published_on) == (
        "T/ZZB 0456—2026",
        ZhejiangStandardStage.PUBLISHED,
        dt.date(2026, 9, 1),
    )
    assert drafters_of(drafting) == {other_enterprise.credit_code: DrafterRole.LEAD}
    removed = ZhejiangMadeDrafter.history.get(history_type="-")
    assert (removed.enterprise_id, removed.history_user, removed.history_change_reason) == (
        other_enterprise.pk,
        bureau_staff,
        "批量导入：更新.xlsx（“浙江制造”标准）",
    )
    assert ZhejiangMadeDrafter.history.filter(history_type="~").count() == 2


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"阶段": "已发布"}, "第 2 行，列「阶段」：“已发布”不是可选的值，应为：立项、研制、发布。"),
        ({"阶段": ""}, "第 2 行，列「阶段」：不能为空。"),
        ({"发布日期": ""}, "第 2 行，列「发布日期」：已发布的“浙江制造”标准须填写发布日期。"),
        ({"发布日期": "2026-13-01"}, "第 2 行，列「发布日期」：无法识别的日期“2026-13-01”"),
        (
            {"立项日期": "2026-03-01", "发布日期": "2026-02-01"},
            "第 2 行，列「发布日期」：发布日期不能早于立项日期。",
        ),
        ({"标准编号": "GB/T 1234—2026"}, "第 2 行，列「标准编号」：“浙江制造”标准的编号以 T/ZZB 开头"),
        ({"标准编号": ""}, "第 2 行，列「标准编号」：已发布的“浙江制造”标准须填写标准编号。"),
        ({"标准名称": ""}, "第 2 行，列「标准名称」：不能为空。"),
        ({"主导企业统一社会信用代码": ""}, "第 2 行，列「主导企业统一社会信用代码」：请填写主导企业"),
        ({"主导企业统一社会信用代码": "12345"}, "第 2 行，列「主导企业统一社会信用代码」：统一社会信用代码"),
        (
            {"主导企业统一社会信用代码": "91330784MA2E8RKX24"},
            "第 2 行，列「主导企业统一社会信用代码」：您负责的企业中没有统一社会信用代码为“91330784MA2E8RKX24”的企业",
        ),
        (
            {"参与企业统一社会信用代码": "LEAD"},
            "第 2 行，列「参与企业统一社会信用代码」：“{lead}”已是主导企业",
        ),
        ({"参与企业统一社会信用代码": "9133；{lead}"}, "第 2 行，列「参与企业统一社会信用代码」：“9133”："),
    ],
)
def test_each_bad_standard_cell_is_named_by_row_and_column_and_nothing_is_written(
    bureau_staff, enterprise, other_enterprise, cells, expected
):
    row = {
        "标准编号": "T/ZZB 0123—2026",
        "标准名称": "不锈钢真空保温杯",
        "阶段": "发布",
        "立项日期": "",
        "发布日期": "2026-02-01",
        "主导企业统一社会信用代码": enterprise.credit_code,
        "参与企业统一社会信用代码": other_enterprise.credit_code,
    }
    for header, value in cells.items():
        row[header] = (
            enterprise.credit_code if value == "LEAD" else value.replace("{lead}", enterprise.credit_code)
        )
    good = ["T/ZZB 0999—2026", "钢质防盗安全门", "发布", "", "2026-01-05", other_enterprise.credit_code, ""]
    before = everything()

    plan = commit_import(
        kinds()["zhejiang_made"],
        "坏.xlsx",
        xlsx(ZJ_HEADERS, [[row[h] for h in ZJ_HEADERS], good]),
        bureau_staff,
    )

    assert not plan.written
    assert any(p.startswith(expected.replace("{lead}", enterprise.credit_code)) for p in problems(plan)), (
        problems(plan)
    )
    assert all(p.startswith("第 2 行") for p in problems(plan)), "the good row has no problem"
    assert everything() == before


def test_every_bad_cell_of_a_row_is_said_once(bureau_staff, enterprise):
    standard = ["T/ZZB 1", "", "已发布", "2026-02-30", "", "91330784MA2E8RKX24", "123"]
    plan = plan_import(kinds()["zhejiang_made"], "z.xlsx", xlsx(ZJ_HEADERS, [standard]), bureau_staff)
    assert [p.split("：")[0] for p in problems(plan)] == [
        "第 2 行，列「标准名称」",
        "第 2 行，列「阶段」",
        "第 2 行，列「立项日期」",
        "第 2 行，列「主导企业统一社会信用代码」",
        "第 2 行，列「参与企业统一社会信用代码」",
    ]
    certificate = ["", "9133", "保温杯", "昨天", "2020-01-01", "作废"]
    plan = plan_import(kinds()["pin_certificates"], "c.xlsx", xlsx(PIN_HEADERS, [certificate]), bureau_staff)
    assert [p.split("：")[0] for p in problems(plan)] == [
        "第 2 行，列「证书编号」",
        "第 2 行，列「统一社会信用代码」",
        "第 2 行，列「发证日期」",
        "第 2 行，列「证书状态」",
    ]


def test_two_rows_for_one_standard_are_a_problem_on_both(bureau_staff, enterprise):
    rows = [
        ["T/ZZB 0123—2026", "保温杯", "发布", "", "2026-02-01", enterprise.credit_code, ""],
        ["T/ZZB 0123-2026", "保温壶", "发布", "", "2026-02-01", enterprise.credit_code, ""],
    ]
    plan = plan_import(kinds()["zhejiang_made"], "重复.xlsx", xlsx(ZJ_HEADERS, rows), bureau_staff)
    assert problems(plan) == [
        "第 2 行，列「标准编号」：与第 3 行的标准编号相同（按统一格式比对），但内容不同：请核对后只保留一行。",
        "第 3 行，列「标准编号」：与第 2 行的标准编号相同（按统一格式比对），但内容不同：请核对后只保留一行。",
    ]


def test_an_unnumbered_title_is_matched_only_when_it_names_one_standard(
    bureau_staff, branch_staff, enterprise, other_enterprise
):
    for lead in (enterprise, other_enterprise):
        standard = ZhejiangMadeStandard.objects.create(
            title="电动平衡车", stage=ZhejiangStandardStage.APPROVED
        )
        ZhejiangMadeDrafter.objects.create(standard=standard, enterprise=lead, role=DrafterRole.LEAD)
    row = ["", "电动平衡车", "研制", "", "", enterprise.credit_code, ""]
    plan = plan_import(kinds()["zhejiang_made"], "z.xlsx", xlsx(ZJ_HEADERS, [row]), bureau_staff)
    assert problems(plan) == [
        "第 2 行，列「标准名称」：系统中有 2 项名为“电动平衡车”且未填编号的标准，无法确定更新哪一项：请在后台核对。"
    ]
    # One of them numbered now: the other is the one the title names, and it is another office's.
    ZhejiangMadeStandard.objects.filter(drafters__enterprise=enterprise).update(number="T/ZZB 0777—2026")
    plan = plan_import(kinds()["zhejiang_made"], "z.xlsx", xlsx(ZJ_HEADERS, [row]), branch_staff)
    assert problems(plan) == ["第 2 行，列「标准名称」：该标准的起草企业不全在您负责的范围内，不能修改。"]


# -- certificates ---------------------------------------------------------------------------------


def pin_row(enterprise, **cells) -> list:
    values = {
        "证书编号": "CQM-26-0001",
        "统一社会信用代码": enterprise.credit_code,
        "认证产品": "不锈钢真空保温杯",
        "发证日期": "2026-01-10",
        "有效期至": "2029-01-09",
        "证书状态": "有效",
        **cells,
    }
    return [values[h] for h in PIN_HEADERS]


def test_good_certificate_files_create_and_import_again_unchanged(bureau_staff, enterprise, other_enterprise):
    pins = xlsx(
        PIN_HEADERS,
        [
            pin_row(enterprise),
            pin_row(
                other_enterprise,
                证书编号="CQM-24-0007",
                发证日期="2024/5/6",
                有效期至="2027/5/5",
                证书状态="暂停",
            ),
        ],
    )
    belts = xlsx(
        BELT_HEADERS,
        [
            ["BR-001", enterprise.credit_code, "电动工具", "哈萨克斯坦", "2026-03-01", "", ""],
            ["BR-002", other_enterprise.credit_code, "保温杯", "", "2025-03-01", "2028-02-28", "撤销"],
        ],
    )
    for key, data, model in (
        ("pin_certificates", pins, PinCertificate),
        ("belt_road_certificates", belts, BeltRoadCertificate),
    ):
        plan = commit_import(kinds()[key], "证书.xlsx", data, bureau_staff)
        assert plan.written and plan.ok, problems(plan)
        assert len(plan.creates) == 2
        label = kinds()[key].label
        assert set(model.history.values_list("history_type", "history_change_reason", "history_user")) == {
            ("+", f"批量导入：证书.xlsx（{label}）", bureau_staff.pk)
        }
        before = everything()
        again = commit_import(kinds()[key], "证书.xlsx", data, bureau_staff)
        assert (len(again.creates), len(again.updates), again.unchanged) == (0, 0, 2)
        assert everything() == before
    suspended = PinCertificate.objects.get(number="CQM-24-0007")
    assert (suspended.enterprise, suspended.issued_on, suspended.expires_on, suspended.status) == (
        other_enterprise,
        dt.date(2024, 5, 6),
        dt.date(2027, 5, 5),
        CertificateStatus.SUSPENDED,
    )
    open_ended = BeltRoadCertificate.objects.get(number="BR-001")
    assert (open_ended.market, open_ended.expires_on, open_ended.status) == (
        "哈萨克斯坦",
        None,
        CertificateStatus.VALID,
    )
    assert BeltRoadCertificate.objects.get(number="BR-002").status == CertificateStatus.REVOKED


def test_a_certificate_update_changes_what_the_file_says_and_keeps_the_blank_cells(bureau_staff, enterprise):
    commit_import(
        kinds()["pin_certificates"], "a.xlsx", xlsx(PIN_HEADERS, [pin_row(enterprise)]), bureau_staff
    )
    data = xlsx(PIN_HEADERS, [pin_row(enterprise, 有效期至="2030-01-09", 证书状态="")])

    plan = commit_import(kinds()["pin_certificates"], "b.xlsx", data, bureau_staff)

    assert plan.written and [changed for _r, changed in plan.updates] == [["expires_on"]]
    certificate = PinCertificate.objects.get()
    assert (certificate.expires_on, certificate.status) == (dt.date(2030, 1, 9), CertificateStatus.VALID)
    latest = certificate.history.latest("history_date", "history_id")
    assert (latest.history_type, latest.history_change_reason) == ("~", "批量导入：b.xlsx（品字标证书）")


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"有效期至": "2025-12-31"}, "第 2 行，列「有效期至」：有效期至不能早于发证日期。"),
        ({"有效期至": ""}, "第 2 行，列「有效期至」：不能为空。"),
        ({"发证日期": ""}, "第 2 行，列「发证日期」：不能为空。"),
        ({"发证日期": "去年"}, "第 2 行，列「发证日期」：无法识别的日期“去年”"),
        ({"证书状态": "作废"}, "第 2 行，列「证书状态」：“作废”不是可选的值，应为：有效、暂停、撤销、过期。"),
        ({"认证产品": ""}, "第 2 行，列「认证产品」：不能为空。"),
        ({"证书编号": "〔清空〕"}, "第 2 行，列「证书编号」：必填项，不能清空。"),
        ({"统一社会信用代码": "9133"}, "第 2 行，列「统一社会信用代码」：统一社会信用代码"),
        (
            {"统一社会信用代码": "91330784MA2E8RKX24"},
            "第 2 行，列「统一社会信用代码」：您负责的企业中没有统一社会信用代码为“91330784MA2E8RKX24”的企业",
        ),
    ],
)
def test_each_bad_certificate_cell_is_named_by_row_and_column_and_nothing_is_written(
    bureau_staff, enterprise, cells, expected
):
    data = xlsx(PIN_HEADERS, [pin_row(enterprise, **cells), pin_row(enterprise, 证书编号="CQM-26-0002")])
    before = everything()

    plan = commit_import(kinds()["pin_certificates"], "坏.xlsx", data, bureau_staff)

    assert not plan.written
    assert [p for p in problems(plan) if p.startswith(expected)], problems(plan)
    assert all(p.startswith("第 2 行") for p in problems(plan))
    assert everything() == before


def test_a_belt_road_expiry_before_its_issue_is_refused(bureau_staff, enterprise):
    data = xlsx(
        BELT_HEADERS, [["BR-001", enterprise.credit_code, "电锤", "", "2026-03-01", "2026-02-28", ""]]
    )
    plan = commit_import(kinds()["belt_road_certificates"], "坏.xlsx", data, bureau_staff)
    assert problems(plan) == ["第 2 行，列「有效期至」：有效期至不能早于发证日期。"]
    assert not BeltRoadCertificate.objects.exists()


# -- scope -------------------------------------------------------------------------------------------


def test_another_countys_enterprise_is_out_of_scope_as_if_unknown(enterprise):
    dongyang = make_user(Role.BUREAU_STAFF, username="dongyang", region="330783")
    plan = commit_import(
        kinds()["pin_certificates"], "c.xlsx", xlsx(PIN_HEADERS, [pin_row(enterprise)]), dongyang
    )
    assert problems(plan) == [
        f"第 2 行，列「统一社会信用代码」：您负责的企业中没有统一社会信用代码为“{enterprise.credit_code}”的企业："
        "请核对代码，或先导入、录入该企业（其他监管所或县市的企业不能填写）。"
    ]
    assert not PinCertificate.objects.exists()


def test_a_branch_office_imports_for_its_own_enterprises_only(
    branch_staff, bureau_staff, enterprise, co_drafter, other_enterprise
):
    # Its own enterprise's certificate: fine. Another office's: refused, even to update.
    own = commit_import(
        kinds()["pin_certificates"], "c.xlsx", xlsx(PIN_HEADERS, [pin_row(enterprise)]), branch_staff
    )
    assert own.written, problems(own)
    theirs = pin_row(other_enterprise, 证书编号="CQM-26-0009")
    plan = commit_import(kinds()["pin_certificates"], "c.xlsx", xlsx(PIN_HEADERS, [theirs]), branch_staff)
    assert [p.split("：")[0] for p in problems(plan)] == ["第 2 行，列「统一社会信用代码」"]
    commit_import(kinds()["pin_certificates"], "c.xlsx", xlsx(PIN_HEADERS, [theirs]), bureau_staff)
    moved = pin_row(enterprise, 证书编号="CQM-26-0009")
    plan = commit_import(kinds()["pin_certificates"], "c.xlsx", xlsx(PIN_HEADERS, [moved]), branch_staff)
    assert problems(plan) == ["第 2 行，列「证书编号」：该证书属于您负责范围以外的企业，不能修改。"]
    assert PinCertificate.objects.get(number="CQM-26-0009").enterprise == other_enterprise

    # A standard of its own enterprises: fine; naming another office's as a co-drafter: refused.
    ours = [
        "T/ZZB 0001—2026",
        "保温杯",
        "发布",
        "",
        "2026-02-01",
        enterprise.credit_code,
        co_drafter.credit_code,
    ]
    assert commit_import(kinds()["zhejiang_made"], "z.xlsx", xlsx(ZJ_HEADERS, [ours]), branch_staff).written
    shared = [
        "T/ZZB 0002—2026",
        "防盗门",
        "发布",
        "",
        "2026-02-01",
        enterprise.credit_code,
        other_enterprise.credit_code,
    ]
    plan = commit_import(kinds()["zhejiang_made"], "z.xlsx", xlsx(ZJ_HEADERS, [shared]), branch_staff)
    assert [p.split("：")[0] for p in problems(plan)] == ["第 2 行，列「参与企业统一社会信用代码」"]
    # A standard another office's enterprise co-drafts is not theirs to change.
    assert commit_import(kinds()["zhejiang_made"], "z.xlsx", xlsx(ZJ_HEADERS, [shared]), bureau_staff).written
    shared[1] = "钢质防盗门"
    plan = commit_import(kinds()["zhejiang_made"], "z.xlsx", xlsx(ZJ_HEADERS, [shared]), branch_staff)
    assert problems(plan) == ["第 2 行，列「标准编号」：该标准的起草企业不全在您负责的范围内，不能修改。"]
    assert ZhejiangMadeStandard.objects.get(number="T/ZZB 0002—2026").title == "防盗门"


@pytest.mark.parametrize("who", ["manager", "enterprise_user"])
def test_managers_and_enterprise_users_may_not_import_the_quality_records(request, who, enterprise):
    user = request.getfixturevalue(who)
    assert not {kind.key for kind in importable_kinds(user)} & set(QUALITY_KINDS)
    for key in QUALITY_KINDS:
        with pytest.raises(PermissionError):
            commit_import(kinds()[key], "c.xlsx", xlsx(PIN_HEADERS, [pin_row(enterprise)]), user)
    assert not PinCertificate.objects.exists()


def test_bureau_and_branch_staff_may_import_the_quality_records(bureau_staff, branch_staff):
    for user in (bureau_staff, branch_staff):
        assert set(QUALITY_KINDS) <= {kind.key for kind in importable_kinds(user)}


# -- the pages ---------------------------------------------------------------------------------------


def test_the_import_page_offers_the_kinds_and_a_change_of_lead_is_previewed_then_confirmed(
    client, branch_staff, enterprise, co_drafter
):
    client.force_login(branch_staff)
    page = client.get(reverse("imports")).content.decode()
    for key in QUALITY_KINDS:
        assert reverse("import-template", args=[key]) in page
        assert kinds()[key].label in page
    row = [
        "T/ZZB 0001—2026",
        "保温杯",
        "发布",
        "",
        "2026-02-01",
        enterprise.credit_code,
        co_drafter.credit_code,
    ]
    commit_import(kinds()["zhejiang_made"], "z.xlsx", xlsx(ZJ_HEADERS, [row]), branch_staff)
    row[5], row[6] = co_drafter.credit_code, enterprise.credit_code
    file = SimpleUploadedFile("换主导.xlsx", xlsx(ZJ_HEADERS, [row]))

    preview = client.post(reverse("import-upload", args=["zhejiang_made"]), {"file": file})

    text = preview.content.decode()
    assert preview.status_code == 200 and "主导企业" in text and "参与企业" in text
    assert f"{enterprise.name}" in text and f"{co_drafter.name}" in text
    standard = ZhejiangMadeStandard.objects.get()
    assert drafters_of(standard)[enterprise.credit_code] == DrafterRole.LEAD, "the preview writes nothing"
    token = preview.context["token"]
    done = client.post(reverse("import-confirm", args=["zhejiang_made"]), {"token": token}, follow=True)
    assert "“浙江制造”标准导入完成：新增 0 条，更新 1 条" in done.content.decode()
    assert drafters_of(standard) == {
        co_drafter.credit_code: DrafterRole.LEAD,
        enterprise.credit_code: DrafterRole.CO_DRAFTER,
    }


# -- any cells ---------------------------------------------------------------------------------------

ANY_CELL = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=20),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2110, 1, 1)),
    st.integers(min_value=-5, max_value=80000),
    st.sampled_from(
        [
            "发布",
            "研制",
            "立项",
            "有效",
            "撤销",
            "〔清空〕",
            "T/ZZB 0001—2026",
            "tzzb 1-2026",
            "2026-02-30",
            "、；",
            "  ",
        ]
    ),
    st.sampled_from(["ENTERPRISE", "OTHER", "ENTERPRISE；OTHER", "ENTERPRISE、ENTERPRISE"]),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    key=st.sampled_from(QUALITY_KINDS),
    rows=st.lists(st.lists(ANY_CELL, max_size=8), min_size=1, max_size=4),
)
def test_any_cells_make_a_plan_never_a_crash_and_a_refused_one_writes_nothing(
    branch_staff, enterprise, other_enterprise, key, rows
):
    codes = {"ENTERPRISE": enterprise.credit_code, "OTHER": other_enterprise.credit_code}
    for cells in rows:
        for index, value in enumerate(cells):
            if isinstance(value, str):
                for name, code in codes.items():
                    value = value.replace(name, code)
                cells[index] = value
    headers = [column.header for column in template_columns(kinds()[key])]
    before = everything()
    plan = commit_import(kinds()[key], "x.xlsx", xlsx(headers, rows), branch_staff)
    assert plan.written == plan.ok
    if not plan.ok:
        assert everything() == before, "a refused import wrote something"
        assert all(str(p) for p in plan.problems)
    else:
        again = plan_import(kinds()[key], "x.xlsx", xlsx(headers, rows), branch_staff)
        assert again.ok and not again.creates and not again.updates, "the same file again changes nothing"


# -- queries -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [5, 50])
def test_planning_costs_the_same_queries_however_many_rows(bureau_staff, office, rows):
    enterprises = [EnterpriseFactory(branch_office=office) for _ in range(3)]
    standards = [
        [f"T/ZZB {n:04d}—2026", f"标准{n}", "发布", "", "2026-02-01", enterprises[n % 3].credit_code,
         enterprises[(n + 1) % 3].credit_code]
        for n in range(rows)
    ]  # fmt: skip
    pins = [pin_row(enterprises[n % 3], 证书编号=f"CQM-{n}") for n in range(rows)]
    # Half of them stored already, so the plan compares as well as creates.
    for key, headers, data in (
        ("zhejiang_made", ZJ_HEADERS, standards),
        ("pin_certificates", PIN_HEADERS, pins),
    ):
        commit_import(kinds()[key], "first.xlsx", xlsx(headers, data[: rows // 2]), bureau_staff)
        with CaptureQueriesContext(connection) as queries:
            plan = plan_import(kinds()[key], "all.xlsx", xlsx(headers, data), bureau_staff)
        assert plan.ok, problems(plan)
        # Standards: by number, unnumbered by title, the editable ones, their drafters, the
        # enterprises. Certificates: by number, the editable ones, the enterprises.
        bound = {"zhejiang_made": 5, "pin_certificates": 3}[key]
        assert len(queries) <= bound, [q["sql"] for q in queries.captured_queries]
