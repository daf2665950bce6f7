"""The import pages: template download, upload → preview → confirm, and who may do what."""

import io
import json
import os
import re
import time
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarking.choices import DeclarationStatus, Role
from benchmarking.imports import kinds, staging
from benchmarking.imports.engine import ImportPlan
from benchmarking.imports.preview import field_label
from benchmarking.imports.reading import MAX_IMPORT_BYTES, NOTES_SHEET
from benchmarking.imports.templates import template_columns
from benchmarking.models import Declaration, DeclarationItem, Enterprise, Standard
from benchmarking.views import imports as import_views
from tests.factories import EnterpriseFactory, StandardFactory, make_credit_code, make_user
from tests.imports import test_declarations

# The declaration-import tests' helper (a plain function), renamed so that it is not taken for
# the ``declare`` fixture of the list and dashboard tests (tests/conftest.py).
from tests.imports.test_declarations import declare as declare_cup
from tests.imports.test_declarations import row, xlsx

pytestmark = pytest.mark.django_db

cup_scheme = test_declarations.cup_scheme  # the declaration tests' published scheme, as a fixture here

TOKEN_INPUT = re.compile(r'name="token" value="([^"]+)"')


def csv_file(rows, name="导入.csv") -> SimpleUploadedFile:
    text = "\n".join(",".join(cells) for cells in rows) + "\n"
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def standards_file(*rows):
    return csv_file([("标准编号", "标准名称"), *rows])


def upload(client, kind, file):
    return client.post(reverse("import-upload", args=[kind]), {"file": file})


def token_of(response) -> str:
    match = TOKEN_INPUT.search(response.content.decode())
    assert match, "the preview offers no confirm button"
    return match.group(1)


def staged_files(settings):
    directory = staging._staging_dir()
    return sorted(p.name for p in directory.iterdir()) if directory.exists() else []


@pytest.fixture
def bureau_client(client, bureau_staff):
    client.force_login(bureau_staff)
    return client


# -- template download -------------------------------------------------------------------------


