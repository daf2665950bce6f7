from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from ..access import may_manage_accounts
from ..models import UserProfile
from ..people import chinese_name
from ..selectors.logins import limited_addresses, recent_lifts
from ..selectors.regions import regions_to_place_in, served_county_codes
from ..services.logins import address_limit_lift
from .base import HistoryAdmin, ScopedAdminMixin
from .regions import CountyRegionAdminMixin, without_region_fields

User = get_user_model()

# The four permissions Django makes for every model. Their stored names are English sentences
# ("Can add 企业"), written once at migrate time, so no translation reaches them.
PERMISSION_ACTIONS = {
    "add": gettext_lazy("新增"),
    "change": gettext_lazy("修改"),
    "delete": gettext_lazy("删除"),
    "view": gettext_lazy("查看"),
}


def permission_label(permission: Permission) -> str:
    """How a permission reads where staff assign them: 对标达标 | 企业 | 新增. A permission
    of another kind keeps its own name. Needs ``content_type`` loaded (the admin selects it)."""
    action, _, model_name = permission.codename.partition("_")
    model = permission.content_type.model_class()
    if action in PERMISSION_ACTIONS and model is not None and model._meta.model_name == model_name:
        return f"{model._meta.app_config.verbose_name} | {model._meta.verbose_name} | {PERMISSION_ACTIONS[action]}"
    return str(permission)


class ChinesePermissionsMixin:
    """The permission selectors of the user and group pages, labelled by permission_label."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.related_model is Permission:
            field.label_from_instance = permission_label
        return field


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(ChinesePermissionsMixin, DjangoGroupAdmin):
    pass


class UserProfileInline(admin.StackedInline):
    model = UserProfile
    can_delete = False
    # region: a county, prefecture or province (one of 102), so searched.
    autocomplete_fields = ("enterprise", "region")
    fk_name = "user"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "region":
            # A county's bureau gives logins its county alone, never a level above its own.
            kwargs["queryset"] = regions_to_place_in(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_fieldsets(self, request, obj=None):
        # As CountyRegionAdminMixin: no region while one county is served (the profile keeps the
        # home county); shown, it stays required here, as nothing else would fill it in.
        fieldsets = super().get_fieldsets(request, obj)
        return fieldsets if len(served_county_codes()) > 1 else without_region_fields(fieldsets)


@admin.register(UserProfile)
class UserProfileAdmin(CountyRegionAdminMixin, ScopedAdminMixin, HistoryAdmin):
    list_display = ("user", "branch_office", "enterprise")
    # user, branch_office and enterprise columns.
    list_select_related = ("user", "branch_office", "enterprise")
    list_filter = ("branch_office",)
    search_fields = (
        "user__username",
        "user__first_name",
        "user__last_name",
        "enterprise__name",
        "enterprise__credit_code",
    )
    autocomplete_fields = ("user", "enterprise", "region")


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(ChinesePermissionsMixin, ScopedAdminMixin, DjangoUserAdmin):
    """Django's user admin, with the user's branch office or enterprise on the same page."""

    inlines = (UserProfileInline,)
    list_display = ("username", "name", "email", "is_staff", "is_active", "last_login")
    list_filter = ("groups", "is_staff", "is_active")

    @admin.display(description=gettext_lazy("姓名"), ordering="last_name")
    def name(self, user):
        return chinese_name(user)

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser makes superusers or grants single permissions; staff assign role groups.
        if not request.user.is_superuser:
            return ("is_superuser", "user_permissions", "last_login", "date_joined")
        return super().get_readonly_fields(request, obj)

    # -- network addresses whose logins are limited (docs/domain.md, "Logins") --

    def get_urls(self):
        # Before the admin's own patterns: its "<path:object_id>/" would swallow this one.
        return [
            path(
                "address-limits/",
                self.admin_site.admin_view(self.address_limits_view),
                name="auth_user_address_limits",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        # The object-tools link to the limited addresses, for those who may lift them.
        extra_context = {
            **(extra_context or {}),
            "may_lift_address_limits": may_manage_accounts(request.user),
        }
        return super().changelist_view(request, extra_context)

    def address_limits_view(self, request):
        """The addresses whose logins are limited just now, each with a button lifting its
        limit, and the latest lifts (who, when)."""
        if not may_manage_accounts(request.user):
            raise PermissionDenied
        if request.method == "POST":
            try:
                lift = address_limit_lift(ip_address=request.POST.get("ip_address", ""), actor=request.user)
            except ValidationError as error:
                self.message_user(request, "；".join(error.messages), messages.ERROR)
            else:
                message = gettext("已解除网络地址 %(address)s 的登录限制，来自该地址的登录现在可以进行。") % {
                    "address": lift.ip_address
                }
                self.message_user(request, message, messages.SUCCESS)
            return HttpResponseRedirect(request.path)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("受限的网络地址"),
            "opts": self.opts,
            "limits": limited_addresses(),
            "lifts": recent_lifts(),
            "failure_limit": settings.LOGIN_ADDRESS_FAILURE_LIMIT,
            "window_minutes": int(settings.LOGIN_ADDRESS_WINDOW.total_seconds() // 60),
            "now": timezone.now(),
        }
        return TemplateResponse(request, "admin/auth/user/address_limits.html", context)
