from django.shortcuts import redirect
from django.views.generic import TemplateView

from ..access import role_of
from ..choices import Role


class HomeView(TemplateView):
    """The landing page: who you are and where to go next. Enterprise users have one place
    to be, their portal, and go straight there (also after logging in)."""

    template_name = "benchmarking/home.html"

    def get(self, request, *args, **kwargs):
        if role_of(request.user) == Role.ENTERPRISE:
            return redirect("portal-home")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        role = role_of(self.request.user)
        context["role"] = role
        context["can_enter_records"] = role in (Role.BUREAU_STAFF, Role.BRANCH_STAFF, Role.MANAGER)
        context["can_review"] = role in (Role.BUREAU_STAFF, Role.BRANCH_STAFF)
        return context
