"""Permission-matrix rules for the review pages: {url name: [(url, {role: expected})]},
written out by hand in the form of test_permission_matrix.site_checks."""

from django.urls import reverse


def checks(world) -> dict:
    from tests.access.test_permission_matrix import FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, OK

    # The sample is a draft of enterprise A (office_a, branch_same's office): its page opens
    # read-only for those who review A; to another office's staff it is not there.
    declaration = world["samples"]["declaration_a"]
    refused = {
        "anonymous": LOGIN,
        "enterprise_a": FORBIDDEN,  # not even an enterprise's own declaration: review is staff's
        "enterprise_b": FORBIDDEN,
        "manager": FORBIDDEN,  # managers read the lists and the dashboard; they do not decide
    }
    return {
        # Every reviewer has a queue, even if it lists nothing of someone else's office.
        "review-queue": [
            (reverse("review-queue"), {**refused, "branch_other": OK, "branch_same": OK, "bureau": OK})
        ],
        "review-detail": [
            (
                reverse("review-detail", args=[declaration.pk]),
                {**refused, "branch_other": NOT_FOUND, "branch_same": OK, "bureau": OK},
            )
        ],
        # Decisions are POSTs: a GET is refused before any record is looked up, so it tells
        # another office's staff nothing either.
        **{
            name: [
                (
                    reverse(name, args=[declaration.pk]),
                    {
                        **refused,
                        "branch_other": NOT_ALLOWED,
                        "branch_same": NOT_ALLOWED,
                        "bureau": NOT_ALLOWED,
                    },
                )
            ]
            for name in ("review-publish", "review-return")
        },
    }
