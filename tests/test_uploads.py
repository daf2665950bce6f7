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
