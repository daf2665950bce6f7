"""The review queue: bureau and branch-office staff publish or return the submitted
declarations of the enterprises in their scope, on the site rather than in the admin.

Every move goes through the workflow services (``declaration_publish``,
``declaration_return``), which lock the row, check the move and mail the enterprise after
the commit. A declaration outside the reviewer's scope is a 404 on every page here; one
in scope that is no longer submitted opens read-only, and a move on it is the service's
refusal shown as a message, never a 500.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from django_filters.views import FilterView

from ..choices import DeclarationStatus
from ..filters import ReviewQueueFilter
from ..forms.errors import add_service_error
from ..forms.review import PublishForm, ReturnForm
from ..models import Declaration, DeclarationAction
from ..people import full_name
from ..scoping import visible_to
from ..selectors.declarations import (
    declaration_grade_explained,
    declarations_with_parts,
    item_counts,
    pending_review,
    review_queue,
)
from ..selectors.lifecycle import attach_standard_updates, standard_updates, with_standard_updates
from ..selectors.timeline import declaration_timeline
from ..services.declarations import declaration_publish, declaration_return
from ..services.errors import WorkflowError
from .mixins import ForgivingPaginationMixin, ReviewerOnlyMixin

PAGE_SIZE = 50


def waited_days(declaration: Declaration, now) -> int:
    """Whole days since the declaration was submitted."""
    return (now - declaration.submitted_at).days if declaration.submitted_at else 0


class ReviewQueueView(ReviewerOnlyMixin, ForgivingPaginationMixin, FilterView):
    """The submitted declarations in the reviewer's scope, oldest first, 50 to a page."""

    model = Declaration
    filterset_class = ReviewQueueFilter
    template_name = "benchmarking/review/queue.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self) -> QuerySet[Declaration]:
        # each row's 对标标准已更新 mark, in the page's own query
        return with_standard_updates(review_queue(self.request.user))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        # why the marked rows are marked: a few queries for the whole page
        rows = attach_standard_updates(context["object_list"])
        for declaration in rows:
            declaration.waited_days = waited_days(declaration, now)
        context.update(
            object_list=rows,
            filter_errors=self.filterset.is_bound and not self.filterset.is_valid(),
            filtered=any(self.request.GET.get(name) for name in self.filterset.filters),
        )
        return context


class ReviewDetailView(ReviewerOnlyMixin, TemplateView):
    """One declaration as the reviewer decides on it: particulars, indicator table, evidence,
    history, and the publish and return forms while it is submitted."""

    template_name = "benchmarking/review/detail.html"

    def get_declaration(self) -> Declaration:
        # Scope first, then the lookup: another office's declaration is simply not there.
        queryset = with_standard_updates(declarations_with_parts(visible_to(self.request.user, Declaration)))
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        self.declaration = self.get_declaration()
        return super().get(request, *args, **kwargs)

    def next_in_queue(self, declaration: Declaration) -> int | None:
        """The declaration after this one in the queue; the oldest one when this one is not
        (or no longer) in it."""
        queue = pending_review(self.request.user).exclude(pk=declaration.pk)
        if declaration.status == DeclarationStatus.SUBMITTED and declaration.submitted_at:
            at = declaration.submitted_at
            queue = queue.filter(Q(submitted_at__gt=at) | Q(submitted_at=at, pk__gt=declaration.pk))
        return queue.values_list("pk", flat=True).first()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        declaration = self.declaration
        items = list(declaration.items.all())
        pending = declaration.status == DeclarationStatus.SUBMITTED
        context.update(
            declaration=declaration,
            items=items,
            counts=item_counts(items),
            grade_explained=declaration_grade_explained(declaration, items),
            evidence=list(declaration.evidence.all()),
            timeline=declaration_timeline(declaration),
            pending=pending,
            waited_days=waited_days(declaration, timezone.now()) if pending else None,
            next_pk=self.next_in_queue(declaration),
            standard_update=standard_updates([declaration]).get(declaration.pk),
        )
        if pending:
            context.setdefault("publish_form", PublishForm())
            context.setdefault("return_form", ReturnForm())
        return context


class _ReviewMoveView(ReviewDetailView):
    """POST one decision. A form error or a refusal by the service (any ValidationError) shows
    the detail page again with the error beside the form; a move someone else made first is a
    message."""

    http_method_names = ["post"]
    form_class: type[PublishForm] | type[ReturnForm]
    form_name: str  # its name in the detail page's context
    success_message: str  # lazy: translated in the language of each request

    def move(self, *, declaration: Declaration, actor, comment: str) -> Declaration:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        self.declaration = self.get_declaration()
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                moved = self.move(
                    declaration=self.declaration, actor=request.user, comment=form.comment_text()
                )
            except ValidationError as error:
                # Any refusal, not only the workflow's own (WorkflowError): a model's full_clean
                # inside the service says no with a plain ValidationError, often per field.
                code = getattr(error, "code", None)  # a per-field or list error has none
                if isinstance(error, WorkflowError) and code == "illegal_transition":
                    # Not submitted (any more): the page now shows it read-only, with its status.
                    messages.warning(request, self.not_pending_message(error))
                    return redirect("review-detail", pk=self.declaration.pk)
                if code == "reason_required" and "reason" in form.fields:
                    form.add_error("reason", error)
                else:
                    add_service_error(form, error)
            else:
                messages.success(request, str(self.success_message) % {"declaration": moved})
                return redirect("review-queue")
        return self.render_to_response(self.get_context_data(**{self.form_name: form}))

    def not_pending_message(self, error: WorkflowError) -> str:
        """Why nothing happened: another reviewer (or this one, in another tab) decided first,
        or the declaration never reached review (the service's own sentence)."""
        current = Declaration.objects.get(pk=self.declaration.pk)
        last_move = (
            current.events.exclude(action__in=[DeclarationAction.CREATE, DeclarationAction.SUBMIT])
            .select_related("actor")
            .order_by("at", "pk")
            .last()
        )
        if last_move is None:
            return error.messages[0]
        params = {"status": current.get_status_display()}
        if last_move.actor_id == self.request.user.pk:
            return _("您已处理过该声明（当前状态：%(status)s）。") % params
        params["actor"] = full_name(last_move.actor)
        return _("该声明已被其他工作人员处理（当前状态：%(status)s，操作人：%(actor)s）。") % params


class ReviewPublishView(_ReviewMoveView):
    form_class = PublishForm
    form_name = "publish_form"
    success_message = gettext_lazy("已发布：%(declaration)s")

    def move(self, *, declaration, actor, comment):
        return declaration_publish(declaration=declaration, actor=actor, comment=comment)


class ReviewReturnView(_ReviewMoveView):
    form_class = ReturnForm
    form_name = "return_form"
    success_message = gettext_lazy("已退回：%(declaration)s")

    def move(self, *, declaration, actor, comment):
        return declaration_return(declaration=declaration, actor=actor, comment=comment)
