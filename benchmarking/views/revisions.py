"""Schemes to revise (需修订): staff's worklist, and starting a revision from it.

The worklist is a staff page like the lists (``StaffOnlyMixin``: enterprises get 403); it
shows the schemes of the user's region that need revision (``selectors.revisions``). Starting
a revision is a POST for those who may write schemes (``access.may_manage_schemes``: others
get 403); a scheme they may not change is a 404. The new draft opens in the admin, where the
scheme is edited and published.
"""

from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from ..access import may_manage_schemes
from ..models import TechnicalScheme
from ..scoping import editable_by
from ..selectors.revisions import needing_revision_worklist
from ..services.errors import WorkflowError
from ..services.schemes import start_revision
from .mixins import StaffOnlyMixin


def _admin_change_url(scheme_pk: int) -> str:
    return reverse("admin:benchmarking_technicalscheme_change", args=[scheme_pk])


class RevisionWorklistView(StaffOnlyMixin, TemplateView):
    template_name = "benchmarking/revisions/worklist.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            schemes=needing_revision_worklist(self.request.user),
            may_revise=may_manage_schemes(self.request.user),
        )
        return context


class StartRevisionView(AccessMixin, View):
    """POST: start revising the scheme, then edit the new draft in the admin. A draft revision
    already started is opened instead, with the service's sentence saying so."""

    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if not may_manage_schemes(request.user):
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, pk: int):
        scheme = get_object_or_404(editable_by(request.user, TechnicalScheme), pk=pk)
        try:
            revision = start_revision(scheme, actor=request.user)
        except WorkflowError as error:
            draft = getattr(error, "draft", None)
            messages.warning(request, error.messages[0])
            if draft is not None:
                return redirect(_admin_change_url(draft.pk))
            return redirect("scheme-revision-worklist")
        messages.success(
            request,
            _(
                "已为方案 %(old)s 新建修订稿 %(new)s：请核对对标标准和各标准规定值，上传修订后的方案文件，完成后发布。"
            )
            % {"old": scheme.code, "new": revision.code},
        )
        return redirect(_admin_change_url(revision.pk))
