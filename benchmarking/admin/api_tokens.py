"""API tokens in the admin: for reading only, by those who manage logins (``may_manage_accounts``),
for the logins in their scope. Tokens are made and revoked on the 接口令牌 pages, through
``services.api_tokens``; the admin never shows or changes a secret (only its hash is stored,
and that is not shown either)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..access import may_manage_accounts
from ..models import ApiToken
from .base import HistoryAdmin, ScopedAdminMixin

SHOWN_FIELDS = (
    "user",
    "name",
    "prefix",
    "created_at",
    "created_by",
    "expires_at",
    "last_used_at",
    "revoked_at",
    "revoked_by",
)


@admin.register(ApiToken)
class ApiTokenAdmin(ScopedAdminMixin, HistoryAdmin):
    list_display = ("user", "name", "prefix_shown", "created_at", "expires_at", "last_used_at", "revoked_at")
    # The user column.
    list_select_related = ("user",)
    list_filter = ("created_at", "expires_at", "revoked_at")
    search_fields = ("name", "prefix", "user__username", "user__first_name", "user__last_name")
    date_hierarchy = "created_at"
    fields = SHOWN_FIELDS
    readonly_fields = SHOWN_FIELDS

    @admin.display(description=_("令牌前缀"), ordering="prefix")
    def prefix_shown(self, token):
        return f"{token.prefix}…"

    def has_module_permission(self, request):
        return may_manage_accounts(request.user)

    def has_view_permission(self, request, obj=None):
        return may_manage_accounts(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
