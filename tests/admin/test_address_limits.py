"""受限的网络地址: the page where those who manage accounts see the addresses whose logins are
limited (too many failures across usernames) and lift a limit, the lift recorded."""

import datetime as dt

import pytest
from axes.models import AccessFailureLog
from django.urls import reverse
from django.utils import timezone

from benchmarking.models import AddressLimitLift
from benchmarking.selectors.logins import address_limit, limited_addresses
from benchmarking.services.errors import WorkflowError
from benchmarking.services.logins import address_limit_lift
from tests.test_security import ELSEWHERE, OFFICE_NAT, PASSWORD, log_in, spray

URL = "/admin/auth/user/address-limits/"


@pytest.fixture
def limited(settings):
    """OFFICE_NAT limited (3 failures of 3 usernames, the limit 3); ELSEWHERE failed twice, not limited."""
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    spray(3, OFFICE_NAT)
    spray(2, ELSEWHERE, start=10)
    return OFFICE_NAT


@pytest.mark.django_db
def test_the_url(settings):
    assert reverse("admin:auth_user_address_limits") == URL


@pytest.mark.django_db
def test_account_managers_see_the_limited_addresses(client, bureau_staff, limited):
    client.force_login(bureau_staff)
    response = client.get(URL)
    assert response.status_code == 200
    (limit,) = response.context["limits"]
    assert (limit.ip_address, limit.failures, limit.usernames) == (OFFICE_NAT, 3, 3)
    page = response.content.decode()
    assert (
        f'<button type="submit" name="ip_address" value="{OFFICE_NAT}" class="button">解除限制</button>'
        in page
    )
    assert 'name="csrfmiddlewaretoken"' in page
    assert ELSEWHERE not in page


@pytest.mark.django_db
def test_lifting_lets_the_address_log_in_and_is_recorded(client, bureau_staff, enterprise_user, limited):
    assert log_in(enterprise_user.username, PASSWORD, OFFICE_NAT)[0].status_code == 429
    client.force_login(bureau_staff)
    before = timezone.now()

    response = client.post(URL, {"ip_address": OFFICE_NAT}, follow=True)

    assert "已解除网络地址 10.0.0.1 的登录限制" in response.content.decode()
    assert response.context["limits"] == []
    lift = AddressLimitLift.objects.get()
    assert (lift.ip_address, lift.lifted_by, lift.failures, lift.usernames) == (
        OFFICE_NAT,
        bureau_staff,
        3,
        3,
    )
    assert before <= lift.lifted_at <= timezone.now()
    # The page lists the lift: who and when.
    assert list(response.context["lifts"]) == [lift]
    assert "bureau" in response.content.decode()
    # The failure log stays as the record of what happened; the address logs in again.
    assert AccessFailureLog.objects.filter(ip_address=OFFICE_NAT).count() == 3
    response, logged_in = log_in(enterprise_user.username, PASSWORD, OFFICE_NAT)
    assert response.status_code == 302 and logged_in


@pytest.mark.django_db
def test_after_a_lift_only_new_failures_count(settings, bureau_staff, limited):
    address_limit_lift(ip_address=OFFICE_NAT, actor=bureau_staff)
    assert [r.status_code for r in spray(3, OFFICE_NAT, start=20)] == [200, 200, 429]


@pytest.mark.django_db
def test_lifting_an_address_that_is_not_limited_is_a_message(client, bureau_staff, limited):
    client.force_login(bureau_staff)
    for posted, message in (
        (ELSEWHERE, "网络地址 10.9.9.9 目前没有受限，无需解除。"),
        ("not-an-address\x00", "不是有效的网络地址"),
        ("", "不是有效的网络地址"),
    ):
        response = client.post(URL, {"ip_address": posted}, follow=True)
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not AddressLimitLift.objects.exists()


@pytest.mark.django_db
def test_only_account_managers_may_open_or_lift(client, manager, branch_staff, enterprise_user, limited):
    for user in (manager, branch_staff):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"ip_address": OFFICE_NAT}).status_code == 403
    # Enterprise users and anonymous visitors are not in the admin at all: its login page.
    client.force_login(enterprise_user)
    assert client.get(URL).url.startswith(reverse("admin:login"))
    assert client.post(URL, {"ip_address": OFFICE_NAT}).url.startswith(reverse("admin:login"))
    client.logout()
    assert client.get(URL).url.startswith(reverse("admin:login"))
    assert not AddressLimitLift.objects.exists()
    assert address_limit(OFFICE_NAT) is not None
    # The service refuses on its own too, whoever calls it.
    with pytest.raises(WorkflowError):
        address_limit_lift(ip_address=OFFICE_NAT, actor=manager)


@pytest.mark.django_db
def test_the_page_needs_a_csrf_token(bureau_staff, limited):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(bureau_staff)
    assert client.post(URL, {"ip_address": OFFICE_NAT}).status_code == 403
    assert not AddressLimitLift.objects.exists()


@pytest.mark.django_db
def test_the_users_list_links_to_the_page_for_account_managers(client, bureau_staff):
    client.force_login(bureau_staff)
    page = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert f'<a href="{URL}">受限的网络地址</a>' in page
    page = client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert f'<a href="{URL}">受限的网络地址</a>' in page


@pytest.mark.django_db
def test_the_list_costs_a_fixed_number_of_queries(settings, django_assert_max_num_queries):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 2
    now = timezone.now()
    for addresses in (5, 50):
        AccessFailureLog.objects.all().delete()
        AccessFailureLog.objects.bulk_create(
            AccessFailureLog(username=f"u{n}", ip_address=f"10.1.{a}.1", user_agent="x", locked_out=False)
            for a in range(addresses)
            for n in range(3)
        )
        AccessFailureLog.objects.update(attempt_time=now - dt.timedelta(minutes=1))
        with django_assert_max_num_queries(2):
            limits = limited_addresses(now=now)
        assert len(limits) == addresses
        assert {(limit.failures, limit.usernames) for limit in limits} == {(3, 3)}
        # The limit lifts when the limit-th most recent failure leaves the window.
        assert {limit.unlocks_at for limit in limits} == {now + dt.timedelta(minutes=14)}
