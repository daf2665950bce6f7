"""The 接口令牌 pages: a user's own tokens (account/api-tokens/) and an enterprise's logins' tokens
for the staff who keep its records (enterprises/<id>/api-tokens/). A new secret is shown once and
only its hash is stored; a revoked token is refused by the API; anyone else's token is a 404."""

import pytest
from django.urls import reverse
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from benchmarking.api.authentication import ApiTokenAuthentication
from benchmarking.choices import Role
from benchmarking.models import ApiToken, hash_token
from benchmarking.services.api_tokens import api_token_create, api_token_revoke
from tests.factories import make_user

pytestmark = pytest.mark.django_db

LONG_NAME = "永康市五金产业质量检测中心实验室信息管理系统（LIMS）与省市场监管数据平台的自动对接程序"


def _authenticate(raw: str):
    """What the API's authentication makes of ``Authorization: Bearer <raw>``."""
    request = Request(APIRequestFactory().get("/api/v1/", HTTP_AUTHORIZATION=f"Bearer {raw}"))
    return ApiTokenAuthentication().authenticate(request)


def _create(client, url, **data):
    return client.post(url, {"name": "企业质检系统", "valid_days": "90", **data})


def _secret_in(page: str) -> str:
    start = page.index('id="new-token-secret"')
    return page[page.index(">", start) + 1 : page.index("</code>", start)]


