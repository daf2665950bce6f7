"""One enterprise's page (档案): for staff within their scope and for the enterprise's own users;
anyone else's enterprise is a 404, as on the enterprise list."""

from django.contrib.auth.mixins import AccessMixin
from django.utils import timezone
from django.views.generic import TemplateView

from ..access import is_enterprise_user, may_manage_enterprise_tokens, may_read_staff_pages, may_review
from ..selectors.enterprise_page import enterprise_page


class EnterpriseDetailView(AccessMixin, TemplateView):
    """Its particulars, declarations, 浙江制造 standards and certificates on one page."""

    template_name = "benchmarking/enterprises/detail.html"

    def dispatch(self, request, *args, **kwargs):
        # Anonymous users go to the login page; a login with neither role gets 403. Which
        # enterprise is the scope's business: the selector answers 404 outside it.
        if not (may_read_staff_pages(request.user) or is_enterprise_user(request.user)):
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        page = enterprise_page(user, self.kwargs["pk"], today=timezone.localdate())
        return super().get_context_data(
            page=page,
            enterprise=page.enterprise,
            # Where a declaration opens: the enterprise's own page in the portal, the review
            # page for those who review it, the admin's (read-only) page for other staff.
            declaration_link=(
                "portal" if is_enterprise_user(user) else "review" if may_review(user) else "admin"
            ),
            # The link to its logins' 接口令牌, for the staff who may make and revoke them.
            manages_tokens=may_manage_enterprise_tokens(user, page.enterprise),
            **kwargs,
        )
