"""Who may open the site's staff pages (progress, lists, reports), and how their lists page."""

from django.contrib.auth.mixins import AccessMixin

from ..access import may_read_staff_pages, may_review


class StaffOnlyMixin(AccessMixin):
    """Anonymous users go to the login page; a logged-in user without a staff role gets 403.

    Django's AccessMixin answers ``handle_no_permission`` with the login redirect for the
    anonymous and PermissionDenied (403) for everyone else, since ``raise_exception`` is off.
    """

    def dispatch(self, request, *args, **kwargs):
        if not may_read_staff_pages(request.user):
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)


class ReviewerOnlyMixin(AccessMixin):
    """The review pages: anonymous users go to the login page, a logged-in user who does not
    review (a manager, an enterprise user) gets 403. Which declarations a reviewer may open
    is the scope's business (``scoping.visible_to``), answered with a 404 by the view."""

    def dispatch(self, request, *args, **kwargs):
        if not may_review(request.user):
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
