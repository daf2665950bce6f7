"""Permission-matrix rules for the 接口令牌 pages (tests/views/test_api_token_pages.py has their
behaviour). A user's own page: everyone the API has a part for, i.e. every kind of staff and
enterprise users. An enterprise's page: the staff who enter its records (``may_enter_records``,
within their scope: another office's staff find no such enterprise); managers only read and
enterprise users do not manage their colleagues' tokens (403). Revoking is a POST only."""

from django.urls import reverse


def checks(world) -> dict:
    from tests.access.test_permission_matrix import FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, OK, ROLES

    logged_in = [role for role in ROLES if role != "anonymous"]
    enterprise = world["samples"]["enterprise_a"]
    enterprise_page = {
        "anonymous": LOGIN,
        "enterprise_a": FORBIDDEN,
        "enterprise_b": FORBIDDEN,
        "branch_other": NOT_FOUND,
        "branch_same": OK,
        "manager": FORBIDDEN,
        "bureau": OK,
    }
    # Whatever the token's number: a GET is refused (405) by those who may reach the view at all.
    token_pk = 1
    return {
        "api-tokens": [(reverse("api-tokens"), {"anonymous": LOGIN, **dict.fromkeys(logged_in, OK)})],
        "api-token-revoke": [
            (
                reverse("api-token-revoke", args=[token_pk]),
                {"anonymous": LOGIN, **dict.fromkeys(logged_in, NOT_ALLOWED)},
            )
        ],
        "enterprise-api-tokens": [(reverse("enterprise-api-tokens", args=[enterprise.pk]), enterprise_page)],
        "enterprise-api-token-revoke": [
            (
                reverse("enterprise-api-token-revoke", args=[enterprise.pk, token_pk]),
                # A GET is refused before the enterprise is looked for: the same to every office.
                {**enterprise_page, **dict.fromkeys(("branch_other", "branch_same", "bureau"), NOT_ALLOWED)},
            )
        ],
    }
