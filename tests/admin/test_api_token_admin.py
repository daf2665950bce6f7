"""API tokens in the admin: read by those who manage logins, for their county's logins; nothing
is added, changed or deleted there, and the stored hash is never shown."""

import pytest
from django.urls import reverse

from benchmarking.choices import Role
from benchmarking.models import ApiToken
from benchmarking.services.api_tokens import api_token_create
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_bureau_staff_read_tokens_without_their_hash(client, bureau_staff, enterprise_user):
    token, secret = api_token_create(
        actor=enterprise_user, user=enterprise_user, name="企业质检系统", valid_days=30
    )
    client.force_login(bureau_staff)
    listing = client.get(reverse("admin:benchmarking_apitoken_changelist")).content.decode()
    assert "企业质检系统" in listing and f"{token.prefix}…" in listing
    page = client.get(reverse("admin:benchmarking_apitoken_change", args=[token.pk])).content.decode()
    assert "企业质检系统" in page
    assert token.key_hash not in page and secret not in page
    assert 'name="_save"' not in page  # read-only: no save button

    # A crafted save changes nothing.
    response = client.post(
        reverse("admin:benchmarking_apitoken_change", args=[token.pk]),
        {"name": "改名", "expires_at_0": "2099-01-01", "expires_at_1": "00:00:00"},
    )
    assert response.status_code == 403
    assert ApiToken.objects.get(pk=token.pk).name == "企业质检系统"
    assert client.get(reverse("admin:benchmarking_apitoken_add")).status_code == 403


def test_another_countys_tokens_are_not_there(client, enterprise_user):
    token, _secret = api_token_create(
        actor=enterprise_user, user=enterprise_user, name="企业质检系统", valid_days=30
    )
    dongyang = make_user(Role.BUREAU_STAFF, username="dongyang_bureau", region="330783")
    client.force_login(dongyang)
    assert (
        "企业质检系统" not in client.get(reverse("admin:benchmarking_apitoken_changelist")).content.decode()
    )
    assert client.get(reverse("admin:benchmarking_apitoken_change", args=[token.pk])).status_code == 404
