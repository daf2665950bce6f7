"""The counting rules of the 千项计划 (shared/domain.md, "Counting rules").

This module is the one place they live: the dashboard, exports, trend and
tests all count through it.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from ..models import Declaration, Enterprise, TechnicalScheme


def end_of_day(day: dt.date) -> dt.datetime:
    """ "As of a date" means the end of that Shanghai calendar day."""
    start_next = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)
    return timezone.make_aware(start_next, timezone.get_default_timezone()) - dt.timedelta(microseconds=1)


def _instant(as_of: dt.datetime | dt.date | None) -> dt.datetime:
    if as_of is None:
        return timezone.now()
    if isinstance(as_of, dt.datetime):
        return as_of
    return end_of_day(as_of)


def counted_q(as_of: dt.datetime | dt.date | None = None, prefix: str = "") -> Q:
    """Published on or before T and not withdrawn by T. Status is deliberately not
    consulted: a record withdrawn after T still counted at T."""
    at = _instant(as_of)
    return Q(**{f"{prefix}published_at__lte": at}) & (
        Q(**{f"{prefix}withdrawn_at__isnull": True}) | Q(**{f"{prefix}withdrawn_at__gt": at})
    )


def counted_schemes(as_of=None) -> QuerySet[TechnicalScheme]:
    return TechnicalScheme.objects.filter(counted_q(as_of))


def counted_declarations(as_of=None) -> QuerySet[Declaration]:
    return Declaration.objects.filter(counted_q(as_of))


def benchmarked_enterprises(as_of=None) -> QuerySet[Enterprise]:
    """Distinct enterprises with at least one counted result."""
    return Enterprise.objects.filter(
        pk__in=Declaration.objects.filter(counted_q(as_of)).values("enterprise_id")
    )


@dataclass(frozen=True)
class Progress:
    as_of: dt.datetime
    schemes: int
    enterprises: int
    results: int


def progress_as_of(as_of: dt.datetime | dt.date | None = None) -> Progress:
    """The three cumulative counts of the plan at instant (or end of day) T."""
    at = _instant(as_of)
    return Progress(
        as_of=at,
        schemes=counted_schemes(at).count(),
        enterprises=benchmarked_enterprises(at).count(),
        results=counted_declarations(at).count(),
    )
