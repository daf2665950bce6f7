"""Uploaded documents are judged by their content and size, not their name."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from benchmarking.uploads import validate_document_upload


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", b"%PDF-1.7\n..."),
        ("REPORT.PDF", b"%PDF-1.4\n..."),
        ("photo.jpg", b"\xff\xd8\xff\xe0rest"),
        ("scan.png", b"\x89PNG\r\n\x1a\nrest"),
        ("scheme.docx", b"PK\x03\x04rest"),
    ],
)
def test_real_documents_pass(name, content):
    validate_document_upload(SimpleUploadedFile(name, content))


def test_executable_renamed_pdf_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_document_upload(SimpleUploadedFile("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00PE"))
    assert error.value.code == "file_content"
    assert "文件内容与扩展名「.pdf」不符" in error.value.messages[0]


def test_unknown_type_is_refused():
    with pytest.raises(ValidationError) as error:
        validate_document_upload(SimpleUploadedFile("setup.exe", b"MZ\x90\x00"))
    assert error.value.code == "file_type"
    assert "不支持的文件类型「.exe」" in error.value.messages[0]


def test_oversized_file_is_refused(settings):
    settings.BENCHMARKING_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationError) as error:
        validate_document_upload(SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 2000))
    assert error.value.code == "file_too_large"
    assert "文件过大" in error.value.messages[0]


def test_the_check_leaves_the_file_readable_from_the_start():
    upload = SimpleUploadedFile("report.pdf", b"%PDF-1.7 body")
    validate_document_upload(upload)
    assert upload.read() == b"%PDF-1.7 body"


# Through the admin: the declaration change page's evidence inline, posted as a browser would.

PE_EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xffPE\x00\x00"


def change_form_data(client, url) -> dict:
    """What the browser would post back unchanged from the admin change page at ``url``:
    the main form (with its version stamp) and every inline formset."""
    from django.db.models.fields.files import FieldFile

    page = client.get(url)
    assert page.status_code == 200
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for bound in form:
            value = bound.value()
            if bound.field.disabled or value is None or isinstance(value, FieldFile):
                continue
            data[bound.html_name] = value
    return data


@pytest.fixture
def evidence_upload(client, bureau_staff, enterprise, scheme, executed_standard):
    """Post one new evidence row with the given file on a draft declaration's admin page."""
    from django.urls import reverse

    from benchmarking.services.declarations import declaration_create

    declaration = declaration_create(
        actor=bureau_staff,
        enterprise=enterprise,
        scheme=scheme,
        product_name="杯",
        product_model="U1",
        executed_standard=executed_standard,
    )
    client.force_login(bureau_staff)
    url = reverse("admin:benchmarking_declaration_change", args=[declaration.pk])

    def post(name, content):
        data = change_form_data(client, url)
        row = int(data["evidence-TOTAL_FORMS"])
        data |= {
            "evidence-TOTAL_FORMS": row + 1,
            f"evidence-{row}-title": "检测报告",
            f"evidence-{row}-file": SimpleUploadedFile(name, content),
        }
        return client.post(url, data)

    post.declaration = declaration
    return post


def stored_files(root):
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.mark.django_db
def test_admin_evidence_upload_of_a_real_pdf_is_stored(evidence_upload, tmp_path):
    response = evidence_upload("report.pdf", b"%PDF-1.7\n%real\n")
    assert response.status_code == 302, response.content.decode()[:3000]
    evidence = evidence_upload.declaration.evidence.get()
    assert evidence.title == "检测报告"
    assert stored_files(tmp_path) == [tmp_path / evidence.file.name]


@pytest.mark.django_db
def test_admin_refuses_an_executable_renamed_pdf(evidence_upload, tmp_path):
    response = evidence_upload("检测报告.pdf", PE_EXECUTABLE)
    assert response.status_code == 200
    assert "文件内容与扩展名「.pdf」不符，可能已损坏或被改名，请上传原始文件。" in response.content.decode()
    assert not evidence_upload.declaration.evidence.exists()
    assert stored_files(tmp_path) == []


@pytest.mark.django_db
def test_admin_refuses_an_oversized_file(evidence_upload, settings, tmp_path):
    settings.BENCHMARKING_MAX_UPLOAD_BYTES = 1024
    response = evidence_upload("big.pdf", b"%PDF-1.7\n" + b"0" * 2048)
    assert response.status_code == 200
    # filesizeformat puts a no-break space between number and unit.
    assert "文件过大：2.0\xa0KB，上限为 1.0\xa0KB。" in response.content.decode()
    assert not evidence_upload.declaration.evidence.exists()
    assert stored_files(tmp_path) == []
