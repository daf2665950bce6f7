"""Uploaded files are served only to those who may see their record."""

from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from benchmarking.models import DeclarationEvidence
from benchmarking.services.declarations import declaration_create
from tests.factories import SchemeFactory

PDF = b"%PDF-1.4\n%test report\n"


@pytest.fixture
def evidence(enterprise, enterprise_user, scheme, executed_standard):
    declaration = declaration_create(
        actor=enterprise_user,
        enterprise=enterprise,
        scheme=scheme,
        product_name="杯",
        product_model="F1",
        executed_standard=executed_standard,
    )
    return DeclarationEvidence.objects.create(
        declaration=declaration, title="检测报告", file=SimpleUploadedFile("report.pdf", PDF)
    )


@pytest.mark.django_db
def test_evidence_url_is_the_protected_view(evidence):
    assert evidence.file.url.startswith("/files/evidence/")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("enterprise_user", 200),
        ("branch_staff", 200),
        ("bureau_staff", 200),
        ("manager", 200),
        ("other_enterprise_user", 404),
        ("other_branch_staff", 404),
    ],
)
def test_evidence_download_by_role(client, request, evidence, who, expected):
    client.force_login(request.getfixturevalue(who))
    response = client.get(evidence.file.url)
    assert response.status_code == expected
    if expected == 200:
        assert b"".join(response.streaming_content) == PDF


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, evidence):
    response = client.get(evidence.file.url)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.django_db
def test_a_file_no_record_owns_is_404_even_if_stored(client, bureau_staff, tmp_path):
    (tmp_path / "stray.pdf").write_bytes(PDF)
    client.force_login(bureau_staff)
    assert client.get("/files/stray.pdf").status_code == 404
    assert client.get("/files/../../etc/passwd").status_code == 404


@pytest.mark.django_db
def test_draft_scheme_document_is_for_staff_only(client, enterprise_user, bureau_staff):
    scheme = SchemeFactory(document=SimpleUploadedFile("scheme.pdf", PDF))
    client.force_login(enterprise_user)
    assert client.get(scheme.document.url).status_code == 404
    client.force_login(bureau_staff)
    assert client.get(scheme.document.url).status_code == 200


@pytest.mark.django_db
def test_download_is_named_after_the_evidence_not_the_random_stored_name(client, evidence, enterprise_user):
    client.force_login(enterprise_user)
    response = client.get(evidence.file.url)
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert quote("检测报告.pdf") in disposition
    assert evidence.file.name.rsplit("/", 1)[-1] not in disposition


@pytest.mark.django_db
def test_download_name_drops_characters_a_file_name_cannot_hold(client, evidence, enterprise_user):
    evidence.title = '报告 No.1/2024: "复检"'
    evidence.save()
    client.force_login(enterprise_user)
    disposition = client.get(evidence.file.url)["Content-Disposition"]
    assert quote("报告 No.1_2024_ _复检_.pdf") in disposition


@pytest.mark.django_db
def test_scheme_document_download_is_named_by_code_and_title(client, bureau_staff):
    scheme = SchemeFactory(
        code="YKDB-2024-001", title="不锈钢真空杯对标技术方案", document=SimpleUploadedFile("x.pdf", PDF)
    )
    client.force_login(bureau_staff)
    disposition = client.get(scheme.document.url)["Content-Disposition"]
    assert quote("YKDB-2024-001 不锈钢真空杯对标技术方案.pdf") in disposition
