"""Who may open the site's staff pages (progress, lists, reports), and how their lists page."""

from django.contrib.auth.mixins import AccessMixin

from ..access import role_of
from ..choices import Role
from ..scoping import STAFF_ROLES


def is_staff_reader(user) -> bool:
    """Bureau staff, branch-office staff and managers read progress and lists; enterprises do not."""
    return role_of(user) in STAFF_ROLES


class StaffOnlyMixin(AccessMixin):
    """Anonymous users go to the login page; a logged-in user without a staff role gets 403.

    Django's AccessMixin answers ``handle_no_permission`` with the login redirect for the
    anonymous and PermissionDenied (403) for everyone else, since ``raise_exception`` is off.
    """

    def dispatch(self, request, *args, **kwargs):
        if not is_staff_reader(request.user):
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)


def is_reviewer(user) -> bool:
    """Bureau staff and branch-office staff review declarations; managers only read."""
    return role_of(user) in (Role.BUREAU_STAFF, Role.BRANCH_STAFF)


class ReviewerOnlyMixin(AccessMixin):
    """The review pages: anonymous users go to the login page, a logged-in user who does not
    review (a manager, an enterprise user) gets 403. Which declarations a reviewer may open
    is the scope's business (``scoping.visible_to``), answered with a 404 by the view."""

    def dispatch(self, request, *args, **kwargs):
        if not is_reviewer(request.user):
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)


class ForgivingPaginationMixin:
    """Paging for a ListView (or FilterView) that never answers a page number with a 404.

    Django's ``paginate_queryset`` uses ``Paginator.page``, which raises Http404 for a page
    past the end or one that is not a number. Here ``Paginator.get_page`` answers instead:
    a page past the end shows the last page, anything not a page number shows the first.
    A bookmarked or shared link to page 7 outlives the rows that filled it (filters narrowed,
    a queue emptied, results withdrawn), and a 404 there would lose the whole list.
    """

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()
