"""The 接口令牌 pages: a user's own API tokens (account/api-tokens/), and an enterprise's logins'
tokens for the staff who keep its records (enterprises/<id>/api-tokens/). Who may make and revoke
whose token is ``access.may_manage_tokens_of``, asked again by the services on every write.

A new token's secret is shown once: the POST that makes it keeps it in the (server-side) session
only until the page it redirects to pops it, and nothing keeps it after (only its hash is
stored). The pages are never cached, so going back does not show it again either."""

from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from ..access import may_enter_records, may_manage_tokens_of, may_use_api_as_enterprise
from ..forms.api_tokens import ApiTokenCreateForm, EnterpriseApiTokenCreateForm
from ..forms.errors import add_service_error
from ..models import ApiToken, Enterprise
from ..notifications import absolute_url
from ..scoping import editable_by
from ..selectors.api_tokens import (
    enterprise_token_users,
    token_of_enterprise,
    tokens_of,
    tokens_of_enterprise,
)
from ..services.api_tokens import api_token_create, api_token_revoke

# Where the new secret waits, in the session, for the one page that shows it.
NEW_SECRET_KEY = "api_token_new_secret"


def _example_path(user) -> str:
    """An address of the API's part the token's user works with, for the page's curl example."""
    return (
        "/api/v1/enterprise/declarations/"
        if may_use_api_as_enterprise(user)
        else "/api/v1/staff/enterprises/"
    )


def _pop_new_secret(request, tokens) -> dict | None:
    """The secret made by the POST before this GET, with its token (one of ``tokens``); once."""
    new = request.session.pop(NEW_SECRET_KEY, None)
    if not new:
        return None
    token = next((token for token in tokens if token.pk == new.get("token_id")), None)
    if token is None:
        return None
    return {
        "token": token,
        "secret": new["secret"],
        "example_url": absolute_url(_example_path(token.user)),
        "docs_url": absolute_url(reverse("api-docs")),
    }


def _create(request, form, *, user) -> bool:
    """Make the token the valid ``form`` asks for; True when made (its secret kept for the next
    page), False with the service's refusal put on the form (nothing written)."""
    try:
        token, secret = api_token_create(
            actor=request.user,
            user=user,
            name=form.cleaned_data["name"],
            valid_days=form.cleaned_data["valid_days"],
        )
    except ValidationError as error:
        add_service_error(form, error)
        return False
    request.session[NEW_SECRET_KEY] = {"token_id": token.pk, "secret": secret}
    return True


def _revoke(request, token: ApiToken) -> None:
    try:
        api_token_revoke(actor=request.user, token=token)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return
    messages.success(request, _("已吊销令牌“%(name)s”，使用它的请求将被拒绝。") % {"name": token.name})


@method_decorator(never_cache, name="dispatch")
class ApiTokenListView(AccessMixin, View):
    """The user's own tokens and the form for a new one: staff and enterprise users (whoever the
    API has a part for); anonymous users to the login, anyone else 403."""

    template_name = "benchmarking/api_tokens/list.html"

    def dispatch(self, request, *args, **kwargs):
        if not may_manage_tokens_of(request.user, request.user):
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return self.render(ApiTokenCreateForm())

    def post(self, request):
        form = ApiTokenCreateForm(request.POST)
        if form.is_valid() and _create(request, form, user=request.user):
            return redirect("api-tokens")
        return self.render(form)

    def render(self, form):
        tokens = tokens_of(self.request.user)
        context = {"tokens": tokens, "form": form, "new": _pop_new_secret(self.request, tokens)}
        return TemplateResponse(self.request, self.template_name, context)


@method_decorator(never_cache, name="dispatch")
class ApiTokenRevokeView(AccessMixin, View):
    """Revoke one of the user's own tokens (POST only). Anyone else's token is not there: 404."""

    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if not may_manage_tokens_of(request.user, request.user):
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, pk):
        _revoke(request, get_object_or_404(ApiToken, pk=pk, user=request.user))
        return redirect("api-tokens")


class EnterpriseTokensMixin(AccessMixin):
    """Staff who enter records (``may_enter_records``), for an enterprise they may change: the
    staff half of ``may_manage_tokens_of``. Anonymous users to the login, other roles 403, an
    enterprise outside the viewer's scope 404 (as its other pages)."""

    def dispatch(self, request, *args, **kwargs):
        if not may_enter_records(request.user):
            return self.handle_no_permission()
        if request.method.lower() not in self.http_method_names:
            # A GET of the revoke address says nothing of the enterprise, in scope or not.
            return self.http_method_not_allowed(request, *args, **kwargs)
        self.enterprise = get_object_or_404(editable_by(request.user, Enterprise), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


@method_decorator(never_cache, name="dispatch")
class EnterpriseApiTokenListView(EnterpriseTokensMixin, View):
    """The tokens of the enterprise's logins, and the form for a new one for any of them."""

    template_name = "benchmarking/api_tokens/enterprise.html"

    def get(self, request, pk):
        return self.render(self.make_form())

    def post(self, request, pk):
        form = self.make_form(request.POST)
        if form.is_valid() and _create(request, form, user=form.cleaned_data["user"]):
            return redirect("enterprise-api-tokens", pk=self.enterprise.pk)
        return self.render(form)

    def make_form(self, data=None):
        return EnterpriseApiTokenCreateForm(data, users=enterprise_token_users(self.enterprise))

    def render(self, form):
        tokens = tokens_of_enterprise(self.enterprise)
        context = {
            "enterprise": self.enterprise,
            "tokens": tokens,
            "form": form,
            "has_users": form.fields["user"].queryset.exists(),
            "new": _pop_new_secret(self.request, tokens),
        }
        return TemplateResponse(self.request, self.template_name, context)


@method_decorator(never_cache, name="dispatch")
class EnterpriseApiTokenRevokeView(EnterpriseTokensMixin, View):
    """Revoke a token of one of the enterprise's logins (POST only); any other token: 404."""

    http_method_names = ["post"]

    def post(self, request, pk, token_pk):
        token = token_of_enterprise(self.enterprise, token_pk)
        if token is None:
            raise Http404
        _revoke(request, token)
        return redirect("enterprise-api-tokens", pk=self.enterprise.pk)
