from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from ..access import is_enterprise_user, may_enter_records, may_read_staff_pages, may_review
from ..choices import DeclarationStatus
from ..selectors.home import staff_home

# The list behind each of the plan's figures, as the dashboard links them.
MEASURE_LISTS = {"schemes": "scheme-list", "enterprises": "enterprise-list", "results": "declaration-list"}


def _url(name: str, **params) -> str:
    query = urlencode({key: value for key, value in params.items() if value is not None})
    return f"{reverse(name)}?{query}" if query else reverse(name)


class HomeView(TemplateView):
    """The landing page answers "what now": for reviewers, what waits for them; for every
    staff login, where the 千项计划 stands. Enterprise users have one place to be, their
    portal, and go straight there (also after logging in)."""

    template_name = "benchmarking/home.html"

    def get(self, request, *args, **kwargs):
        if is_enterprise_user(request.user):
            return redirect("portal-home")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_read_staff_pages"] = may_read_staff_pages(user)
        context["can_review"] = may_review(user)
        context["can_enter_records"] = may_enter_records(user)
        if not context["can_read_staff_pages"]:
            return context
        home = staff_home(user)
        context["home"] = home
        context["returned_url"] = _url("declaration-list", status=DeclarationStatus.RETURNED)
        if home.dashboard:
            # A figure opens the records it counts, as on the dashboard: counted today, in the
            # viewer's share (a branch office's lists are its own office's anyway).
            office = home.dashboard.branch_office
            today = timezone.localdate().isoformat()
            context["measures"] = [
                (
                    measure,
                    _url(
                        MEASURE_LISTS[measure.key],
                        counted_on=today,
                        branch_office=office.pk if office and not measure.citywide else None,
                    ),
                )
                for measure in home.dashboard.measures
            ]
            context["office_lists"] = [
                (
                    row,
                    _url("enterprise-list", counted_on=today, branch_office=row.office.pk),
                    _url("declaration-list", counted_on=today, branch_office=row.office.pk),
                )
                for row in home.bottom_offices
            ]
        return context
