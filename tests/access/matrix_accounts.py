"""Permission-matrix rules for the accounts pages: {url name: [(url, {role: expected})]},
written out by hand in the form of test_permission_matrix.site_checks."""

from django.urls import reverse


def checks(world) -> dict:
    # Imported here: test_permission_matrix imports this module while building its rules.
    from tests.access.test_permission_matrix import ADMIN_LOGIN, FORBIDDEN, NOT_FOUND, OK

    enterprise = world["samples"]["enterprise_a"]
    return {
        # The addresses whose logins are limited, and lifting a limit: those who manage accounts
        # alone. Other staff are refused; non-staff meet the admin login, as everywhere in the admin.
        "admin:auth_user_address_limits": [
            (
                reverse("admin:auth_user_address_limits"),
                {
                    "anonymous": ADMIN_LOGIN,
                    "enterprise_a": ADMIN_LOGIN,
                    "enterprise_b": ADMIN_LOGIN,
                    "branch_other": FORBIDDEN,
                    "branch_same": FORBIDDEN,
                    "manager": FORBIDDEN,
                    "bureau": OK,
                },
            )
        ],
        # Opening an enterprise's logins is bureau staff's alone. Staff who see the enterprise
        # are refused; another office's staff are not told it exists; non-staff meet the admin login.
        "admin:benchmarking_enterprise_account": [
            (
                reverse("admin:benchmarking_enterprise_account", args=[enterprise.pk]),
                {
                    "anonymous": ADMIN_LOGIN,
                    "enterprise_a": ADMIN_LOGIN,
                    "enterprise_b": ADMIN_LOGIN,
                    "branch_other": NOT_FOUND,
                    "branch_same": FORBIDDEN,
                    "manager": FORBIDDEN,
                    "bureau": OK,
                },
            )
        ],
    }
