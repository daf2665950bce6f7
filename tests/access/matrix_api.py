"""Permission-matrix rules for the open API (/api/v1/), in the form of
test_permission_matrix.site_checks. The matrix sends an API URL with a token of the role's user
(``api_headers``), never a session: the API knows no other way in.

As on the pages: no token → 401 (the pages' login); a token of a role the part is not for → 403;
a record outside the token user's scope → 404, exactly as one that does not exist. The public
part answers everyone alike. ``test_api_writes_for_every_role`` below does the same for the
routes that write, with their own methods.
"""

from django.urls import reverse

UNAUTHORIZED = 401

ENTERPRISES = ("enterprise_a", "enterprise_b")


def api_headers(world, role: str) -> dict:
    """The Authorization header of a token of ``role``'s user (one per role, made once)."""
    return token_headers(world, world["users"][role])


def token_headers(world, user) -> dict:
    """The Authorization header of a token of ``user`` (made once per user); none for anonymous."""
    from benchmarking.services.api_tokens import api_token_create

    if user is None:
        return {}
    tokens = world.setdefault("api_tokens", {})
    if user.pk not in tokens:
        tokens[user.pk] = api_token_create(actor=user, user=user, name="权限矩阵", valid_days=30)[1]
    return {"HTTP_AUTHORIZATION": f"Bearer {tokens[user.pk]}"}


def _roles():
    from tests.access.test_permission_matrix import ROLES

    return ROLES


def staff_part(*, hidden_from=()) -> dict:
    """Staff read (each within scope: ``hidden_from`` gets 404), enterprises are refused."""
    from tests.access.test_permission_matrix import FORBIDDEN, NOT_FOUND, OK

    expected = {role: OK for role in _roles()}
    expected.update(anonymous=UNAUTHORIZED, **dict.fromkeys(ENTERPRISES, FORBIDDEN))
    expected.update(dict.fromkeys(hidden_from, NOT_FOUND))
    return expected


def enterprise_part(*, own_of_a: bool) -> dict:
    """Enterprise users only; a record of enterprise A is not there for enterprise B."""
    from tests.access.test_permission_matrix import FORBIDDEN, NOT_FOUND, OK

    expected = dict.fromkeys(_roles(), FORBIDDEN)
    expected.update(anonymous=UNAUTHORIZED, enterprise_a=OK, enterprise_b=NOT_FOUND if own_of_a else OK)
    return expected


