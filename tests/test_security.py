"""Login throttling (django-axes): a username is locked from one address after repeated
failures, colleagues at that address keep logging in, and bureau staff can unlock it."""

import datetime as dt
import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.apps import apps
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from benchmarking.security import (
    AXES_STAFF_PERMISSIONS,
    client_ip_address,
    grant_axes_permissions_to_bureau_staff,
)

PASSWORD = "pw-for-tests-only"  # tests.factories.UserFactory
OFFICE_NAT = "10.0.0.1"
ELSEWHERE = "10.9.9.9"


def log_in(username, password, ip, url=None):
    """A login POST from a fresh browser at ``ip``; returns the response and whether it logged in."""
    client = Client()
    response = client.post(
        url or reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )
    return response, "_auth_user_id" in client.session


def fail_until_locked(username, ip, url=None):
    """Wrong passwords up to the limit; every one before the last is an ordinary form error."""
    from django.conf import settings

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response, logged_in = log_in(username, "wrong-password", ip, url)
        assert response.status_code == 200 and not logged_in
        assert response.context["form"].non_field_errors()
    return log_in(username, "wrong-password", ip, url)[0]


@pytest.mark.django_db
def test_lockout_is_per_username_and_address(enterprise_user, other_enterprise_user):
    a, b = enterprise_user.username, other_enterprise_user.username

    response = fail_until_locked(a, OFFICE_NAT)
    assert response.status_code == 429
    page = response.content.decode()
    assert "账号暂时锁定" in page
    assert f"账号「{a}」从您当前的网络地址连续 5 次登录失败" in page
    assert "市局工作人员" in page

    # Locked: even the right password does not log A in from this address.
    response, logged_in = log_in(a, PASSWORD, OFFICE_NAT)
    assert response.status_code == 429 and not logged_in
    assert "账号暂时锁定" in response.content.decode()

    # A colleague behind the same office NAT still logs in, and A does from elsewhere.
    response, logged_in = log_in(b, PASSWORD, OFFICE_NAT)
    assert response.status_code == 302 and logged_in
    response, logged_in = log_in(a, PASSWORD, ELSEWHERE)
    assert response.status_code == 302 and logged_in


@pytest.mark.django_db
def test_lockout_page_names_the_unlock_time_and_retrying_does_not_move_it(enterprise_user):
    fail_until_locked(enterprise_user.username, OFFICE_NAT)
    last_failure = AccessAttempt.objects.get(username=enterprise_user.username).attempt_time
    unlocks_at = timezone.localtime(last_failure + dt.timedelta(minutes=15))
    expected = f"{unlocks_at:%Y}年{unlocks_at.month}月{unlocks_at.day}日 {unlocks_at:%H:%M}"

    response, _ = log_in(enterprise_user.username, "another-guess", OFFICE_NAT)
    assert response.status_code == 429
    assert f"将于 <strong>{expected}</strong> 自动解锁" in response.content.decode()
    assert AccessAttempt.objects.get(username=enterprise_user.username).attempt_time == last_failure


@pytest.mark.django_db
def test_lock_lifts_by_itself_after_the_cool_off(enterprise_user):
    fail_until_locked(enterprise_user.username, OFFICE_NAT)
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    response, logged_in = log_in(enterprise_user.username, PASSWORD, OFFICE_NAT)
    assert response.status_code == 302 and logged_in


@pytest.mark.django_db
def test_admin_login_is_throttled_too(bureau_staff, manager):
    response = fail_until_locked(bureau_staff.username, OFFICE_NAT, url=reverse("admin:login"))
    assert response.status_code == 429
    assert "账号暂时锁定" in response.content.decode()
    response, logged_in = log_in(bureau_staff.username, PASSWORD, OFFICE_NAT, url=reverse("admin:login"))
    assert response.status_code == 429 and not logged_in
    # The lock is on the username, not on the page: the site login refuses it as well.
    assert log_in(bureau_staff.username, PASSWORD, OFFICE_NAT)[0].status_code == 429
    response, logged_in = log_in(manager.username, PASSWORD, OFFICE_NAT, url=reverse("admin:login"))
    assert response.status_code == 302 and logged_in


