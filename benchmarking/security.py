"""Login throttling glue for django-axes: whose address a request comes from, the limit per
address across usernames, the Chinese lock-out page, and bureau staff's right to unlock in
the admin.

Lock-out is per (username, address): repeated failures lock that username from that
address only, so colleagues behind one office NAT keep logging in. Beside it, one address
failing with many usernames (password spraying) has all its logins refused for a while
(``AddressLimitingHandler``; docs/domain.md, "Logins").
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessFailureLog
from axes.signals import user_locked_out
from django.conf import settings
from django.db import router
from django.db.models import Max
from django.shortcuts import render

from .access import account_manager_group_names
from .selectors.logins import address_limit

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


class AddressLimitingHandler(AxesDatabaseHandler):
    """django-axes' database handler, plus the limit per address across usernames: an address
    with ``LOGIN_ADDRESS_FAILURE_LIMIT`` counted failures (``selectors.logins.address_limit``)
    is locked out whatever username it tries, and the failure that reaches the limit is
    answered with the lock-out page, as axes does for a username's last allowed failure."""

    def is_locked(self, request, credentials=None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return address_limit(getattr(request, "axes_ip_address", None)) is not None

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or request.axes_locked_out or self.is_whitelisted(request, credentials):
            return  # refused already (and so not logged), or never counted
        ip_address = request.axes_ip_address
        if address_limit(ip_address) is None:
            return
        username = get_client_username(request, credentials)
        request.axes_locked_out = True
        request.axes_credentials = credentials
        # The failure just logged is the one that locked the address out.
        latest = AccessFailureLog.objects.filter(ip_address=ip_address, username=username).order_by("-pk")
        AccessFailureLog.objects.filter(pk__in=latest.values("pk")[:1]).update(locked_out=True)
        user_locked_out.send("axes", request=request, username=username, ip_address=ip_address)


def lockout_response(request, original_response=None, credentials=None):
    """The page shown instead of logging in while a username is locked from this address, or
    the address itself is limited: what happened, when it unlocks by itself, and who can
    unlock it sooner."""
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt

    username = get_client_username(request, credentials) or ""
    ip_address = getattr(request, "axes_ip_address", None)
    limit = address_limit(ip_address)
    if limit is not None:
        context = {
            "address_limited": True,
            "ip_address": ip_address,
            "failure_limit": settings.LOGIN_ADDRESS_FAILURE_LIMIT,
            "window_minutes": int(settings.LOGIN_ADDRESS_WINDOW.total_seconds() // 60),
            "unlocks_at": limit.unlocks_at,
        }
        return render(
            request, "registration/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
        )
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
    if not router.allow_migrate_model(using, Group):
        return  # a database migrate leaves alone (the read replica), as Django's own handlers do
    permissions = Permission.objects.using(using).filter(
        content_type__app_label="axes", codename__in=AXES_STAFF_PERMISSIONS
    )
    for group in Group.objects.using(using).filter(name__in=account_manager_group_names()):
        group.permissions.add(*permissions)
