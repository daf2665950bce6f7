"""Which network addresses may not log in just now: the limit per address across usernames
(docs/domain.md, "Logins"), counted from django-axes' failure log.

An address is limited while it has ``settings.LOGIN_ADDRESS_FAILURE_LIMIT`` failures within
the last ``settings.LOGIN_ADDRESS_WINDOW``, not counting failures up to the latest time bureau
staff lifted its limit (``AddressLimitLift``). Refused logins are not logged as failures (axes'
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT is off), so the limit lifts by itself when the
limit-th most recent failure leaves the window.
"""

import datetime as dt
from dataclasses import dataclass

from axes.models import AccessFailureLog
from django.conf import settings
from django.db.models import Count, Exists, F, Max, OuterRef, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from ..models import AddressLimitLift

__all__ = ["AddressLimit", "address_limit", "counted_failures", "limited_addresses", "recent_lifts"]


@dataclass(frozen=True)
class AddressLimit:
    """One limited address: its counted failures, how many usernames they tried, the last one,
    and when the limit lifts by itself (if nothing more is counted)."""

    ip_address: str
    unlocks_at: dt.datetime
    failures: int = 0
    usernames: int = 0
    last_failure: dt.datetime | None = None


def counted_failures(*, now: dt.datetime | None = None) -> QuerySet[AccessFailureLog]:
    """The failures that count towards their address's limit at ``now``: within the window,
    and after the address's latest lift."""
    now = now or timezone.now()
    lifted_since = AddressLimitLift.objects.filter(
        ip_address=OuterRef("ip_address"), lifted_at__gte=OuterRef("attempt_time")
    )
    return AccessFailureLog.objects.filter(
        ip_address__isnull=False,
        attempt_time__gt=now - settings.LOGIN_ADDRESS_WINDOW,
        attempt_time__lte=now,
    ).filter(~Exists(lifted_since))


def address_limit(ip_address: str | None, *, now: dt.datetime | None = None) -> AddressLimit | None:
    """The limit on ``ip_address`` at ``now``, or None when logins from it are not limited.
    One query, reading at most the limit's number of rows (asked on every login attempt)."""
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    if not ip_address or limit <= 0:
        return None
    times = list(
        counted_failures(now=now)
        .filter(ip_address=ip_address)
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)[:limit]
    )
    if len(times) < limit:
        return None
    return AddressLimit(
        ip_address=ip_address,
        unlocks_at=times[-1] + settings.LOGIN_ADDRESS_WINDOW,
        failures=len(times),
        last_failure=times[0],
    )


def limited_addresses(*, now: dt.datetime | None = None) -> list[AddressLimit]:
    """Every address limited at ``now``, the most recently failing first. Two queries, however
    many addresses: each one's limit-th most recent failure (which fixes when the limit lifts),
    then their counts."""
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    if limit <= 0:
        return []
    now = now or timezone.now()
    nth_latest = dict(
        counted_failures(now=now)
        .annotate(
            newest_first=Window(
                RowNumber(), partition_by=[F("ip_address")], order_by=F("attempt_time").desc()
            )
        )
        .filter(newest_first=limit)
        .values_list("ip_address", "attempt_time")
    )
    if not nth_latest:
        return []
    counts = (
        counted_failures(now=now)
        .filter(ip_address__in=list(nth_latest))
        .values("ip_address")
        .annotate(failures=Count("id"), usernames=Count("username", distinct=True), last=Max("attempt_time"))
        .order_by()
    )
    limits = [
        AddressLimit(
            ip_address=row["ip_address"],
            unlocks_at=nth_latest[row["ip_address"]] + settings.LOGIN_ADDRESS_WINDOW,
            failures=row["failures"],
            usernames=row["usernames"],
            last_failure=row["last"],
        )
        for row in counts
    ]
    return sorted(limits, key=lambda limit: (limit.last_failure, limit.ip_address), reverse=True)


def recent_lifts(*, count: int = 20) -> QuerySet[AddressLimitLift]:
    """The latest lifts, newest first, with who lifted each."""
    # lifted_by: the 解除人 column.
    return AddressLimitLift.objects.select_related("lifted_by").order_by("-lifted_at", "-pk")[:count]
