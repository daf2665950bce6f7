"""The enterprise page (enterprise-detail): who may open which, what it shows, what it costs."""

import datetime as dt

import pytest
from django.urls import reverse

from benchmarking import models


def _url(enterprise):
    return reverse("enterprise-detail", args=[enterprise.pk])


def _records(enterprise, n, *, start=0):
    today = dt.date.today()
    for i in range(start, start + n):
        standard = models.ZhejiangMadeStandard.objects.create(title=f"标准{i}", stage="drafting")
        models.ZhejiangMadeDrafter.objects.create(standard=standard, enterprise=enterprise, role="lead")
        models.PinCertificate.objects.create(
            enterprise=enterprise,
            number=f"PZB-{i}",
            product=f"产品{i}",
            issued_on=today - dt.timedelta(days=700),
            expires_on=today + dt.timedelta(days=30 if i == 0 else 800),
        )
        models.BeltRoadCertificate.objects.create(
            enterprise=enterprise, number=f"BR-{i}", product=f"产品{i}", issued_on=today, market="东盟"
        )


@pytest.mark.django_db
def test_staff_in_scope_and_own_users_see_the_page(
    client, enterprise, branch_staff, bureau_staff, manager, enterprise_user
):
    _records(enterprise, 1)
    for user in (branch_staff, bureau_staff, manager, enterprise_user):
        client.force_login(user)
        response = client.get(_url(enterprise))
        assert response.status_code == 200, user
        body = response.content.decode()
        assert enterprise.name in body
        assert "标准0" in body and "PZB-0" in body and "BR-0" in body
        # The certificate expiring in 30 days is flagged.
        assert 'data-expiry="soon"' in body and "即将到期" in body


@pytest.mark.django_db
def test_another_office_or_enterprise_is_a_404(
    client, enterprise, other_enterprise, other_branch_staff, enterprise_user
):
    client.force_login(other_branch_staff)
    assert client.get(_url(enterprise)).status_code == 404
    client.force_login(enterprise_user)
    assert client.get(_url(other_enterprise)).status_code == 404
    assert client.get(reverse("enterprise-detail", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_anonymous_goes_to_login(client, enterprise):
    response = client.get(_url(enterprise))
    assert response.status_code == 302 and "login" in response.url


@pytest.mark.django_db
def test_the_list_and_the_portal_link_to_the_page(client, enterprise, bureau_staff, enterprise_user):
    client.force_login(bureau_staff)
    assert _url(enterprise) in client.get(reverse("enterprise-list")).content.decode()
    client.force_login(enterprise_user)
    body = client.get(reverse("portal-home")).content.decode()
    assert _url(enterprise) in body and "本企业档案" in body


@pytest.mark.django_db
def test_fixed_number_of_queries(client, enterprise, bureau_staff, django_assert_num_queries):
    client.force_login(bureau_staff)
    _records(enterprise, 1)
    client.get(_url(enterprise))  # warm the per-process caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(_url(enterprise)).status_code == 200
    _records(enterprise, 9, start=1)
    with django_assert_num_queries(len(one)):
        response = client.get(_url(enterprise))
    assert response.content.decode().count("PZB-") == 10
