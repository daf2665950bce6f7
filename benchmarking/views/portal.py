"""The enterprise portal: an enterprise user's own declarations, from choosing a scheme to
seeing the result published.

Every page reads through ``scoping.visible_to``, so another enterprise's declaration is a
404, and every write goes through the declaration services, which check the role and the
workflow again.
"""

from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView, TemplateView, View

from ..access import enterprise_id_of, is_enterprise_user
from ..choices import DeclarationStatus, SchemeStatus
from ..filters import PortalSchemeFilter
from ..forms.portal import INTENT_DRAFT, INTENT_SUBMIT, DeclarationForm
from ..models import Declaration, EditConflict, Enterprise, Indicator, TechnicalScheme
from ..scoping import visible_to
from ..selectors.declarations import (
    declaration_grade_explained,
    declarations_with_parts,
    item_counts,
    latest_return_events,
)
from ..selectors.lifecycle import current_revision, standard_updates, with_standard_updates
from ..selectors.portal import portal_overview, published_schemes_for
from ..selectors.timeline import declaration_timeline
from ..services.declarations import declaration_save_draft, declaration_submit
from ..services.declare_again import MAY_DECLARE_AGAIN, declaration_declare_again
from .mixins import ForgivingPaginationMixin


class EnterpriseUserMixin(AccessMixin):
    """The portal is for enterprise users: anonymous users go to the login page, staff get 403
    (their work is in the review queue and the admin)."""

    def dispatch(self, request, *args, **kwargs):
        if not is_enterprise_user(request.user) or enterprise_id_of(request.user) is None:
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)

    def own_declarations(self):
        return visible_to(self.request.user, Declaration)

    def get_enterprise(self) -> Enterprise:
        return visible_to(self.request.user, Enterprise).select_related("branch_office", "industry").get()


class PortalHomeView(EnterpriseUserMixin, TemplateView):
    """The enterprise's details, its declarations by status, and what needs its attention."""

    template_name = "benchmarking/portal/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(overview=portal_overview(self.request.user), **kwargs)


class SchemeChoiceView(EnterpriseUserMixin, ForgivingPaginationMixin, ListView):
    """Step 1 of a new declaration: find the published scheme the product is benchmarked by."""

    template_name = "benchmarking/portal/schemes.html"
    paginate_by = 20

    def get_queryset(self):
        schemes = published_schemes_for(self.request.user)
        data = self.request.GET.copy()
        # Opens on the enterprise's own industry, where its products' schemes are; choosing
        # 全部行业 sends an empty ``industry``, which widens to all (absent is not empty).
        self.own_industry_id = (
            visible_to(self.request.user, Enterprise).values_list("industry_id", flat=True).first()
        )
        if "industry" not in data and self.own_industry_id is not None:
            data["industry"] = str(self.own_industry_id)
        self.filterset = PortalSchemeFilter(data, queryset=schemes)
        return self.filterset.qs if self.filterset.is_valid() else schemes.none()

    def get_context_data(self, **kwargs):
        filter_errors = not self.filterset.is_valid()
        chosen = self.filterset.form.cleaned_data.get("industry") if not filter_errors else None
        widen = self.request.GET.copy()
        widen["industry"] = ""
        widen.pop("page", None)
        return super().get_context_data(
            filter=self.filterset,
            filter_errors=filter_errors,
            # Narrowed to the enterprise's own industry: say so, and offer every industry.
            narrowed_to=chosen if chosen is not None and chosen.pk == self.own_industry_id else None,
            widen_query=widen.urlencode(),
            **kwargs,
        )


class DeclarationFormMixin(EnterpriseUserMixin):
    """The create and edit pages share the form, its save and where it goes next."""

    template_name = "benchmarking/portal/form.html"
    declaration: Declaration | None = None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["indicators"] = Indicator.objects.filter(scheme=self.scheme).order_by("order", "pk")
        kwargs["declaration"] = self.declaration
        kwargs["intent"] = INTENT_SUBMIT if self.request.POST.get("intent") == INTENT_SUBMIT else INTENT_DRAFT
        return kwargs

    def get_form_class(self):
        return DeclarationForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(scheme=self.scheme, declaration=self.declaration, **kwargs)

    def form_valid(self, form):
        try:
            declaration = declaration_save_draft(
                actor=self.request.user,
                enterprise=self.get_enterprise(),
                scheme=self.scheme,
                declaration=self.declaration,
                standard_number=form.cleaned_data["standard_number"],
                standard_title=form.cleaned_data["standard_title"],
                values=form.values(),
                new_files=form.cleaned_data["evidence_files"],
                removed_evidence_ids=[e.pk for e in form.cleaned_data.get("remove_evidence") or ()],
                expected_version=form.cleaned_data.get("seen_version"),
                product_name=form.cleaned_data["product_name"],
                product_model=form.cleaned_data["product_model"],
                national_platform_url=form.cleaned_data["national_platform_url"],
            )
        except EditConflict:
            form.add_error(None, _("该声明已在别处被修改（可能在另一个窗口）。请刷新页面，核对后再保存。"))
            return self.form_invalid(form)
        except ValidationError as error:
            form.add_service_error(error)
            return self.form_invalid(form)
        if form.intent == INTENT_SUBMIT:
            return redirect("portal-declaration-submit", pk=declaration.pk)
        messages.success(self.request, _("草稿已保存。可随时修改，确认无误后提交审核。"))
        return redirect("portal-declaration-detail", pk=declaration.pk)

    def form_invalid(self, form):
        if self.request.FILES:
            # Browsers never refill a file input: say so, or the files seem to have been kept.
            messages.warning(self.request, _("页面有错误，本次选择的证明材料未保存，改正后请重新选择文件。"))
        return super().form_invalid(form)