@pytest.mark.django_db
def test_bureau_staff_unlock_in_the_admin(client, enterprise_user, bureau_staff):
    fail_until_locked(enterprise_user.username, OFFICE_NAT)
    assert AccessFailureLog.objects.filter(username=enterprise_user.username).count() == 5

    client.force_login(bureau_staff)
    changelist = reverse("admin:axes_accessattempt_changelist")
    page = client.get(changelist, {"q": enterprise_user.username})
    assert page.status_code == 200
    assert OFFICE_NAT in page.content.decode()
    attempt = AccessAttempt.objects.get(username=enterprise_user.username)
    response = client.post(
        changelist, {"action": "delete_selected", ACTION_CHECKBOX_NAME: [attempt.pk], "post": "yes"}
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    # The failure log stays as the record of what happened.
    assert AccessFailureLog.objects.filter(username=enterprise_user.username).count() == 5

    response, logged_in = log_in(enterprise_user.username, PASSWORD, OFFICE_NAT)
    assert response.status_code == 302 and logged_in


@pytest.mark.django_db
def test_unlock_with_the_management_command(enterprise_user):
    fail_until_locked(enterprise_user.username, OFFICE_NAT)
    assert log_in(enterprise_user.username, PASSWORD, OFFICE_NAT)[0].status_code == 429
    call_command("axes_reset_username", enterprise_user.username, verbosity=0)
    response, logged_in = log_in(enterprise_user.username, PASSWORD, OFFICE_NAT)
    assert response.status_code == 302 and logged_in


@pytest.mark.django_db
def test_only_bureau_staff_may_unlock(client, manager, branch_staff, enterprise_user):
    fail_until_locked(enterprise_user.username, OFFICE_NAT)
    attempt = AccessAttempt.objects.get()
    for user in (manager, branch_staff):
        client.force_login(user)
        assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403
        response = client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
        assert response.status_code == 403
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


@pytest.mark.django_db
def test_bureau_staff_get_the_axes_permissions_once_however_often_migrations_run():
    group = Group.objects.get(name="市局工作人员")
    granted = set(group.permissions.filter(content_type__app_label="axes").values_list("codename", flat=True))
    assert granted == set(AXES_STAFF_PERMISSIONS)
    for label in ("axes", "benchmarking"):
        grant_axes_permissions_to_bureau_staff(sender=apps.get_app_config(label), apps=apps, using="default")
    assert group.permissions.filter(content_type__app_label="axes").count() == len(AXES_STAFF_PERMISSIONS)
    for name in ("基层所工作人员", "局领导", "企业用户"):
        assert not Group.objects.get(name=name).permissions.filter(content_type__app_label="axes").exists()


def test_client_address_trusts_only_the_configured_proxies(settings):
    request = RequestFactory().post(
        "/accounts/login/", REMOTE_ADDR="172.18.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip_address(request) == "172.18.0.2"
    # Behind one proxy: the address it saw, never the entry the client wrote itself.
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip_address(request) == "203.0.113.7"
    settings.TRUSTED_PROXY_COUNT = 3  # fewer entries than proxies: the header is not to be trusted
    assert client_ip_address(request) == "172.18.0.2"


@pytest.mark.django_db
def test_behind_a_proxy_colleagues_are_told_apart_by_forwarded_address(settings, enterprise_user):
    settings.TRUSTED_PROXY_COUNT = 1
    client = Client(REMOTE_ADDR="172.18.0.2")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": enterprise_user.username, "password": "wrong"},
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    response = Client(REMOTE_ADDR="172.18.0.2").post(
        reverse("login"),
        {"username": enterprise_user.username, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.4",
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_lockout_page_has_no_inline_script_or_style(enterprise_user):
    page = fail_until_locked(enterprise_user.username, OFFICE_NAT).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert "<style" not in page and " style=" not in page


# -- links in mails --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_reset_mail_links_to_the_site_url_whatever_host_the_request_named(
    settings, enterprise_user, mailoutbox
):
    """With several allowed hosts, whoever asks for a reset picks the request's Host; the mail's
    link must still point at SITE_URL, or an attacker could send the victim's secret link to
    a host of their choosing."""
    settings.ALLOWED_HOSTS = ["tracker.example.gov.cn", "other.example"]
    settings.SITE_URL = "https://tracker.example.gov.cn"
    enterprise_user.email = "ent@jia.example.cn"
    enterprise_user.save()

    response = Client().post(
        reverse("password_reset"), {"email": "ent@jia.example.cn"}, HTTP_HOST="other.example"
    )

    assert response.status_code == 302
    (message,) = mailoutbox
    links = re.findall(r"\S+://\S+", message.body)
    assert len(links) == 1
    assert links[0].startswith("https://tracker.example.gov.cn/accounts/reset/")
    assert "other.example" not in message.body
    # The link works: it opens the set-password form.
    path = links[0].removeprefix("https://tracker.example.gov.cn")
    assert Client().get(path, HTTP_HOST="tracker.example.gov.cn").status_code == 302


# -- the limit per address across usernames (password spraying) -------------------------------------


def spray(count, ip, *, start=0):
    """``count`` failed logins from ``ip``, each with another (unknown) username; the responses."""
    return [log_in(f"guess{start + n}", "Winter2026!", ip)[0] for n in range(count)]


@pytest.mark.django_db
def test_an_address_trying_many_usernames_is_limited_at_the_limit(settings, enterprise_user):
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT == 30  # the default
    responses = spray(29, OFFICE_NAT)
    assert [r.status_code for r in responses] == [200] * 29
    assert all(r.context["form"].non_field_errors() for r in responses)

    # The 30th different username from the same address: refused, with the page saying why.
    (thirtieth,) = spray(1, OFFICE_NAT, start=29)
    assert thirtieth.status_code == 429
    page = thirtieth.content.decode()
    assert "登录暂时受限" in page
    assert f"您当前的网络地址（IP {OFFICE_NAT}）在 15 分钟内登录失败已达 30 次" in page
    assert "请联系市局工作人员（永康市市场监督管理局）" in page
    assert AccessFailureLog.objects.filter(ip_address=OFFICE_NAT).count() == 30
    assert AccessFailureLog.objects.filter(ip_address=OFFICE_NAT, locked_out=True).count() == 1

    # Now every login from there is refused, even a right password, and nothing more is counted.
    response, logged_in = log_in(enterprise_user.username, PASSWORD, OFFICE_NAT)
    assert response.status_code == 429 and not logged_in
    assert "登录暂时受限" in response.content.decode()
    assert AccessFailureLog.objects.filter(ip_address=OFFICE_NAT).count() == 30

    # Another address is not affected.
    response, logged_in = log_in(enterprise_user.username, PASSWORD, ELSEWHERE)
    assert response.status_code == 302 and logged_in


@pytest.mark.django_db
def test_the_limit_and_window_are_settings(settings, enterprise_user):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    assert [r.status_code for r in spray(3, OFFICE_NAT)] == [200, 200, 429]
    assert "在 15 分钟内登录失败已达 3 次" in log_in("x", "y", OFFICE_NAT)[0].content.decode()
    settings.LOGIN_ADDRESS_WINDOW = dt.timedelta(minutes=5)
    AccessFailureLog.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=6))
    response, logged_in = log_in(enterprise_user.username, PASSWORD, OFFICE_NAT)
    assert response.status_code == 302 and logged_in


@pytest.mark.django_db
def test_the_limit_lifts_by_itself_when_the_oldest_failures_leave_the_window(settings, enterprise_user):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 4
    spray(4, OFFICE_NAT)
    oldest = AccessFailureLog.objects.order_by("pk").first()
    # The page names when: the window after the limit-th most recent failure (here the oldest).
    unlocks_at = timezone.localtime(oldest.attempt_time + dt.timedelta(minutes=15))
    page = log_in(enterprise_user.username, PASSWORD, OFFICE_NAT)[0].content.decode()
    assert (
        f"将于 <strong>{unlocks_at:%Y}年{unlocks_at.month}月{unlocks_at.day}日 {unlocks_at:%H:%M}</strong>"
        in page
    )

    AccessFailureLog.objects.filter(pk=oldest.pk).update(
        attempt_time=timezone.now() - dt.timedelta(minutes=16)
    )
    response, logged_in = log_in(enterprise_user.username, PASSWORD, OFFICE_NAT)
    assert response.status_code == 302 and logged_in


@pytest.mark.django_db
def test_the_per_username_lock_still_comes_first_for_one_username(enterprise_user):
    response = fail_until_locked(enterprise_user.username, OFFICE_NAT)
    assert response.status_code == 429
    assert "账号暂时锁定" in response.content.decode()


@pytest.mark.django_db
def test_the_admin_login_counts_towards_and_obeys_the_address_limit(settings, bureau_staff):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 3
    spray(2, OFFICE_NAT)
    response, logged_in = log_in("admin-guess", "x", OFFICE_NAT, url=reverse("admin:login"))
    assert response.status_code == 429 and "登录暂时受限" in response.content.decode()
    response, logged_in = log_in(bureau_staff.username, PASSWORD, OFFICE_NAT, url=reverse("admin:login"))
    assert response.status_code == 429 and not logged_in
