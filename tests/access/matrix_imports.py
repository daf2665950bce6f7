"""Permission-matrix rules for the bulk import: each kind's importers (enterprises,
declarations and the quality records: bureau and branch-office staff; standards and schemes: bureau staff) get the
page, the template and the upload form; other staff and enterprise users get 403; anonymous users go to the login page.
An unknown kind is a 404. Confirming and downloading the problem rows are POST only (GET: 405
to those who may import)."""

from django.urls import reverse


def checks(world) -> dict:
    from tests.access.test_permission_matrix import FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, OK, ROLES

    importers = {
        "enterprises": {"branch_other", "branch_same", "bureau"},
        "standards": {"bureau"},
        "schemes": {"bureau"},
        "declarations": {"branch_other", "branch_same", "bureau"},
        "zhejiang_made": {"branch_other", "branch_same", "bureau"},
        "pin_certificates": {"branch_other", "branch_same", "bureau"},
        "belt_road_certificates": {"branch_other", "branch_same", "bureau"},
    }
    # Every kind on the site is in the matrix: a new kind must say who may import it.
    from benchmarking.imports import kinds

    assert set(importers) == set(kinds()), set(kinds()) ^ set(importers)

    def page(allowed, outcome=OK):
        return {role: outcome if role in allowed else FORBIDDEN for role in ROLES} | {"anonymous": LOGIN}

    unknown = {role: NOT_FOUND for role in ROLES} | {"anonymous": LOGIN}
    return {
        # The page lists what the user may import: anyone who may import at least one kind.
        "imports": [(reverse("imports"), page(set().union(*importers.values())))],
        **{
            name: [
                *[
                    (reverse(name, args=[kind]), page(allowed, outcome))
                    for kind, allowed in importers.items()
                ],
                (reverse(name, args=["no-such-kind"]), unknown),
            ]
            for name, outcome in (
                ("import-template", OK),
                ("import-upload", OK),
                ("import-confirm", NOT_ALLOWED),
                ("import-problem-rows", NOT_ALLOWED),
            )
        },
    }
