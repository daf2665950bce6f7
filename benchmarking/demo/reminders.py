"""The demo's reminder digests: what the scheduled jobs wrote on the demo's last day
(``LAST_EVENT``) — each staff member's daily digest, each enterprise login's weekly one and each
manager's monthly summary of October — so the 提醒 page has something to show without a worker
running the calendar first. Written by the same service as the jobs (``send_digests``), dated
08:00 of that day, as the calendar would have; their mails are queued as the jobs queue them.
A second run writes nothing: a digest is once per user, kind and period."""

import datetime as dt

from ..choices import DigestKind
from ..models import Digest
from ..schedule import period_of
from ..services.digests import send_digests
from .specs import LAST_EVENT, SHANGHAI

DIGESTS_WRITTEN_AT = dt.datetime.combine(LAST_EVENT, dt.time(8), tzinfo=SHANGHAI)
# The monthly summary of the month before the demo's last day's (written on the 1st).
MONTHLY_WRITTEN_AT = DIGESTS_WRITTEN_AT.replace(day=1)


def seed_digests() -> int:
    """Write the demo's digests; returns how many were new."""
    written = 0
    for kind, every, at in (
        (DigestKind.STAFF, "day", DIGESTS_WRITTEN_AT),
        (DigestKind.ENTERPRISE, "week", DIGESTS_WRITTEN_AT),
        (DigestKind.MANAGER_MONTHLY, "month", MONTHLY_WRITTEN_AT),
    ):
        period = period_of(every, at)
        new = send_digests(kind=kind, period=period, now=at)
        if new:
            # created_at is set on insert (auto_now_add): date them as the calendar would have.
            Digest.objects.filter(kind=kind, period=period).update(created_at=at)
        written += new
    return written
