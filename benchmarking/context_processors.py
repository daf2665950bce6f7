"""Template context every page needs."""

from .access import (
    is_enterprise_user,
    may_enter_records,
    may_manage_tokens_of,
    may_read_staff_pages,
    may_review,
)
from .imports import importable_kinds


def navigation(request):
    """Which parts of the site the header links to: only those the user may open."""
    user = getattr(request, "user", None)
    return {
        "nav_staff": may_read_staff_pages(user),
        "nav_reviewer": may_review(user),
        # The admin is for those who enter records; managers read the staff pages instead.
        "nav_admin": may_enter_records(user),
        "nav_enterprise": is_enterprise_user(user),
        # The role is cached on the user, so asking each kind costs no query.
        "nav_importer": bool(importable_kinds(user)),
        # Their own 接口令牌 page: whoever the API has a part for (the profile comes with the user).
        "nav_api_tokens": may_manage_tokens_of(user, user),
    }
