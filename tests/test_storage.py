"""Uploads are stored under random names, in their upload_to folder under MEDIA_ROOT."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from benchmarking.models import DeclarationEvidence
from benchmarking.services.declarations import declaration_create
from benchmarking.storage import RandomNameStorage, random_file_name
from tests.factories import SchemeFactory

PDF = b"%PDF-1.4\n%evidence\n"
STORED_EVIDENCE = re.compile(r"evidence/\d{4}/\d{2}/[0-9a-f]{32}\.pdf")


@pytest.fixture
def declaration(enterprise, enterprise_user, scheme, executed_standard):
    return declaration_create(
        actor=enterprise_user,
        enterprise=enterprise,
        scheme=scheme,
        product_name="杯",
        product_model="S1",
        executed_standard=executed_standard,
    )


def attach(declaration, name):
    return DeclarationEvidence.objects.create(
        declaration=declaration, title="检测报告", file=SimpleUploadedFile(name, PDF)
    )


def test_the_default_storage_is_the_random_name_one():
    assert isinstance(storages["default"], RandomNameStorage)


@pytest.mark.django_db
def test_stored_name_is_random_and_keeps_the_extension_lower_cased(declaration):
    evidence = attach(declaration, "永康甲杯业 检测报告 张三.PDF")
    assert STORED_EVIDENCE.fullmatch(evidence.file.name), evidence.file.name
    assert "张三" not in evidence.file.name
    with evidence.file.open("rb") as stored:
        assert stored.read() == PDF


@pytest.mark.django_db
def test_two_uploads_of_the_same_name_are_stored_apart(declaration):
    first, second = attach(declaration, "report.pdf"), attach(declaration, "report.pdf")
    assert first.file.name != second.file.name
    assert all(STORED_EVIDENCE.fullmatch(e.file.name) for e in (first, second))
    assert Path(first.file.path).read_bytes() == Path(second.file.path).read_bytes() == PDF


@pytest.mark.django_db
def test_files_land_under_media_root_not_the_static_root(declaration):
    path = Path(attach(declaration, "report.pdf").file.path).resolve()
    assert path.is_file()
    assert path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    for static in [settings.STATIC_ROOT, *settings.STATICFILES_DIRS]:
        assert not path.is_relative_to(Path(static).resolve())


@pytest.mark.django_db
def test_scheme_documents_get_random_names_too():
    scheme = SchemeFactory(document=SimpleUploadedFile("对标方案 v2.docx", b"PK\x03\x04rest"))
    assert re.fullmatch(r"schemes/\d{4}/[0-9a-f]{32}\.docx", scheme.document.name)


@pytest.mark.parametrize(
    ("original", "suffix"),
    [
        ("a.pdf", ".pdf"),
        ("A.JPEG", ".jpeg"),
        ("archive.tar.gz", ".gz"),
        ("no-extension", ""),
        ("weird.p df", ""),
        ("dots....", ""),
    ],
)
def test_random_file_name_keeps_only_a_plain_extension(original, suffix):
    name = random_file_name(original)
    assert re.fullmatch(r"[0-9a-f]{32}" + re.escape(suffix), name), name