class DeclarationCreateView(DeclarationFormMixin, FormView):
    """Step 2: the declaration form for the chosen scheme."""

    def get(self, request, *args, **kwargs):
        self.scheme = self._scheme(published=True)
        if self.scheme.superseded_at is not None:
            # An old link to a revised scheme: the form of its revision, and why.
            revision = current_revision(self.scheme)
            if revision is not None:
                messages.info(
                    request,
                    _("技术方案 %(code)s 已修订为 %(revision)s，请按修订后的方案声明。")
                    % {"code": self.scheme.code, "revision": revision.code},
                )
                return redirect("portal-declaration-create", revision.pk)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        # A scheme withdrawn since the form was opened still gets the form back, with the
        # service's reason above it and everything typed kept, rather than a bare 404.
        self.scheme = self._scheme(published=False)
        return super().post(request, *args, **kwargs)

    def _scheme(self, *, published: bool) -> TechnicalScheme:
        schemes = visible_to(self.request.user, TechnicalScheme).select_related("industry")
        if published:
            schemes = schemes.filter(status=SchemeStatus.PUBLISHED)
        return get_object_or_404(schemes, pk=self.kwargs["scheme_pk"])


class OwnDeclarationMixin(EnterpriseUserMixin):
    """A declaration of the user's own enterprise, with all its parts; any other is a 404."""

    def get_declaration(self) -> Declaration:
        # annotated with why its standard may be updated (对标标准已更新), in the same query
        declarations = with_standard_updates(declarations_with_parts(self.own_declarations()))
        return get_object_or_404(declarations, pk=self.kwargs["pk"])


class DeclarationEditView(OwnDeclarationMixin, DeclarationFormMixin, FormView):
    """Change a draft or a returned declaration. Submitted and published ones are not edited."""

    def get(self, request, *args, **kwargs):
        return self._load() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self._load() or super().post(request, *args, **kwargs)

    def _load(self):
        self.declaration = self.get_declaration()
        self.scheme = self.declaration.scheme
        if not self.declaration.is_editable:
            messages.error(
                self.request,
                _("“%(status)s”状态的声明不能修改。") % {"status": self.declaration.get_status_display()},
            )
            return redirect("portal-declaration-detail", pk=self.declaration.pk)
        return None


class DeclarationDetailView(OwnDeclarationMixin, DetailView):
    """One declaration: its particulars, the comparison per indicator, evidence and history."""

    template_name = "benchmarking/portal/detail.html"
    context_object_name = "declaration"

    def get_object(self, queryset=None):
        return self.get_declaration()

    def get_context_data(self, **kwargs):
        declaration = self.object
        items = declaration.items.all()
        return super().get_context_data(
            items=items,
            counts=item_counts(items),
            grade_explained=declaration_grade_explained(declaration, items),
            evidence=declaration.evidence.all(),
            timeline=declaration_timeline(declaration),
            return_event=latest_return_events([declaration]).get(declaration.pk),
            standard_update=standard_updates([declaration]).get(declaration.pk),
            may_declare_again=declaration.status in MAY_DECLARE_AGAIN,
            **kwargs,
        )


class DeclarationSubmitView(DeclarationDetailView):
    """Step 3: the comparison per indicator and the grade, shown once more; then submit."""

    template_name = "benchmarking/portal/submit.html"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not self.object.is_editable:
            return HttpResponseRedirect(reverse("portal-declaration-detail", args=[self.object.pk]))
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        # The move reads and locks the row itself; the page's parts are not needed to make it.
        declaration = get_object_or_404(self.own_declarations(), pk=self.kwargs["pk"])
        try:
            declaration_submit(declaration=declaration, actor=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("portal-declaration-detail", pk=declaration.pk)
        messages.success(request, _("已提交审核。审核结果将通过电子邮件通知，也可在本页查看。"))
        return redirect("portal-declaration-detail", pk=declaration.pk)


class DeclarationDeclareAgainView(OwnDeclarationMixin, View):
    """POST: a new draft of the same product against the revision of the declaration's scheme,
    opened for editing; the old declaration (and its result, if published) stays as it is."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        declaration = get_object_or_404(
            self.own_declarations().select_related("scheme", "enterprise", "executed_standard"),
            pk=self.kwargs["pk"],
        )
        try:
            again = declaration_declare_again(declaration=declaration, actor=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("portal-declaration-detail", pk=declaration.pk)
        draft = again.declaration
        if not again.created:
            # Pressed twice, or declared already: open what exists rather than refuse.
            messages.info(
                request,
                _("该产品已按修订后的方案“%(code)s”作出声明，已为您打开。") % {"code": draft.scheme.code},
            )
            editable = draft.status in (DeclarationStatus.DRAFT, DeclarationStatus.RETURNED)
            return redirect(
                "portal-declaration-edit" if editable else "portal-declaration-detail", pk=draft.pk
            )
        messages.success(
            request,
            _("已按修订后的方案“%(code)s”新建草稿，请填写各项指标后提交审核。原声明保持不变。")
            % {"code": draft.scheme.code},
        )
        if again.standard_replaced_by is not None:
            messages.info(
                request,
                _("原执行标准 %(old)s 已被代替，草稿中已改为 %(new)s，如有不同请修改。")
                % {"old": declaration.executed_standard.number, "new": again.standard_replaced_by.number},
            )
        return redirect("portal-declaration-edit", pk=draft.pk)
