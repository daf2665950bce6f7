"""Template context every page needs."""

from .access import role_of
from .choices import Role
from .views.imports import importable_kinds
from .views.mixins import is_staff_reader


def navigation(request):
    """Which parts of the site the header links to: only those the user may open."""
    user = getattr(request, "user", None)
    role = role_of(user)
    return {
        "nav_staff": is_staff_reader(user),
        "nav_reviewer": role in (Role.BUREAU_STAFF, Role.BRANCH_STAFF),
        "nav_enterprise": role == Role.ENTERPRISE,
        # Each kind's may_import decides; the role is cached on the user, so this costs no query.
        "nav_importer": bool(importable_kinds(user)),
    }
