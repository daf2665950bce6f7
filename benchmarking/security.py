"""Login throttling glue for django-axes: whose address a request comes from, the
Chinese lock-out page, and bureau staff's right to unlock in the admin.

Lock-out is per (username, address): repeated failures lock that username from that
address only, so colleagues behind one office NAT keep logging in.
"""

from django.conf import settings
from django.db.models import Max
from django.shortcuts import render

from .access import account_manager_group_names

# What bureau staff may do with django-axes' records in the admin: read the lock-outs
# and the failure log, and unlock someone by deleting their access attempt.
AXES_STAFF_PERMISSIONS = (
    "view_accessattempt",
    "delete_accessattempt",
    "view_accessfailurelog",
    "view_accesslog",
)


def client_ip_address(request) -> str | None:
    """The address the login came from.

    Behind ``DJANGO_TRUSTED_PROXY_COUNT`` reverse proxies that each append to
    X-Forwarded-For, it is the entry the outermost trusted proxy added; otherwise
    REMOTE_ADDR. Entries further left are whatever the client claimed and are never
    trusted, so a client cannot pick a fresh address to dodge its lock-out."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response=None, credentials=None):
    """The page shown instead of logging in while a username is locked from this address:
    what happened, when it unlocks by itself, and who can unlock it sooner."""
    from axes.helpers import get_client_username, get_cool_off
    from axes.models import AccessAttempt

    username = get_client_username(request, credentials) or ""
    ip_address = getattr(request, "axes_ip_address", None)
    cool_off = get_cool_off(request)
    # Failures while locked are not recorded (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT
    # is off), so the last recorded failure fixes the unlock time and trying again does not move it.
    last_failure = AccessAttempt.objects.filter(username=username, ip_address=ip_address).aggregate(
        last=Max("attempt_time")
    )["last"]
    unlocks_at = last_failure + cool_off if (last_failure and cool_off) else None
    context = {
        "username": username,
        "ip_address": ip_address,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cool_off_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
        "unlocks_at": unlocks_at,
    }
    return render(request, "registration/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


def grant_axes_permissions_to_bureau_staff(sender, using, apps=None, **kwargs):
    """post_migrate: let the group of those who manage accounts (``access.may_manage_accounts``:
    市局工作人员) use django-axes' admin to see and lift lock-outs. Idempotent; does nothing
    until both the group (benchmarking's data migration) and axes' permissions (created on
    axes' own post_migrate) exist.

    A signal rather than a data migration so the grant does not depend on the
    order in which the two apps' migrations are written or run."""
    if sender.label not in {"axes", "benchmarking"}:
        return
    if apps is None:
        # `flush` (run between transactional tests) sends post_migrate without a migration state.
        from django.apps import apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.using(using).filter(
        content_type__app_label="axes", codename__in=AXES_STAFF_PERMISSIONS
    )
    for group in Group.objects.using(using).filter(name__in=account_manager_group_names()):
        group.permissions.add(*permissions)
