from django.shortcuts import redirect
from django.views.generic import TemplateView

from ..access import is_enterprise_user, may_read_staff_pages, may_review


class HomeView(TemplateView):
    """The landing page: who you are and where to go next. Enterprise users have one place
    to be, their portal, and go straight there (also after logging in)."""

    template_name = "benchmarking/home.html"

    def get(self, request, *args, **kwargs):
        if is_enterprise_user(request.user):
            return redirect("portal-home")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_read_staff_pages"] = may_read_staff_pages(self.request.user)
        context["can_review"] = may_review(self.request.user)
        return context
