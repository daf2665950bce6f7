"""The import pages for sheets as they really are: the header row found below a title, the
problem rows to download, and the explicit choice to import only the rows without problems
(docs/domain.md, "Imports")."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from benchmarking.choices import Role
from benchmarking.imports.engine import PROBLEM_COLUMN
from benchmarking.models import Enterprise
from tests.factories import make_user
from tests.imports.test_messy_input import HEADERS, industry  # noqa: F401 (a fixture)
from tests.imports.test_rows import good_and_bad, titled_xlsx, with_doctype
from tests.views.test_imports import staged_files, token_of

pytestmark = pytest.mark.django_db

UPLOAD = reverse("import-upload", args=["enterprises"])
CONFIRM = reverse("import-confirm", args=["enterprises"])
PROBLEM_ROWS = reverse("import-problem-rows", args=["enterprises"])


def xlsx_upload(data: bytes, name="名单.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture
def staff_client(client, bureau_staff):
    client.force_login(bureau_staff)
    return client


@pytest.fixture
def preview(staff_client, office, industry):  # noqa: F811
    rows, good = good_and_bad()
    response = staff_client.post(UPLOAD, {"file": xlsx_upload(titled_xlsx(rows))})
    assert response.status_code == 200
    return response, good


def test_the_preview_says_which_row_is_the_header_and_counts_the_rows(preview):
    response, _good = preview
    page = response.content.decode()
    assert "第 3 行作为表头，其上 2 行已忽略。" in page
    assert "第 6 行，列「企业名称」：不能为空。" in page
    assert response.context["plan"].valid_rows == 3 and response.context["problem_row_count"] == 2
    assert "只导入无误的行（3 行）" in page
    assert "确认导入" not in page  # the whole file cannot be imported as it is
    assert not Enterprise.objects.exists()


def test_the_problem_rows_download_for_the_uploader_only(preview, staff_client, settings):
    response, _good = preview
    token = token_of(response)
    download = staff_client.post(PROBLEM_ROWS, {"token": token})
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).active
    assert [c.value for c in sheet[1]] == [*HEADERS, PROBLEM_COLUMN]
    assert sheet.max_row == 3
    # Downloading leaves the upload waiting for its confirmation.
    assert len(staged_files(settings)) == 2

    # Another importer of the same kind, another kind, a made-up token: 404.
    other = Client()
    other.force_login(make_user(Role.BUREAU_STAFF, username="bureau2"))
    assert other.post(PROBLEM_ROWS, {"token": token}).status_code == 404
    assert (
        staff_client.post(reverse("import-problem-rows", args=["standards"]), {"token": token}).status_code
        == 404
    )
    assert staff_client.post(PROBLEM_ROWS, {"token": "a" * 43}).status_code == 404
    # A user who may not import the kind at all: refused before any token is looked at.
    enterprise_user = Client()
    enterprise_user.force_login(make_user(Role.ENTERPRISE, username="ent2"))
    assert enterprise_user.post(PROBLEM_ROWS, {"token": token}).status_code == 403
    assert staff_client.get(PROBLEM_ROWS).status_code == 405


def test_importing_the_valid_rows_writes_them_and_says_what_was_skipped(preview, staff_client, settings):
    response, good = preview
    answer = staff_client.post(
        CONFIRM,
        {"token": token_of(response), "rows": "valid", "problems": response.context["plan"].problems_digest},
        follow=True,
    )
    assert answer.redirect_chain[-1][0] == reverse("imports")
    assert "新增 3 条" in answer.content.decode() and "已跳过有问题的 2 行" in answer.content.decode()
    assert set(Enterprise.objects.values_list("credit_code", flat=True)) == set(good)
    assert staged_files(settings) == []


@pytest.mark.parametrize("posted", [{}, {"rows": "valid"}, {"rows": "valid", "problems": "0" * 32}])
def test_without_the_choice_and_the_problems_seen_nothing_is_written(preview, staff_client, posted):
    response, _good = preview
    answer = staff_client.post(CONFIRM, {"token": token_of(response), **posted})
    assert answer.status_code == 200
    assert "本次未写入任何数据" in answer.content.decode()
    assert not Enterprise.objects.exists()


def test_a_file_wide_problem_is_not_kept_for_a_partial_import(staff_client, office, industry, settings):  # noqa: F811
    rows, _good = good_and_bad()
    headers = [h for h in HEADERS if h != "行业"]
    response = staff_client.post(
        UPLOAD, {"file": xlsx_upload(titled_xlsx([r[:3] + r[4:] for r in rows], headers=headers))}
    )
    page = response.content.decode()
    assert "缺少必需的列" in page and 'name="token"' not in page
    assert staged_files(settings) == []


def test_a_workbook_with_a_dtd_is_a_sentence_not_a_500(staff_client, office, industry):  # noqa: F811
    response = staff_client.post(UPLOAD, {"file": xlsx_upload(with_doctype(titled_xlsx([])))})
    assert response.status_code == 200
    assert "文档类型声明（DTD）" in response.content.decode()
