"""Who may open the site's staff pages (progress, lists, reports), how their lists page, and
which pages read the replica."""

from django.contrib.auth.mixins import AccessMixin
from django.db import InterfaceError, OperationalError
from django.template.response import SimpleTemplateResponse

from yongkang.db_routers import reads_from_replica

from .. import replica
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


class ReplicaReadsMixin:
    """The view's reads go to the read replica, when one is configured and this browser has not
    just written (benchmarking.replica): for pages that only read, and read a lot — the
    dashboard, the home page's figures, the lists. Put it after the access mixin, so that who
    is asking and what they may open are decided on the primary.

    The template is rendered inside the scope too, since a list's rows are read as it renders.
    Should the replica fail (not answering, connection lost), the page is computed again on the
    primary: it only reads, so running it twice is safe, and the user gets the page, not a 500.
    """

    # False in a subclass that must read the primary (a list's export).
    replica_reads = True

    def dispatch(self, request, *args, **kwargs):
        if not (self.replica_reads and replica.reads_replica(request)):
            return super().dispatch(request, *args, **kwargs)
        # Who is asking, from the primary: a password changed or an account closed a moment
        # ago counts at once (Django loads the user lazily, at its first use).
        request.user.is_authenticated  # noqa: B018
        try:
            with reads_from_replica():
                response = super().dispatch(request, *args, **kwargs)
                if isinstance(response, SimpleTemplateResponse):
                    response.render()
                return response
        except (OperationalError, InterfaceError) as error:
            if not replica.replica_failed(error):
                raise
        return super().dispatch(request, *args, **kwargs)
