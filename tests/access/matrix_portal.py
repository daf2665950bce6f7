"""Permission-matrix rules for the enterprise portal: enterprise users only; another
enterprise's declaration is a 404 (not a 403 that confirms it exists); staff, whose work
is in the review queue and the admin, get 403; anonymous users go to the login page."""

from django.urls import reverse


def checks(world) -> dict:
    from tests.access.test_permission_matrix import FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, OK, STAFF

    def portal_page(own=OK, other_enterprise=OK):
        return {"anonymous": LOGIN, "enterprise_a": own, "enterprise_b": other_enterprise} | dict.fromkeys(
            STAFF, FORBIDDEN
        )

    from tests.access.matrix_public import _published

    samples = world["samples"]
    published = _published(world)  # enterprise A's published result
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
        # The PDF of one's own published result; one's own draft is not a result (404).
        "portal-declaration-report": [
            (reverse("portal-declaration-report", args=[published.pk]), portal_page(OK, NOT_FOUND)),
            (reverse("portal-declaration-report", args=[declaration.pk]), portal_page(NOT_FOUND, NOT_FOUND)),
        ],
        # Declaring again is a POST: a GET is refused (405) once the user is known to be an
        # enterprise user, before any record is looked up, so it tells enterprise B nothing.
        "portal-declaration-declare-again": [
            (
                reverse("portal-declaration-declare-again", args=[declaration.pk]),
                portal_page(NOT_ALLOWED, NOT_ALLOWED),
            )
        ],
    }