@pytest.mark.parametrize("role", ["enterprise_user", "bureau_staff", "branch_staff", "manager"])
def test_create_shows_the_secret_once_and_stores_only_its_hash(client, request, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    url = reverse("api-tokens")
    response = _create(client, url, name=LONG_NAME)
    assert response.status_code == 302 and response.url == url

    page = client.get(url).content.decode()
    secret = _secret_in(page)
    assert secret.startswith("ykapi_") and len(secret) > 40
    assert "只显示这一次" in page and f"Bearer {secret}" in page and "/api/v1/" in page
    assert reverse("api-docs") in page
    token = ApiToken.objects.get(user=user)
    assert token.name == LONG_NAME and token.created_by == user
    assert token.key_hash == hash_token(secret) and secret not in token.key_hash
    assert f"{token.prefix}…" in page and "从未使用" in page and "有效" in page

    again = client.get(url).content.decode()
    assert secret not in again and "new-token-secret" not in again
    assert f"{token.prefix}…" in again  # the token is still listed, by its prefix only
    assert _authenticate(secret) == (user, token)


def test_the_secret_page_is_not_cached(client, enterprise_user):
    client.force_login(enterprise_user)
    _create(client, reverse("api-tokens"))
    response = client.get(reverse("api-tokens"))
    assert "no-store" in response["Cache-Control"]


def test_revoke_then_the_api_refuses_the_token(client, enterprise_user):
    token, raw = api_token_create(actor=enterprise_user, user=enterprise_user, name="质检系统", valid_days=30)
    assert _authenticate(raw)[0] == enterprise_user
    client.force_login(enterprise_user)
    response = client.post(reverse("api-token-revoke", args=[token.pk]), follow=True)
    page = response.content.decode()
    assert "已吊销令牌“质检系统”" in page and "已吊销" in page
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == enterprise_user
    assert f'action="{reverse("api-token-revoke", args=[token.pk])}"' not in page  # no second button
    with pytest.raises(exceptions.AuthenticationFailed, match="吊销"):
        _authenticate(raw)


def test_revoke_takes_a_post_only(client, enterprise_user):
    token, _raw = api_token_create(
        actor=enterprise_user, user=enterprise_user, name="质检系统", valid_days=30
    )
    client.force_login(enterprise_user)
    assert client.get(reverse("api-token-revoke", args=[token.pk])).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoke_needs_the_csrf_token(enterprise_user):
    from django.test import Client

    token, _raw = api_token_create(
        actor=enterprise_user, user=enterprise_user, name="质检系统", valid_days=30
    )
    client = Client(enforce_csrf_checks=True)
    client.force_login(enterprise_user)
    assert client.post(reverse("api-token-revoke", args=[token.pk])).status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_another_users_token_is_not_there(client, enterprise_user, other_enterprise_user, bureau_staff):
    """A crafted revoke of someone else's token: 404, and the token keeps working. The same for an
    enterprise user trying a colleague's token and for staff on their own page."""
    colleague = make_user(Role.ENTERPRISE, username="ent_a2", enterprise=enterprise_user.profile.enterprise)
    for owner, intruder in [(other_enterprise_user, enterprise_user), (colleague, enterprise_user)]:
        token, raw = api_token_create(actor=owner, user=owner, name="别人的系统", valid_days=30)
        client.force_login(intruder)
        assert client.post(reverse("api-token-revoke", args=[token.pk])).status_code == 404
        assert "别人的系统" not in client.get(reverse("api-tokens")).content.decode()
        token.refresh_from_db()
        assert token.revoked_at is None and _authenticate(raw)[0] == owner
    # Bureau staff may manage enterprise A's tokens, but on the enterprise's page: not through their own.
    client.force_login(bureau_staff)
    assert client.post(reverse("api-token-revoke", args=[token.pk])).status_code == 404


def test_errors_are_shown_in_chinese_beside_the_fields_and_nothing_is_written(client, enterprise_user):
    client.force_login(enterprise_user)
    url = reverse("api-tokens")
    page = _create(client, url, name="   ", valid_days="7").content.decode()
    assert "请填写令牌的用途" in page and "有效期只能选 30、90、180、365 天" in page
    assert 'id="id_name_errors"' in page and 'id="id_valid_days_errors"' in page
    assert "令牌未创建" in page
    page = _create(client, url, name="系" * 61).content.decode()
    assert "用途最多 60 个字" in page
    page = _create(client, url, valid_days="一年").content.decode()
    assert "请选择有效期" in page
    assert not ApiToken.objects.exists()
    assert "new-token-secret" not in client.get(url).content.decode()


def test_who_may_open_their_own_page(client, django_user_model):
    assert client.get(reverse("api-tokens")).url.startswith(reverse("login"))
    nobody = django_user_model.objects.create_user("no_role", password="x")  # in no role group
    client.force_login(nobody)
    assert client.get(reverse("api-tokens")).status_code == 403
    assert client.post(reverse("api-tokens"), {"name": "x", "valid_days": "30"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_the_header_links_the_page_for_those_who_may_use_it(client, enterprise_user, django_user_model):
    link = f'href="{reverse("api-tokens")}"'
    client.force_login(enterprise_user)
    assert link in client.get(reverse("reminders")).content.decode()
    client.force_login(django_user_model.objects.create_user("no_role", password="x"))
    assert link not in client.get(reverse("reminders")).content.decode()


@pytest.mark.parametrize("n", [2, 20])
def test_own_list_costs_fixed_queries(client, bureau_staff, n, django_assert_max_num_queries):
    for i in range(n):
        token, _raw = api_token_create(actor=bureau_staff, user=bureau_staff, name=f"系统 {i}", valid_days=30)
        if i >= 5:  # revoked ones are listed too, and keep the user under the ten active allowed
            api_token_revoke(actor=bureau_staff, token=token)
    client.force_login(bureau_staff)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("api-tokens")).status_code == 200


# -- staff, for an enterprise ------------------------------------------------------------------


def test_staff_create_for_an_enterprise_login_and_see_the_secret_once(client, branch_staff, enterprise_user):
    enterprise = enterprise_user.profile.enterprise
    url = reverse("enterprise-api-tokens", args=[enterprise.pk])
    client.force_login(branch_staff)
    assert f'href="{url}"' in client.get(reverse("enterprise-detail", args=[enterprise.pk])).content.decode()
    response = _create(client, url, user=enterprise_user.pk, name=LONG_NAME)
    assert response.status_code == 302 and response.url == url
    page = client.get(url).content.decode()
    secret = _secret_in(page)
    token = ApiToken.objects.get()
    assert token.user == enterprise_user and token.created_by == branch_staff
    assert token.key_hash == hash_token(secret)
    assert "/api/v1/enterprise/" in page  # the example uses the enterprise part of the API
    assert secret not in client.get(url).content.decode()
    # The enterprise's login sees the token on its own page, without the secret.
    client.force_login(enterprise_user)
    own = client.get(reverse("api-tokens")).content.decode()
    assert LONG_NAME in own and secret not in own
    assert _authenticate(secret)[0] == enterprise_user


def test_staff_revoke_an_enterprise_logins_token(client, bureau_staff, enterprise_user):
    enterprise = enterprise_user.profile.enterprise
    token, raw = api_token_create(actor=enterprise_user, user=enterprise_user, name="质检系统", valid_days=30)
    client.force_login(bureau_staff)
    response = client.post(
        reverse("enterprise-api-token-revoke", args=[enterprise.pk, token.pk]), follow=True
    )
    assert "已吊销令牌“质检系统”" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_by == bureau_staff
    with pytest.raises(exceptions.AuthenticationFailed):
        _authenticate(raw)


def test_staff_out_of_scope_get_404(client, other_branch_staff, enterprise_user):
    enterprise = enterprise_user.profile.enterprise
    token, _raw = api_token_create(
        actor=enterprise_user, user=enterprise_user, name="质检系统", valid_days=30
    )
    client.force_login(other_branch_staff)
    url = reverse("enterprise-api-tokens", args=[enterprise.pk])
    assert client.get(url).status_code == 404
    assert _create(client, url, user=enterprise_user.pk).status_code == 404
    revoke = reverse("enterprise-api-token-revoke", args=[enterprise.pk, token.pk])
    assert client.post(revoke).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None and ApiToken.objects.count() == 1


def test_a_token_of_another_enterprise_is_not_there_on_this_ones_page(
    client, bureau_staff, enterprise_user, other_enterprise_user
):
    """Bureau staff may manage both enterprises, but one enterprise's page reaches its own tokens
    only; and a login of another enterprise cannot be chosen as a new token's user."""
    enterprise = enterprise_user.profile.enterprise
    theirs, _raw = api_token_create(
        actor=other_enterprise_user, user=other_enterprise_user, name="乙企业系统", valid_days=30
    )
    client.force_login(bureau_staff)
    url = reverse("enterprise-api-tokens", args=[enterprise.pk])
    assert (
        client.post(reverse("enterprise-api-token-revoke", args=[enterprise.pk, theirs.pk])).status_code
        == 404
    )
    assert "乙企业系统" not in client.get(url).content.decode()
    page = _create(client, url, user=other_enterprise_user.pk).content.decode()
    assert "所选账号不属于该企业" in page
    assert ApiToken.objects.count() == 1


@pytest.mark.parametrize("role", ["enterprise_user", "manager"])
def test_roles_that_do_not_enter_records_cannot_manage_an_enterprises_tokens(
    client, request, role, enterprise
):
    """Not even an enterprise's own login manages its colleagues' tokens: 403 (their own page is theirs)."""
    colleague = make_user(Role.ENTERPRISE, username="ent_a2", enterprise=enterprise)
    token, _raw = api_token_create(actor=colleague, user=colleague, name="同事的系统", valid_days=30)
    user = request.getfixturevalue(role)
    client.force_login(user)
    url = reverse("enterprise-api-tokens", args=[enterprise.pk])
    assert client.get(url).status_code == 403
    assert _create(client, url, user=colleague.pk).status_code == 403
    assert (
        client.post(reverse("enterprise-api-token-revoke", args=[enterprise.pk, token.pk])).status_code == 403
    )
    token.refresh_from_db()
    assert token.revoked_at is None and ApiToken.objects.count() == 1
    assert (
        f'href="{url}"' not in client.get(reverse("enterprise-detail", args=[enterprise.pk])).content.decode()
    )


def test_staff_errors_in_chinese_and_nothing_written(client, bureau_staff, enterprise_user):
    enterprise = enterprise_user.profile.enterprise
    client.force_login(bureau_staff)
    page = _create(
        client, reverse("enterprise-api-tokens", args=[enterprise.pk]), user="", name="", valid_days="1000"
    ).content.decode()
    assert "请选择令牌所属的企业账号" in page
    # The form's own refusal (no user) comes first: the service is not asked, so its field
    # errors are not there; a valid user with a bad name and period gets the service's.
    page = _create(
        client,
        reverse("enterprise-api-tokens", args=[enterprise.pk]),
        user=enterprise_user.pk,
        name="",
        valid_days="1000",
    ).content.decode()
    assert "请填写令牌的用途" in page and "有效期只能选" in page
    assert not ApiToken.objects.exists()


def test_a_deactivated_login_cannot_get_a_token(client, bureau_staff, enterprise_user):
    enterprise = enterprise_user.profile.enterprise
    url = reverse("enterprise-api-tokens", args=[enterprise.pk])
    client.force_login(bureau_staff)
    form_page = client.get(url)  # the login is offered while active
    assert form_page.status_code == 200
    type(enterprise_user).objects.filter(pk=enterprise_user.pk).update(is_active=False)
    page = _create(client, url, user=enterprise_user.pk).content.decode()
    # An inactive login is no longer among the enterprise's logins: refused as not theirs.
    assert "所选账号不属于该企业" in page
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("n", [2, 20])
def test_enterprise_list_costs_fixed_queries(
    client, bureau_staff, enterprise_user, n, django_assert_max_num_queries
):
    for i in range(n):
        token, _raw = api_token_create(
            actor=bureau_staff, user=enterprise_user, name=f"系统 {i}", valid_days=30
        )
        if i >= 5:  # revoked ones are listed too, and keep the login under the ten active allowed
            api_token_revoke(actor=bureau_staff, token=token)
    client.force_login(bureau_staff)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("enterprise-api-tokens", args=[enterprise_user.profile.enterprise.pk]))
    assert response.status_code == 200


def test_the_services_refusal_of_a_revoke_is_shown_in_chinese(client, bureau_staff, enterprise_user):
    """A deactivated login's token: refused by the API already, and no longer the staff's to
    manage (``may_manage_tokens_of``); the service's WorkflowError is the page's message."""
    enterprise = enterprise_user.profile.enterprise
    token, _raw = api_token_create(
        actor=enterprise_user, user=enterprise_user, name="质检系统", valid_days=30
    )
    type(enterprise_user).objects.filter(pk=enterprise_user.pk).update(is_active=False)
    client.force_login(bureau_staff)
    response = client.post(
        reverse("enterprise-api-token-revoke", args=[enterprise.pk, token.pk]), follow=True
    )
    assert "您不能管理该用户的接口令牌" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
