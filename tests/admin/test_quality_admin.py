"""Admin entry of the quality records: errors in Chinese beside the fields, and scope."""

import pytest
from django.urls import reverse

from benchmarking import models


def _drafters(*rows):
    data = {
        "drafters-TOTAL_FORMS": str(len(rows)),
        "drafters-INITIAL_FORMS": "0",
        "drafters-MIN_NUM_FORMS": "1",
        "drafters-MAX_NUM_FORMS": "1000",
    }
    for i, (enterprise, role) in enumerate(rows):
        data[f"drafters-{i}-enterprise"] = str(enterprise.pk)
        data[f"drafters-{i}-role"] = role
    return data


@pytest.mark.django_db
def test_published_standard_needs_number_and_date_and_one_lead(
    client, bureau_staff, enterprise, other_enterprise
):
    client.force_login(bureau_staff)
    url = reverse("admin:benchmarking_zhejiangmadestandard_add")
    response = client.post(
        url,
        {
            "title": "保温杯",
            "stage": "published",
            **_drafters((enterprise, "lead"), (other_enterprise, "lead")),
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "已发布的“浙江制造”标准须填写标准编号。" in body
    assert "已发布的“浙江制造”标准须填写发布日期。" in body
    assert "只有一家主导企业" in body
    assert not models.ZhejiangMadeStandard.objects.exists()

    response = client.post(
        url,
        {
            "title": "保温杯",
            "stage": "published",
            "number": "T/ZZB 1234—2026",
            "published_on": "2026-03-01",
            **_drafters((enterprise, "lead"), (other_enterprise, "co")),
        },
    )
    assert response.status_code == 302
    standard = models.ZhejiangMadeStandard.objects.get()
    assert standard.drafters.count() == 2


@pytest.mark.django_db
def test_certificate_expiry_before_issue_is_refused(client, bureau_staff, enterprise):
    client.force_login(bureau_staff)
    response = client.post(
        reverse("admin:benchmarking_pincertificate_add"),
        {
            "enterprise": enterprise.pk,
            "number": "PZB-1",
            "product": "保温杯",
            "issued_on": "2026-01-10",
            "expires_on": "2025-01-10",
            "status": "valid",
        },
    )
    assert response.status_code == 200
    assert "有效期至不能早于发证日期。" in response.content.decode()
    assert not models.PinCertificate.objects.exists()


@pytest.mark.django_db
def test_branch_staff_do_not_see_another_offices_certificates(
    client, branch_staff, other_enterprise, enterprise
):
    theirs = models.PinCertificate.objects.create(
        enterprise=other_enterprise,
        number="PZB-OTHER",
        product="门",
        issued_on="2025-01-01",
        expires_on="2028-01-01",
    )
    models.PinCertificate.objects.create(
        enterprise=enterprise, number="PZB-OWN", product="杯", issued_on="2025-01-01", expires_on="2028-01-01"
    )
    client.force_login(branch_staff)
    body = client.get(reverse("admin:benchmarking_pincertificate_changelist")).content.decode()
    assert "PZB-OWN" in body and "PZB-OTHER" not in body
    assert (
        client.get(reverse("admin:benchmarking_pincertificate_change", args=[theirs.pk])).status_code == 404
    )
