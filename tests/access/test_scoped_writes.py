"""Branch-office staff write only within their own office, whatever they post."""

import pytest
from django.urls import reverse

from benchmarking.models import Declaration, Enterprise


@pytest.mark.django_db
def test_branch_staff_cannot_enter_a_declaration_for_another_office(
    client, branch_staff, other_enterprise, scheme, executed_standard
):
    client.force_login(branch_staff)
    response = client.post(
        reverse("admin:benchmarking_declaration_add"),
        {
            "enterprise": other_enterprise.pk,
            "scheme": scheme.pk,
            "product_name": "杯",
            "product_model": "X1",
            "executed_standard": executed_standard.pk,
            "evidence-TOTAL_FORMS": "0",
            "evidence-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not Declaration.objects.exists()


@pytest.mark.django_db
def test_branch_staff_cannot_move_an_enterprise_to_another_office(
    client, branch_staff, enterprise, other_office
):
    client.force_login(branch_staff)
    response = client.post(
        reverse("admin:benchmarking_enterprise_change", args=[enterprise.pk]),
        {
            "seen_version": enterprise.version,
            "name": enterprise.name,
            "credit_code": enterprise.credit_code,
            "branch_office": other_office.pk,
            "industry": enterprise.industry_id,
            "credit_code_override_reason": "",
        },
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert Enterprise.objects.get(pk=enterprise.pk).branch_office_id == enterprise.branch_office_id


@pytest.mark.django_db
def test_branch_staff_cannot_change_another_offices_enterprise(client, other_branch_staff, enterprise):
    client.force_login(other_branch_staff)
    response = client.post(
        reverse("admin:benchmarking_enterprise_change", args=[enterprise.pk]),
        {"seen_version": enterprise.version, "name": "改名", "credit_code": enterprise.credit_code},
    )
    assert response.status_code == 404
    assert Enterprise.objects.get(pk=enterprise.pk).name == enterprise.name
