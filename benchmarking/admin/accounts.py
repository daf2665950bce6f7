from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from ..models import UserProfile
from .base import HistoryAdmin, ScopedAdminMixin

User = get_user_model()


class UserProfileInline(admin.StackedInline):
    model = UserProfile
    can_delete = False
    autocomplete_fields = ("enterprise",)
    fk_name = "user"


@admin.register(UserProfile)
class UserProfileAdmin(ScopedAdminMixin, HistoryAdmin):
    list_display = ("user", "branch_office", "enterprise")
    # user, branch_office and enterprise columns.
    list_select_related = ("user", "branch_office", "enterprise")
    list_filter = ("branch_office",)
    search_fields = ("user__username", "user__first_name", "enterprise__name", "enterprise__credit_code")
    autocomplete_fields = ("user", "enterprise")


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(ScopedAdminMixin, DjangoUserAdmin):
    """Django's user admin, with the user's branch office or enterprise on the same page."""

    inlines = (UserProfileInline,)
    list_display = ("username", "first_name", "email", "is_staff", "is_active", "last_login")
    list_filter = ("groups", "is_staff", "is_active")

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser makes superusers or grants single permissions; staff assign role groups.
        if not request.user.is_superuser:
            return ("is_superuser", "user_permissions", "last_login", "date_joined")
        return super().get_readonly_fields(request, obj)
