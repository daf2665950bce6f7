"""Holes found in review, pinned shut."""

from decimal import Decimal

import pytest
from django.urls import reverse

from benchmarking.models import Indicator, Standard
from benchmarking.services.declarations import (
    declaration_create,
    declaration_override_grade,
    declaration_publish,
    declaration_submit,
)
from benchmarking.services.errors import WorkflowError
from benchmarking.services.schemes import scheme_withdraw


@pytest.fixture
def declared(enterprise, enterprise_user, scheme, executed_standard):
    ids = dict(scheme.indicators.values_list("name", "pk"))
    return declaration_create(
        actor=enterprise_user,
        enterprise=enterprise,
        scheme=scheme,
        product_name="杯",
        product_model="R1",
        executed_standard=executed_standard,
        values={ids["保温效能"]: Decimal("12"), ids["铅迁移量"]: Decimal("0.01"), ids["外观"]: True},
    )


@pytest.mark.django_db
def test_branch_staff_cannot_rewrite_a_standard_another_office_relies_on(
    client, other_branch_staff, declared
):
    standard = declared.executed_standard
    client.force_login(other_branch_staff)
    response = client.post(
        reverse("admin:benchmarking_standard_change", args=[standard.pk]),
        {"number": "ISO 9001:2015", "title": "改写", "kind": "international"},
    )
    assert response.status_code == 403
    assert Standard.objects.get(pk=standard.pk).number == standard.number


@pytest.mark.django_db
def test_branch_staff_may_add_only_enterprise_standards(client, branch_staff):
    client.force_login(branch_staff)
    url = reverse("admin:benchmarking_standard_add")
    refused = client.post(url, {"number": "ISO 8442-1:2008", "title": "刀具", "kind": ""})
    assert refused.status_code == 200 and "只能录入企业标准" in refused.content.decode()
    allowed = {"number": "Q/YKXX 002-2025", "title": "企业标准", "kind": "", "status": "current"}
    assert client.post(url, allowed).status_code == 302
    assert list(Standard.objects.values_list("number", flat=True)) == ["Q/YKXX 002—2025"]


@pytest.mark.django_db
def test_no_indicator_can_be_added_to_a_published_scheme(client, bureau_staff, scheme):
    client.force_login(bureau_staff)
    response = client.post(
        reverse("admin:benchmarking_indicator_add"),
        {
            "scheme": scheme.pk,
            "name": "新增指标",
            "direction": "higher",
            "benchmark_value": "1",
            "order": "9",
            "reference_values-TOTAL_FORMS": "0",
            "reference_values-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert not Indicator.objects.filter(name="新增指标").exists()


@pytest.mark.django_db
def test_submitting_checks_every_indicator_of_the_scheme(declared, enterprise_user):
    declared.items.filter(indicator__name="外观").delete()  # a row lost by any means
    with pytest.raises(WorkflowError, match="外观"):
        declaration_submit(declaration=declared, actor=enterprise_user)


@pytest.mark.django_db
def test_a_published_grade_is_not_changed_in_place(declared, enterprise_user, bureau_staff):
    declaration_submit(declaration=declared, actor=enterprise_user)
    published = declaration_publish(declaration=declared, actor=bureau_staff)
    with pytest.raises(WorkflowError, match="撤回后重新声明"):
        declaration_override_grade(
            declaration=published, actor=bureau_staff, grade="leading", reason="试图改等级"
        )
    published.refresh_from_db()
    assert published.grade == published.computed_grade


@pytest.mark.django_db
def test_nothing_is_published_against_a_withdrawn_scheme(declared, enterprise_user, bureau_staff, scheme):
    submitted = declaration_submit(declaration=declared, actor=enterprise_user)
    scheme_withdraw(scheme=scheme, actor=bureau_staff, reason="新版替代")
    with pytest.raises(WorkflowError, match="不能再据此提交或发布"):
        declaration_publish(declaration=submitted, actor=bureau_staff)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/files/%00", "/files/a%00b.pdf", "/files/x%01.pdf"])
def test_control_characters_in_a_file_path_are_404(client, bureau_staff, path):
    client.force_login(bureau_staff)
    assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_a_non_numeric_history_version_is_404(client, bureau_staff, declared):
    client.force_login(bureau_staff)
    url = reverse("admin:benchmarking_declaration_changelist") + f"{declared.pk}/history/abc/"
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_a_tampered_action_selection_is_a_message(client, bureau_staff, declared):
    client.force_login(bureau_staff)
    response = client.post(
        reverse("admin:benchmarking_declaration_changelist"),
        {"action": "publish_selected", "_selected_action": ["abc"]},
        follow=True,
    )
    assert response.status_code == 200
    assert "所选记录无效" in response.content.decode()