def checks(world) -> dict:
    from tests.access.matrix_public import _published
    from tests.access.test_permission_matrix import NOT_ALLOWED, NOT_FOUND, OK

    samples = world["samples"]
    everyone = dict.fromkeys(_roles(), OK)
    published = _published(world)
    declaration_a = samples["declaration_a"]
    evidence_a = samples["evidence_a"]
    # POST-only routes answer a GET by 405 for the part's own users, after who is asking is known.
    post_only = {**enterprise_part(own_of_a=False), **dict.fromkeys(ENTERPRISES, NOT_ALLOWED)}
    return {
        "api-schema": [(reverse("api-schema"), everyone)],
        "api-docs": [(reverse("api-docs"), everyone)],
        "api-not-found": [("/api/v1/no-such-thing/", dict.fromkeys(_roles(), NOT_FOUND))],
        # -- public: the same for everyone, a token or not
        "api-public-results": [(reverse("api-public-results"), everyone)],
        "api-public-result": [
            (reverse("api-public-result", args=[published.pk]), everyone),
            # A draft is no public result, for anyone.
            (reverse("api-public-result", args=[declaration_a.pk]), dict.fromkeys(_roles(), NOT_FOUND)),
        ],
        "api-public-figures": [(reverse("api-public-figures"), everyone)],
        # -- staff: scoped as the staff pages; another office's enterprise is not there
        "api-staff-enterprise-list": [(reverse("api-staff-enterprise-list"), staff_part())],
        "api-staff-enterprise-detail": [
            (
                reverse("api-staff-enterprise-detail", args=[samples["enterprise_a"].pk]),
                staff_part(hidden_from=["branch_other"]),
            )
        ],
        "api-staff-standard-list": [(reverse("api-staff-standard-list"), staff_part())],
        "api-staff-standard-detail": [
            (reverse("api-staff-standard-detail", args=[samples["standard"].pk]), staff_part())
        ],
        "api-staff-scheme-list": [(reverse("api-staff-scheme-list"), staff_part())],
        "api-staff-scheme-detail": [
            (reverse("api-staff-scheme-detail", args=[samples["scheme"].pk]), staff_part())
        ],
        "api-staff-declaration-list": [(reverse("api-staff-declaration-list"), staff_part())],
        "api-staff-declaration-detail": [
            (
                reverse("api-staff-declaration-detail", args=[declaration_a.pk]),
                staff_part(hidden_from=["branch_other"]),
            )
        ],
        "api-staff-progress": [(reverse("api-staff-progress"), staff_part())],
        # -- enterprise: its own declarations only
        "api-enterprise-scheme-list": [
            (reverse("api-enterprise-scheme-list"), enterprise_part(own_of_a=False))
        ],
        "api-enterprise-scheme-detail": [
            (
                reverse("api-enterprise-scheme-detail", args=[samples["scheme"].pk]),
                enterprise_part(own_of_a=False),
            )
        ],
        "api-enterprise-declaration-list": [
            (reverse("api-enterprise-declaration-list"), enterprise_part(own_of_a=False))
        ],
        "api-enterprise-declaration-detail": [
            (
                reverse("api-enterprise-declaration-detail", args=[declaration_a.pk]),
                enterprise_part(own_of_a=True),
            )
        ],
        "api-enterprise-declaration-evidence": [
            (reverse("api-enterprise-declaration-evidence", args=[declaration_a.pk]), post_only)
        ],
        "api-enterprise-declaration-evidence-detail": [
            (
                reverse("api-enterprise-declaration-evidence-detail", args=[declaration_a.pk, evidence_a.pk]),
                post_only,  # DELETE only
            )
        ],
        "api-enterprise-declaration-submit": [
            (reverse("api-enterprise-declaration-submit", args=[declaration_a.pk]), post_only)
        ],
    }


def writes(world):
    """(method, url, body, sends If-Match, {role: expected}) for every API route that writes. The expectations
    of enterprise A are what a well-formed write does; everyone else changes nothing."""
    from tests.access.test_permission_matrix import FORBIDDEN, NOT_FOUND

    samples = world["samples"]
    declaration = samples["declaration_a"]
    outsiders = {**dict.fromkeys(_roles(), FORBIDDEN), "anonymous": UNAUTHORIZED, "enterprise_b": NOT_FOUND}
    return [
        (
            "patch",
            reverse("api-enterprise-declaration-detail", args=[declaration.pk]),
            {"product_name": "改名的杯"},
            True,  # If-Match: the version as it is when sent
            {**outsiders, "enterprise_a": 200},
        ),
        (
            "post",
            reverse("api-enterprise-declaration-evidence", args=[declaration.pk]),
            None,  # a file, made per request
            True,
            {**outsiders, "enterprise_a": 201},
        ),
        (
            "delete",
            reverse(
                "api-enterprise-declaration-evidence-detail", args=[declaration.pk, samples["evidence_a"].pk]
            ),
            None,
            True,
            {**outsiders, "enterprise_a": 204},
        ),
        (
            "post",
            reverse("api-enterprise-declaration-submit", args=[declaration.pk]),
            {},
            True,
            {**outsiders, "enterprise_a": 200},
        ),
        (
            "post",
            reverse("api-enterprise-declaration-list"),
            {"scheme": samples["scheme"].pk},
            False,
            # Not a whole declaration: refused by the service's checks, for the enterprise users only.
            {**outsiders, "enterprise_b": 400, "enterprise_a": 400},
        ),
    ]
