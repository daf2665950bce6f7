"""Permission-matrix rules for the accounts pages: {url name: [(url, {role: expected})]},
written out by hand in the form of test_permission_matrix.site_checks."""


def checks(world) -> dict:
    return {}