def test_enterprise_template_has_headers_example_notes_and_drop_downs(bureau_client):
    kind = kinds()["enterprises"]
    response = bureau_client.get(reverse("import-template", args=["enterprises"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]

    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[:2] == [kind.label, NOTES_SHEET]
    sheet = workbook[kind.label]
    headers = [cell.value for cell in sheet[1]]
    assert headers == [column.header for column in kind.columns]
    # One example row, and nothing below it.
    assert sheet["A2"].value == kind.columns[0].example
    assert sheet.max_row == 2
    # Required columns are marked by their look, never by changing the header text.
    code_header = sheet["A1"]
    assert code_header.font.b and code_header.comment is not None
    address = headers.index("地址") + 1
    assert not sheet.cell(1, address).font.b and "必填列：" not in sheet.cell(1, address).comment.text
    # An optional column's header says how a blank cell and 〔清空〕 read on an update.
    assert "空白单元格表示保持原值不变" in sheet.cell(1, address).comment.text
    # Codes are text: Excel keeps them as typed.
    assert sheet["A2"].number_format == "@"
    assert sheet.column_dimensions["A"].number_format == "@"
    # A drop-down over the data rows for every column with choices, and only those.
    validations = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    with_choices = [i for i, column in enumerate(kind.columns, start=1) if column.choices]
    assert len(validations) == len(with_choices) > 0
    for index in with_choices:
        letter = openpyxl.utils.get_column_letter(index)
        validation = validations[f"{letter}2:{letter}10001"]
        assert validation.type == "list"
        assert validation.formula1 == '"是,否,〔清空〕"'

    notes = workbook[NOTES_SHEET]
    text = "\n".join(str(c.value) for row in notes.iter_rows() for c in row if c.value)
    for column in kind.columns:
        assert column.header in text
        if column.note:
            assert column.note in text
    assert "必填" in text and "可选" in text and "示例" in text
    assert "空白单元格表示保持原值不变" in text and "〔清空〕" in text


def test_standard_template_lists_standard_kinds(bureau_client):
    response = bureau_client.get(reverse("import-template", args=["standards"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == [
        "标准编号",
        "标准名称",
        "标准类别",
        "标准状态",
        "发布日期",
        "实施日期",
        "废止日期",
        "代替标准",
        "采标程度",
        "采用的国际/国外标准",
    ]
    # A drop-down list on each column with choices: the kind, the status and the adoption degree.
    lists = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert set(lists) == {"C2:C10001", "D2:D10001", "I2:I10001"}
    assert "国际标准" in lists["C2:C10001"] and "企业标准" in lists["C2:C10001"]
    assert "被代替" in lists["D2:D10001"] and "即将实施" in lists["D2:D10001"]
    assert "IDT" in lists["I2:I10001"]


def test_a_filled_in_template_imports(bureau_client):
    """The template is a file the import reads: its notes sheet is skipped."""
    response = bureau_client.get(reverse("import-template", args=["standards"]))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    sheet["A2"], sheet["B2"], sheet["C2"] = "GB/T 1.1—2020", "标准化工作导则", "国家标准"
    buffer = io.BytesIO()
    workbook.save(buffer)
    preview = upload(
        bureau_client, "standards", SimpleUploadedFile("模板.xlsx", buffer.getvalue(), content_type="")
    )
    assert preview.context["created_count"] == 1 and preview.context["problems"] == []


def test_every_kind_bureau_staff_import_has_a_readable_template(bureau_client, bureau_staff):
    offered = [kind for kind in kinds().values() if kind.may_import(bureau_staff)]
    assert {"enterprises", "standards"} <= {kind.key for kind in offered}
    for kind in offered:
        response = bureau_client.get(reverse("import-template", args=[kind.key]))
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        assert workbook.sheetnames[1] == NOTES_SHEET
        headers = [c.value for c in workbook.worksheets[0][1]]
        assert headers == [c.header for c in template_columns(kind)]


def test_unknown_kind_is_404(bureau_client):
    assert bureau_client.get(reverse("import-template", args=["nothing"])).status_code == 404
    assert bureau_client.get(reverse("import-upload", args=["nothing"])).status_code == 404


# -- upload and preview ------------------------------------------------------------------------


def test_preview_shows_counts_and_every_problem_and_writes_nothing(bureau_client, settings):
    StandardFactory(number="GB/T 20000.1—2014", title="标准化工作指南")
    response = upload(
        bureau_client,
        "standards",
        csv_file(
            [
                ("标准编号", "标准名称", "备注"),
                ("GB/T 1.1—2020", "标准化工作导则", ""),
                ("GB/T 20000.1—2014", "标准化工作指南", ""),
                ("GB/T 2828.1—2012", "", "缺名称"),
                ("GB/T 1.1-2020", "重复", ""),
            ]
        ),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["plan"].rows == 4
    assert response.context["plan"].unchanged == 1
    assert "第 4 行，列「标准名称」：不能为空。" in page
    # Both rows of a key that disagrees, each naming the other.
    assert "第 2 行，列「标准编号」：与第 5 行的标准编号相同" in page
    assert "第 5 行，列「标准编号」：与第 2 行的标准编号相同" in page
    assert len(response.context["problems"]) == 3
    assert "「备注」" in page  # the column the import does not read
    # No confirmation of the whole file; the explicit choice of the one row without problems.
    assert "确认导入" not in page
    assert "只导入无误的行（1 行）" in page and 'name="rows" value="valid"' in page
    assert Standard.objects.count() == 1
    assert len(staged_files(settings)) == 2  # waiting for that choice (and the problem-row download)


def test_preview_of_a_good_file_offers_confirmation_and_writes_nothing(bureau_client, settings):
    response = upload(bureau_client, "standards", standards_file(("GB/T 1.1—2020", "标准化工作导则")))
    page = response.content.decode()
    assert response.context["created_count"] == 1 and response.context["updated_count"] == 0
    assert "确认导入" in page
    token = token_of(response)
    assert staged_files(settings) == [f"{token}.data", f"{token}.json"]
    sidecar = json.loads((staging._staging_dir() / f"{token}.json").read_text())
    assert sidecar["kind"] == "standards" and sidecar["user"] == response.wsgi_request.user.pk
    assert not Standard.objects.exists()


def test_upload_form_errors_are_shown(bureau_client):
    response = bureau_client.post(reverse("import-upload", args=["standards"]), {})
    assert response.status_code == 200
    assert "请选择要导入的文件。" in response.content.decode()
    unreadable = upload(bureau_client, "standards", SimpleUploadedFile("x.xlsx", b"not a workbook"))
    assert "无法读取" in unreadable.content.decode()


def test_a_file_at_the_limit_reaches_the_import_and_one_over_gets_a_sentence(bureau_client, settings):
    # Django buffers large uploads to disk; its DATA_UPLOAD_MAX_MEMORY_SIZE does not count file data.
    at_limit = b"PK\x03\x04" + b"\x00" * (MAX_IMPORT_BYTES - 4)
    response = upload(bureau_client, "standards", SimpleUploadedFile("big.xlsx", at_limit))
    assert response.status_code == 200
    assert "Excel 文件已损坏" in response.content.decode()  # read (and refused) by the import itself

    response = upload(bureau_client, "standards", SimpleUploadedFile("big.xlsx", at_limit + b"\x00"))
    assert response.status_code == 200
    assert "文件过大" in response.content.decode()
    assert staged_files(settings) == []


# -- confirm -----------------------------------------------------------------------------------


def test_confirm_writes_with_history_and_deletes_the_upload(bureau_client, bureau_staff, settings):
    preview = upload(
        bureau_client,
        "standards",
        standards_file(("GB/T 1.1—2020", "标准化工作导则"), ("ISO 8442-1:2008", "餐具")),
    )
    token = token_of(preview)
    response = bureau_client.post(
        reverse("import-confirm", args=["standards"]), {"token": token}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("imports")
    assert "标准导入完成：新增 2 条，更新 0 条，0 条无变化。" in response.content.decode()
    assert Standard.objects.count() == 2
    assert {s.history.latest().history_user for s in Standard.objects.all()} == {bureau_staff}
    assert staged_files(settings) == []
    # The same token again (a double click, a refresh): gone, nothing written twice.
    again = bureau_client.post(reverse("import-confirm", args=["standards"]), {"token": token})
    assert again.status_code == 404
    assert Standard.objects.count() == 2


def test_confirm_by_another_user_or_for_another_kind_is_404(bureau_client, client, settings):
    token = token_of(upload(bureau_client, "standards", standards_file(("GB/T 1.1—2020", "标准化工作导则"))))
    other = Client()
    other.force_login(make_user(Role.BUREAU_STAFF, username="bureau2"))
    assert other.post(reverse("import-confirm", args=["standards"]), {"token": token}).status_code == 404
    assert (
        bureau_client.post(reverse("import-confirm", args=["enterprises"]), {"token": token}).status_code
        == 404
    )
    assert not Standard.objects.exists()
    # Neither attempt used the upload up: its owner still confirms it.
    assert len(staged_files(settings)) == 2
    bureau_client.post(reverse("import-confirm", args=["standards"]), {"token": token})
    assert Standard.objects.count() == 1


@pytest.mark.parametrize(
    "token",
    ["", "../../../etc/passwd", "a" * 43, "a" * 42 + "/", "..%2F..%2Fsecret", None],
)
def test_tampered_tokens_are_404(bureau_client, settings, token):
    upload(bureau_client, "standards", standards_file(("GB/T 1.1—2020", "标准化工作导则")))
    data = {} if token is None else {"token": token}
    assert bureau_client.post(reverse("import-confirm", args=["standards"]), data).status_code == 404
    assert not Standard.objects.exists()


def test_expired_upload_is_refused_and_deleted(bureau_client, settings, monkeypatch):
    token = token_of(upload(bureau_client, "standards", standards_file(("GB/T 1.1—2020", "标准化工作导则"))))
    sidecar = staging._staging_dir() / f"{token}.json"
    meta = json.loads(sidecar.read_text())
    meta["created"] -= staging.STAGED_FOR.total_seconds() + 1
    sidecar.write_text(json.dumps(meta))
    response = bureau_client.post(
        reverse("import-confirm", args=["standards"]), {"token": token}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("import-upload", args=["standards"])
    assert "已作废，请重新上传" in response.content.decode()
    assert not Standard.objects.exists()
    assert staged_files(settings) == []


def test_data_changed_since_the_preview_shows_problems_and_writes_nothing(
    client, branch_staff, office, enterprise
):
    client.force_login(branch_staff)
    industry = enterprise.industry
    preview = upload(
        client,
        "enterprises",
        csv_file(
            [
                ("统一社会信用代码", "企业名称", "所属监管所", "行业"),
                (make_credit_code(), "永康新杯业有限公司", office.name, industry.name),
            ]
        ),
    )
    assert preview.context["created_count"] == 1, preview.context["problems"]
    old_name = industry.name
    industry.name = "改名后的行业"
    industry.save()
    response = client.post(reverse("import-confirm", args=["enterprises"]), {"token": token_of(preview)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "本次未写入任何数据" in page
    assert f"第 2 行，列「行业」：系统中没有“{old_name}”。" in page
    assert Enterprise.objects.count() == 1  # only the fixture's


# -- who may import ----------------------------------------------------------------------------


def test_managers_and_enterprise_users_are_refused(client, manager, enterprise_user, bureau_staff):
    staff = Client()
    staff.force_login(bureau_staff)
    token = token_of(upload(staff, "standards", standards_file(("GB/T 1.1—2020", "标准化工作导则"))))
    for user in (manager, enterprise_user):
        client.force_login(user)
        assert client.get(reverse("imports")).status_code == 403
        assert client.get(reverse("import-template", args=["enterprises"])).status_code == 403
        assert upload(client, "standards", standards_file(("GB/T 2.1—2020", "x"))).status_code == 403
        assert client.post(reverse("import-confirm", args=["standards"]), {"token": token}).status_code == 403
    assert not Standard.objects.exists()


def test_branch_staff_import_enterprises_but_not_standards(client, branch_staff):
    client.force_login(branch_staff)
    page = client.get(reverse("imports"))
    assert page.status_code == 200
    offered = [kind.key for kind in page.context["kinds"]]
    assert "enterprises" in offered and "standards" not in offered
    assert client.get(reverse("import-template", args=["standards"])).status_code == 403
    assert upload(client, "standards", standards_file(("GB/T 1.1—2020", "x"))).status_code == 403


def test_anonymous_users_go_to_the_login_page(client):
    response = upload(client, "standards", standards_file(("GB/T 1.1—2020", "x")))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_upload_needs_the_csrf_token(bureau_staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(bureau_staff)
    assert upload(client, "standards", standards_file(("GB/T 1.1—2020", "x"))).status_code == 403


def test_nav_links_to_imports_only_for_importers(client, bureau_staff, manager):
    client.force_login(bureau_staff)
    assert reverse("imports") in client.get(reverse("progress-dashboard")).content.decode()
    client.force_login(manager)
    assert reverse("imports") not in client.get(reverse("progress-dashboard")).content.decode()


# -- declarations, and what the preview costs ----------------------------------------------------


def xlsx_file(data: bytes, name="导入.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="")


def draft_row(enterprise, scheme, standard, *, model, warmth=13):
    return row(
        enterprise,
        scheme,
        standard,
        model=model,
        status=str(DeclarationStatus.DRAFT.label),
        published=None,
        pairs=("保温效能", warmth, "铅迁移量", 0.008, "外观", "符合"),
    )


def test_a_draft_s_changed_values_are_previewed_as_declared_values_and_confirmed(
    bureau_client, bureau_staff, cup_scheme, enterprise, executed_standard, settings
):
    """The declarations kind reports changed values as "items", a reverse relation with no
    verbose_name: the preview names it (it used to be a 500), and confirming writes it."""
    draft = declare_cup(cup_scheme, enterprise, executed_standard, bureau_staff, model="D-1")
    data = xlsx([draft_row(enterprise, cup_scheme, executed_standard, model="D-1", warmth=11)])

    preview = upload(bureau_client, "declarations", xlsx_file(data))

    assert preview.status_code == 200
    assert preview.context["problems"] == [] and preview.context["updated_count"] == 1
    (item,) = preview.context["updated"]
    assert item.record == str(draft)
    assert "声明值·保温效能" in item.fields.split("、") and "items" not in item.fields
    assert [(c.old, c.new) for c in item.changes if c.label == "声明值·保温效能"] == [("13", "11")]
    assert "声明值·保温效能" in preview.content.decode()
    response = bureau_client.post(
        reverse("import-confirm", args=["declarations"]), {"token": token_of(preview)}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("imports")
    warmth = DeclarationItem.objects.get(declaration=draft, indicator__name="保温效能")
    assert warmth.value == Decimal("11")
    assert staged_files(settings) == []


def test_change_labels_never_crash():
    assert field_label(Declaration(), "items") == "声明值"
    assert field_label(Declaration(), "product_name") == "产品名称"
    # A reverse relation without a label of its own, and a name that is no field at all.
    assert field_label(Enterprise(), "declarations") == "declarations"
    assert field_label(Enterprise(), "no_such_field") == "no_such_field"


def preview_queries(client, kind: str, file) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = upload(client, kind, file)
    assert response.status_code == 200 and response.context["problems"] == []
    return len(queries)


def test_the_preview_of_updated_enterprises_costs_the_same_at_5_and_50(bureau_client, office):
    enterprises = EnterpriseFactory.create_batch(50, branch_office=office)
    headers = ("统一社会信用代码", "企业名称", "所属监管所", "行业")

    def renamed(batch):
        return csv_file(
            [headers, *((e.credit_code, f"{e.name}（改）", office.name, e.industry.name) for e in batch)]
        )

    few, many = (
        preview_queries(bureau_client, "enterprises", renamed(enterprises[:5])),
        preview_queries(bureau_client, "enterprises", renamed(enterprises)),
    )
    assert few == many


def test_the_preview_of_updated_declarations_costs_the_same_at_5_and_50(
    bureau_client, bureau_staff, cup_scheme, enterprise, other_enterprise, executed_standard
):
    """Each declaration's label names its enterprise: loaded once for the list, not per row."""
    owners = [enterprise, other_enterprise]
    for i in range(50):
        declare_cup(cup_scheme, owners[i % 2], executed_standard, bureau_staff, model=f"D-{i}")

    def changed(n):
        rows = [
            draft_row(owners[i % 2], cup_scheme, executed_standard, model=f"D-{i}", warmth=11 + n)
            for i in range(n)
        ]
        return xlsx_file(xlsx(rows))

    assert preview_queries(bureau_client, "declarations", changed(5)) == preview_queries(
        bureau_client, "declarations", changed(50)
    )


def test_the_preview_page_adds_no_query_per_listed_record(
    rf, bureau_staff, cup_scheme, enterprise, other_enterprise, executed_standard
):
    """Whatever the kind loaded, listing the records costs the view the same at 5 as at 50:
    declarations read without their enterprise get it in one query for the whole list."""
    owners = [enterprise, other_enterprise]
    for i in range(50):
        declare_cup(cup_scheme, owners[i % 2], executed_standard, bureau_staff, model=f"D-{i}")
    kind = kinds()["declarations"]

    def count(n: int) -> int:
        plan = ImportPlan(kind=kind)
        plan.updates = [(d, ["product_name", "items"]) for d in Declaration.objects.order_by("pk")[:n]]
        request = rf.post("/")
        request.user = bureau_staff
        with CaptureQueriesContext(connection) as queries:
            response = import_views.preview_page(request, kind, plan, name="x.xlsx", token="")
        assert response.status_code == 200 and "永康乙门业有限公司" in response.content.decode()
        return len(queries)

    assert count(5) == count(50) <= 1


# -- staged files: never left behind -------------------------------------------------------------


def test_a_preview_that_fails_to_render_leaves_no_upload_behind(bureau_client, settings, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the template broke")

    monkeypatch.setattr(import_views, "preview_page", broken)
    with pytest.raises(RuntimeError):
        upload(bureau_client, "standards", standards_file(("GB/T 1.1—2020", "标准化工作导则")))
    assert staged_files(settings) == []
    assert not Standard.objects.exists()


def test_confirming_sweeps_abandoned_uploads(bureau_client, settings):
    abandoned = token_of(upload(bureau_client, "standards", standards_file(("GB/T 2.1—2020", "旧"))))
    long_ago = time.time() - staging.STAGED_FOR.total_seconds() - 3600
    for suffix in ("data", "json"):
        os.utime(staging._staging_dir() / f"{abandoned}.{suffix}", (long_ago, long_ago))
    fresh = token_of(upload(bureau_client, "standards", standards_file(("GB/T 1.1—2020", "标准化工作导则"))))
    # The upload swept it already; stage it again, old, to see the confirmation sweep too.
    assert staged_files(settings) == [f"{fresh}.data", f"{fresh}.json"]
    stale = staging._staging_dir() / "stale.claimed"
    stale.write_bytes(b"left by an interrupted confirmation")
    os.utime(stale, (long_ago, long_ago))

    bureau_client.post(reverse("import-confirm", args=["standards"]), {"token": fresh})

    assert Standard.objects.count() == 1
    assert staged_files(settings) == []
