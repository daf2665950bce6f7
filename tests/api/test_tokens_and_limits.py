"""What every part of the API shares: a token's life (expiry, revocation, a user who leaves),
its last use, the limits per token and per address (429 with Retry-After), and errors as JSON
in Chinese, never a page."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from benchmarking.models import ApiToken, hash_token
from benchmarking.services.api_tokens import api_token_create, api_token_revoke
from tests.api.conftest import client_with_token

STAFF_LIST = "/api/v1/staff/enterprises/"
PUBLIC = reverse("api-public-results")


@pytest.fixture
def staff_token(bureau_staff):
    return api_token_create(actor=bureau_staff, user=bureau_staff, name="省数据平台", valid_days=30)


def test_only_the_hash_is_stored_and_the_secret_looks_like_one(staff_token):
    token, raw = staff_token
    assert raw.startswith("ykapi_") and len(raw) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hash_token(raw) and raw not in {stored.key_hash, stored.prefix}
    assert raw.startswith(stored.prefix)


@pytest.mark.parametrize(
    ("header", "words"),
    [
        (None, "身份认证信息未提供"),
        ("Bearer ykapi_nonsense", "令牌无效或已被吊销"),
        ("Bearer", "Bearer <令牌>"),
        ("Bearer a b", "Bearer <令牌>"),
    ],
)
def test_without_a_good_token_the_token_parts_answer_401_in_chinese(client, db, header, words):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get(STAFF_LIST, **extra)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert words in response.json()["detail"]
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_revoked_token_is_refused_at_once(staff_token, bureau_staff):
    token, raw = staff_token
    client = client_with_token(raw)
    assert client.get(STAFF_LIST).status_code == 200
    api_token_revoke(actor=bureau_staff, token=token)
    response = client.get(STAFF_LIST)
    assert response.status_code == 401 and "吊销" in response.json()["detail"]


def test_an_expired_token_says_so(bureau_staff):
    _token, raw = api_token_create(
        actor=bureau_staff,
        user=bureau_staff,
        name="旧令牌",
        valid_days=30,
        now=timezone.now() - dt.timedelta(days=31),
    )
    response = client_with_token(raw).get(STAFF_LIST)
    assert response.status_code == 401 and "已过期" in response.json()["detail"]


def test_a_deactivated_users_token_is_refused(staff_token, bureau_staff):
    _token, raw = staff_token
    bureau_staff.is_active = False
    bureau_staff.save()
    response = client_with_token(raw).get(STAFF_LIST)
    assert response.status_code == 401 and "停用" in response.json()["detail"]


def test_last_use_is_recorded_without_a_write_per_request(staff_token, django_assert_max_num_queries):
    token, raw = staff_token
    client = client_with_token(raw)
    assert ApiToken.objects.get(pk=token.pk).last_used_at is None
    client.get(STAFF_LIST)
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    client.get(STAFF_LIST)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first  # within the minute: unchanged
    # Using a token writes no history record; making and revoking it do.
    assert token.history.count() == 1


def test_the_token_of_a_user_without_an_api_part_is_forbidden(db):
    from benchmarking.choices import Role
    from tests.factories import make_user

    # A user with no role may not even be given a token.
    nobody = make_user(Role.ENTERPRISE, username="lost")  # an enterprise login with no enterprise
    with pytest.raises(Exception, match="不能管理"):
        api_token_create(actor=nobody, user=nobody, name="x", valid_days=30)


def test_token_names_and_lifetimes_are_checked_in_chinese(bureau_staff):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        api_token_create(actor=bureau_staff, user=bureau_staff, name="  ", valid_days=7)
    assert set(caught.value.message_dict) == {"name", "valid_days"}
    assert "30、90、180、365" in caught.value.message_dict["valid_days"][0]
    assert not ApiToken.objects.exists()


def test_over_the_limit_a_token_gets_429_with_retry_after(settings, staff_token):
    settings.BENCHMARKING_API_RATES = {"token": "3/min", "anonymous": "100/min"}
    client = client_with_token(staff_token[1])
    assert [client.get(STAFF_LIST).status_code for _ in range(3)] == [200, 200, 200]
    response = client.get(STAFF_LIST)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "请求过于频繁" in response.json()["detail"]


def test_limits_are_per_token_not_shared(settings, bureau_staff, manager):
    settings.BENCHMARKING_API_RATES = {"token": "2/min", "anonymous": "100/min"}
    first = client_with_token(
        api_token_create(actor=bureau_staff, user=bureau_staff, name="a", valid_days=30)[1]
    )
    second = client_with_token(api_token_create(actor=manager, user=manager, name="b", valid_days=30)[1])
    assert [first.get(STAFF_LIST).status_code for _ in range(3)] == [200, 200, 429]
    assert second.get(STAFF_LIST).status_code == 200


def test_anonymous_callers_are_limited_per_address(settings, client, db):
    settings.BENCHMARKING_API_RATES = {"token": "100/min", "anonymous": "2/min"}
    statuses = [client.get(PUBLIC, REMOTE_ADDR="10.0.0.1").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert client.get(PUBLIC, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_errors_are_json_never_a_page(client, db):
    unknown = client.get("/api/v1/no-such-thing/")
    assert unknown.status_code == 404 and "接口说明" in unknown.json()["detail"]
    # A line break in the path is no exception (Schemathesis found it).
    odd = client.get("/api/v1/staff/declarations/%0A%3D%C3%B3/")
    assert odd.status_code == 404 and odd["Content-Type"] == "application/json"
    nul = client.get(PUBLIC, {"q": "a\x00b"})
    assert nul.status_code == 400 and "空字符" in nul.json()["detail"]
    wrong_method = client.delete(PUBLIC)
    assert wrong_method.status_code == 405 and "DELETE" in wrong_method.json()["detail"]


def test_the_schema_and_its_documentation_are_served_by_the_app(client, db):
    schema = client.get(reverse("api-schema"), {"format": "json"})
    assert schema.status_code == 200
    spec = schema.json()
    assert spec["openapi"].startswith("3.") and spec["info"]["title"].startswith("永康市")
    assert spec["components"]["securitySchemes"]["token"]["scheme"] == "bearer"
    docs = client.get(reverse("api-docs")).content.decode()
    # Swagger UI from the app's own static files: no CDN on a government network.
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs
    assert "cdn" not in docs.lower() and "https://" not in docs
    # The page's start-up script is a file of its own (the CSP allows no inline script).
    assert "<script>" not in docs.replace(" ", "")


@pytest.mark.parametrize("position", ["abc", "1 OR 1=1", "9" * 40, "-1"])
def test_a_hand_made_cursor_is_a_404_not_an_error(client, db, position):
    import base64
    from urllib.parse import urlencode

    cursor = base64.b64encode(urlencode({"p": position}).encode()).decode()
    response = client.get(PUBLIC, {"cursor": cursor})
    assert response.status_code == 404 and response["Content-Type"] == "application/json"


def test_a_hand_made_cursor_on_a_list_by_code_is_a_404_not_an_error(bureau_staff, enterprise_user, scheme):
    import base64
    from urllib.parse import urlencode

    from tests.api.conftest import token_for

    cursor = base64.b64encode(urlencode({"p": "YK\x00"}).encode()).decode()
    response = client_with_token(token_for(enterprise_user)).get(
        reverse("api-enterprise-scheme-list"), {"cursor": cursor}
    )
    assert response.status_code == 404


def test_a_json_body_nested_too_deep_is_a_400_not_an_error(enterprise_user, scheme):
    from tests.api.conftest import token_for

    response = client_with_token(token_for(enterprise_user)).post(
        reverse("api-enterprise-declaration-list"),
        "[" * 100_000 + "]" * 100_000,
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_a_user_holds_at_most_ten_active_tokens(bureau_staff):
    from django.core.exceptions import ValidationError

    tokens = [
        api_token_create(actor=bureau_staff, user=bureau_staff, name=f"第{n}个", valid_days=30)[0]
        for n in range(10)
    ]
    with pytest.raises(ValidationError, match="已达上限"):
        api_token_create(actor=bureau_staff, user=bureau_staff, name="第十一个", valid_days=30)
    api_token_revoke(actor=bureau_staff, token=tokens[0])
    api_token_create(actor=bureau_staff, user=bureau_staff, name="第十一个", valid_days=30)
    assert ApiToken.objects.filter(user=bureau_staff, revoked_at__isnull=True).count() == 10
