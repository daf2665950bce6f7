from django.views.generic import TemplateView

from ..access import role_of
from ..choices import Role


class HomeView(TemplateView):
    """The landing page: who you are and where to go next."""

    template_name = "benchmarking/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        role = role_of(self.request.user)
        context["role"] = role
        context["can_enter_records"] = role in (Role.BUREAU_STAFF, Role.BRANCH_STAFF, Role.MANAGER)
        return context
