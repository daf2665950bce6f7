"""Permission-matrix rules for the 提醒 page: every logged-in user has their own (each sees only
their own digests: tests/views/test_reminders_page.py); the mail switch takes a POST only."""

from django.urls import reverse


def checks(world) -> dict:
    from tests.access.test_permission_matrix import LOGIN, NOT_ALLOWED, OK, ROLES

    logged_in = {role: OK for role in ROLES if role != "anonymous"}
    return {
        "reminders": [(reverse("reminders"), {"anonymous": LOGIN, **logged_in})],
        "reminders-settings": [
            (reverse("reminders-settings"), {"anonymous": LOGIN, **dict.fromkeys(logged_in, NOT_ALLOWED)})
        ],
    }
