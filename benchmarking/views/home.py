from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.views.generic import TemplateView

from ..access import is_enterprise_user, may_enter_records, may_read_staff_pages, may_review
from ..choices import DeclarationStatus
from ..selectors import progress
from ..selectors.home import home_figures, home_figures_scope, review_work
from .links import MEASURE_LISTS, counted_list_url, list_url
from .mixins import ReplicaReadsMixin
from .viewer_cache import ViewerPageCacheMixin


class HomeView(ReplicaReadsMixin, ViewerPageCacheMixin, TemplateView):
    """The landing page answers "what now": for reviewers, what waits for them; for every
    staff login, where the 千项计划 stands. Enterprise users have one place to be, their
    portal, and go straight there (also after logging in). A staff login's page is kept whole
    per viewer (views.viewer_cache) under the counts version and what waits for them."""

    template_name = "benchmarking/home.html"
    figures_template_name = "benchmarking/home_figures.html"

    def get(self, request, *args, **kwargs):
        if is_enterprise_user(request.user):
            return redirect("portal-home")
        return super().get(request, *args, **kwargs)

    def viewer_page_cacheable(self) -> bool:
        # Staff pages only: the anonymous and role-less pages are a few lines of text.
        return may_read_staff_pages(self.request.user)

    def viewer_page_live_part(self) -> str:
        # What waits for a reviewer moves with every submission, which changes no count: read
        # each time (3 queries), and the page kept whole per viewer for as long as it is the same.
        self.review = self.read_review_work()
        return repr(self.review)

    def read_review_work(self):
        user = self.request.user
        return review_work(user, today=timezone.localdate()) if may_review(user) else None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_read_staff_pages"] = may_read_staff_pages(user)
        context["can_review"] = may_review(user)
        context["can_enter_records"] = may_enter_records(user)
        if not context["can_read_staff_pages"]:
            return context
        today = timezone.localdate()
        # Read by ViewerPageCacheMixin for its key when it ran (see viewer_page_live_part).
        context["review"] = self.review if hasattr(self, "review") else self.read_review_work()
        context["returned_url"] = list_url("declaration-list", status=DeclarationStatus.RETURNED)
        # Where the plan stands is the same for every login of one scope on one day: rendered
        # once per counts version, and a warm page reads it from the shared cache.
        version = getattr(self, "counts_version", None)
        if version is None:
            version = progress.counts_version()
        context["figures"] = progress.cached_counts(
            f"home-figures:{get_language()}:{today}:{home_figures_scope(user)}",
            lambda: self.render_figures(user, today, version),
            version=version,
        )
        return context

    def render_figures(self, user, today, version) -> str:
        # Rendered without the request: nothing of one viewer may end up in the cache.
        home = home_figures(user, today=today, version=version)
        context = {"home": home}
        if home.dashboard:
            # A figure opens the records it counts, as on the dashboard: counted today, in the
            # viewer's share (a branch office's lists are its own office's anyway).
            office = home.dashboard.branch_office
            context["measures"] = [
                (
                    measure,
                    counted_list_url(
                        MEASURE_LISTS[measure.key],
                        today,
                        branch_office=office.pk if office and not measure.citywide else None,
                    ),
                )
                for measure in home.dashboard.measures
            ]
            context["office_lists"] = [
                (
                    row,
                    counted_list_url("enterprise-list", today, branch_office=row.office.pk),
                    counted_list_url("declaration-list", today, branch_office=row.office.pk),
                )
                for row in home.bottom_offices
            ]
        return render_to_string(self.figures_template_name, context)
