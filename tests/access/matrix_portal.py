"""Permission-matrix rules for the enterprise portal: enterprise users only; another
enterprise's declaration is a 404 (not a 403 that confirms it exists); staff, whose work
is in the review queue and the admin, get 403; anonymous users go to the login page."""

from django.urls import reverse


def checks(world) -> dict:
    from tests.access.test_permission_matrix import FORBIDDEN, LOGIN, NOT_FOUND, OK, STAFF

    def portal_page(own=OK, other_enterprise=OK):
        return {"anonymous": LOGIN, "enterprise_a": own, "enterprise_b": other_enterprise} | dict.fromkeys(
            STAFF, FORBIDDEN
        )

    samples = world["samples"]
    declaration = samples["declaration_a"]  # enterprise A's draft, every indicator answered
    scheme = samples["scheme"]  # published
    return {
        "portal-home": [(reverse("portal-home"), portal_page())],
        "portal-scheme-choose": [(reverse("portal-scheme-choose"), portal_page())],
        "portal-declaration-create": [
            (reverse("portal-declaration-create", args=[scheme.pk]), portal_page()),
            # A scheme that does not exist (or is not published) is simply not there.
            (
                reverse("portal-declaration-create", args=[scheme.pk + 1000]),
                portal_page(NOT_FOUND, NOT_FOUND),
            ),
        ],
        **{
            name: [(reverse(name, args=[declaration.pk]), portal_page(OK, NOT_FOUND))]
            for name in ("portal-declaration-detail", "portal-declaration-edit", "portal-declaration-submit")
        },
    }
