"""Shared view parts of the API: the permission classes of its three parts, and the JSON 404."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.exceptions import NotFound

from ..access import may_use_api_as_enterprise, may_use_api_as_staff


class StaffToken(permissions.BasePermission):
    """Staff (bureau, branch office, managers): what their pages show, no more."""

    message = _("这部分接口供监管部门工作人员使用：令牌所属用户不是工作人员。")

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and may_use_api_as_staff(request.user))


class EnterpriseToken(permissions.BasePermission):
    """An enterprise's users: their own enterprise's declarations."""

    message = _("这部分接口供企业用户使用：令牌所属用户不是企业用户。")

    def has_permission(self, request, view):
        return bool(
            request.user and request.user.is_authenticated and may_use_api_as_enterprise(request.user)
        )


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@authentication_classes([])
@permission_classes([])
def not_found(request, *args, **kwargs):
    raise NotFound(_("没有这个接口地址。接口说明见 /api/v1/docs/。"))
