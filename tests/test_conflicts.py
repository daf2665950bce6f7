"""Edits never silently overwrite each other: of two stale saves, the second is refused."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from benchmarking.models import EditConflict, Enterprise, TechnicalScheme
from benchmarking.services.declarations import declaration_create, declaration_update
from tests.factories import IndustryFactory, SchemeFactory

CONFLICT = "它已于"  # part of the conflict sentence shown on the form


def enterprise_post(enterprise, seen_version, **changes):
    data = {
        "seen_version": seen_version,
        "name": enterprise.name,
        "credit_code": enterprise.credit_code,
        "branch_office": enterprise.branch_office_id,
        "industry": enterprise.industry_id,
        "address": "",
        "legal_representative": "",
        "contact_person": "",
        "phone": "",
        "email": "",
        "credit_code_override_reason": "",
    }
    return {**data, **changes}


@pytest.mark.django_db
def test_second_stale_enterprise_save_gets_the_conflict_message(
    client, bureau_staff, branch_staff, enterprise
):
    url = reverse("admin:benchmarking_enterprise_change", args=[enterprise.pk])
    seen = enterprise.version  # both editors opened the page at this version
    history_before = enterprise.history.count()

    client.force_login(bureau_staff)
    first = client.post(url, enterprise_post(enterprise, seen, contact_person="王敏", phone="0579-87100001"))
    assert first.status_code == 302

    client.force_login(branch_staff)
    second = client.post(url, enterprise_post(enterprise, seen, contact_person="李强", phone="13800000000"))
    page = second.content.decode()
    assert second.status_code == 200
    assert CONFLICT in page and "为避免覆盖对方的修改" in page
    # Nothing the second editor typed is lost: it is still on the form to re-apply.
    assert 'value="李强"' in page and 'value="13800000000"' in page

    stored = Enterprise.objects.get(pk=enterprise.pk)
    assert (stored.contact_person, stored.phone) == ("王敏", "0579-87100001")
    assert stored.version == seen + 1
    assert enterprise.history.count() == history_before + 1
    assert enterprise.history.latest().history_user == bureau_staff


@pytest.mark.django_db
def test_second_stale_scheme_save_gets_the_conflict_message(client, bureau_staff):
    scheme = SchemeFactory(industry=IndustryFactory())
    url = reverse("admin:benchmarking_technicalscheme_change", args=[scheme.pk])
    client.force_login(bureau_staff)

    def post(title):
        return client.post(
            url,
            {
                "seen_version": scheme.version,
                "code": scheme.code,
                "title": title,
                "product_category": scheme.product_category,
                "industry": scheme.industry_id,
                "publisher": scheme.publisher,
                "schemebenchmark_set-TOTAL_FORMS": "0",
                "schemebenchmark_set-INITIAL_FORMS": "0",
                "indicators-TOTAL_FORMS": "0",
                "indicators-INITIAL_FORMS": "0",
            },
        )

    assert post("第一版标题").status_code == 302
    second = post("第二版标题")
    assert second.status_code == 200 and CONFLICT in second.content.decode()
    assert TechnicalScheme.objects.get(pk=scheme.pk).title == "第一版标题"


@pytest.mark.django_db
def test_stale_declaration_update_is_refused(
    enterprise, enterprise_user, branch_staff, scheme, executed_standard
):
    declaration = declaration_create(
        actor=enterprise_user,
        enterprise=enterprise,
        scheme=scheme,
        product_name="真空杯",
        product_model="C1",
        executed_standard=executed_standard,
    )
    seen = declaration.version
    declaration_update(
        declaration=declaration, actor=enterprise_user, expected_version=seen, product_name="甲"
    )
    history_before = declaration.history.count()
    with pytest.raises(EditConflict):
        declaration_update(
            declaration=declaration, actor=branch_staff, expected_version=seen, product_name="乙"
        )
    declaration.refresh_from_db()
    assert declaration.product_name == "甲"
    assert declaration.history.count() == history_before


@pytest.mark.django_db
def test_saving_a_stale_copy_in_code_is_refused(enterprise):
    first, second = Enterprise.objects.get(pk=enterprise.pk), Enterprise.objects.get(pk=enterprise.pk)
    first.phone = "1"
    first.save()
    second.phone = "2"
    with pytest.raises(EditConflict):
        second.save()
    assert Enterprise.objects.get(pk=enterprise.pk).phone == "1"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_saves_of_one_version_let_exactly_one_through(enterprise):
    barrier = threading.Barrier(2)
    results = []

    def save(phone):
        try:
            copy = Enterprise.objects.get(pk=enterprise.pk)
            barrier.wait()
            copy.phone = phone
            copy.save()
            results.append("saved")
        except EditConflict:
            results.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(phone,)) for phone in ("1", "2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["conflict", "saved"]
    assert Enterprise.objects.get(pk=enterprise.pk).version == enterprise.version + 1
