"""The counting rules of the 千项计划 (shared/domain.md, "Counting rules").

This module is the one place they live: the dashboard, the trend, the lists'
"counted as of" filters, the reports and the tests all count through it.

- Schemes = published on or before T and not withdrawn by T.
- Results = declarations published on or before T and not withdrawn by T.
- Enterprises = distinct enterprises with at least one counted result.
- By branch office and industry: an enterprise and its results count under the
  enterprise's *current* office and industry; a scheme under its industry.
"""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Case, Count, Min, Q, QuerySet, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from ..models import Declaration, Enterprise, TechnicalScheme


def end_of_day(day: dt.date) -> dt.datetime:
    """ "As of a date" means the end of that Shanghai calendar day."""
    start_next = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)
    return timezone.make_aware(start_next, timezone.get_default_timezone()) - dt.timedelta(microseconds=1)


def instant(as_of: dt.datetime | dt.date | None) -> dt.datetime:
    """T as an aware instant: now, the instant given, or the end of the day given."""
    if as_of is None:
        return timezone.now()
    if isinstance(as_of, dt.datetime):
        return as_of
    return end_of_day(as_of)


def counted_q(as_of: dt.datetime | dt.date | None = None, prefix: str = "") -> Q:
    """Published on or before T and not withdrawn by T. Status is deliberately not
    consulted: a record withdrawn after T still counted at T."""
    at = instant(as_of)
    return Q(**{f"{prefix}published_at__lte": at}) & (
        Q(**{f"{prefix}withdrawn_at__isnull": True}) | Q(**{f"{prefix}withdrawn_at__gt": at})
    )


def _declarations_in(branch_office_id: int | None) -> QuerySet[Declaration]:
    declarations = Declaration.objects.all()
    if branch_office_id is not None:
        declarations = declarations.filter(enterprise__branch_office_id=branch_office_id)
    return declarations


def counted_schemes(as_of=None) -> QuerySet[TechnicalScheme]:
    return TechnicalScheme.objects.filter(counted_q(as_of))


def counted_declarations(as_of=None, *, branch_office_id: int | None = None) -> QuerySet[Declaration]:
    return _declarations_in(branch_office_id).filter(counted_q(as_of))


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


def progress_as_of(as_of=None, *, branch_office_id: int | None = None) -> Progress:
    """The three cumulative counts at instant (or end of day) T, for the city or one office.
    Schemes belong to no office: they are always the city's."""
    return progress_at([instant(as_of)], branch_office_id=branch_office_id)[0]


def progress_at(instants: Sequence[dt.datetime], *, branch_office_id: int | None = None) -> list[Progress]:
    """The counts at several instants in three queries, whatever the number of records."""
    keys = [f"t{i}" for i in range(len(instants))]
    schemes = TechnicalScheme.objects.aggregate(
        **{key: Count("pk", filter=counted_q(at)) for key, at in zip(keys, instants, strict=True)}
    )
    results = _declarations_in(branch_office_id).aggregate(
        **{key: Count("pk", filter=counted_q(at)) for key, at in zip(keys, instants, strict=True)}
    )
    enterprises = _declarations_in(branch_office_id).aggregate(
        **{
            key: Count("enterprise_id", distinct=True, filter=counted_q(at))
            for key, at in zip(keys, instants, strict=True)
        }
    )
    return [
        Progress(as_of=at, schemes=schemes[key], enterprises=enterprises[key], results=results[key])
        for key, at in zip(keys, instants, strict=True)
    ]


@dataclass(frozen=True)
class GroupCounts:
    """Counted records of one branch office or industry."""

    schemes: int = 0
    enterprises: int = 0
    results: int = 0


def counts_by_branch_office(as_of=None) -> dict[int, GroupCounts]:
    """Office id → counted enterprises and results, under each enterprise's current office."""
    rows = (
        Declaration.objects.filter(counted_q(as_of))
        .values("enterprise__branch_office_id")
        .annotate(enterprises=Count("enterprise_id", distinct=True), results=Count("pk"))
    )
    return {
        row["enterprise__branch_office_id"]: GroupCounts(
            enterprises=row["enterprises"], results=row["results"]
        )
        for row in rows
    }


def counts_by_industry(as_of=None, *, branch_office_id: int | None = None) -> dict[int, GroupCounts]:
    """Industry id → counted schemes (by the scheme's industry), enterprises and results
    (by the enterprise's current industry)."""
    schemes = dict(
        counted_schemes(as_of).values("industry_id").annotate(n=Count("pk")).values_list("industry_id", "n")
    )
    rows = (
        counted_declarations(as_of, branch_office_id=branch_office_id)
        .values("enterprise__industry_id")
        .annotate(enterprises=Count("enterprise_id", distinct=True), results=Count("pk"))
    )
    declared = {row["enterprise__industry_id"]: row for row in rows}
    return {
        industry_id: GroupCounts(
            schemes=schemes.get(industry_id, 0),
            enterprises=declared.get(industry_id, {}).get("enterprises", 0),
            results=declared.get(industry_id, {}).get("results", 0),
        )
        for industry_id in schemes.keys() | declared.keys()
    }


def _month_of(moment: dt.datetime) -> dt.date:
    local = timezone.localtime(moment)
    return dt.date(local.year, local.month, 1)


def monthly_progress(
    months: Sequence[dt.date], as_of=None, *, branch_office_id: int | None = None
) -> list[Progress]:
    """The counts at the end of each month in ``months`` (first days of months, ascending),
    the last one cut at T if T falls inside it. Four queries, whatever the number of months
    or records: each record is bucketed once by the month it was published and withdrawn in
    (Shanghai time), and the cumulative counts are summed up here.

    Equal, month for month, to ``progress_as_of(end of that month)`` — the tests check it.
    """
    at = instant(as_of)
    months = [m for m in months if m <= _month_of(at)]
    if not months:
        return []
    ends = [min(end_of_day(_last_day(m)), at) for m in months]
    # A withdrawal after T has not happened yet as of T.
    withdrawn_month = Case(When(withdrawn_at__lte=at, then=TruncMonth("withdrawn_at")), default=None)
    published_month = TruncMonth("published_at")

    def cumulative(rows) -> list[int]:
        """rows of (published month, withdrawn month or None, n) → count at each month end."""
        counts = [0] * len(months)
        for published, withdrawn, n in rows:
            for i, month in enumerate(months):
                if _as_date(published) <= month and (withdrawn is None or _as_date(withdrawn) > month):
                    counts[i] += n
        return counts

    def bucketed(queryset) -> list[tuple]:
        return list(
            queryset.filter(published_at__lte=at)
            .annotate(published_month=published_month, withdrawn_month=withdrawn_month)
            .values("published_month", "withdrawn_month")
            .annotate(n=Count("pk"))
            .values_list("published_month", "withdrawn_month", "n")
        )

    declarations = _declarations_in(branch_office_id)
    schemes = cumulative(bucketed(TechnicalScheme.objects.all()))
    results = cumulative(bucketed(declarations))
    enterprises = _enterprises_by_month(declarations.filter(published_at__lte=at), months, at)
    return [
        Progress(as_of=end, schemes=s, enterprises=e, results=r)
        for end, s, e, r in zip(ends, schemes, enterprises, results, strict=True)
    ]


def _enterprises_by_month(published: QuerySet[Declaration], months: list[dt.date], at) -> list[int]:
    """Distinct enterprises with a counted result at each month end.

    Most enterprises never had a result withdrawn: they count from the month of their
    first publication on, which SQL answers per enterprise. The few with a withdrawal
    may drop out and come back; their results are merged month by month here.
    """
    withdrawn_by_t = Q(withdrawn_at__lte=at)
    firsts = (
        published.values("enterprise_id")
        .annotate(first=Min(TruncMonth("published_at")), withdrawals=Count("pk", filter=withdrawn_by_t))
        .filter(withdrawals=0)
        .values_list("first", flat=True)
    )
    first_counts = Counter(_as_date(first) for first in firsts)
    counts = [sum(n for first, n in first_counts.items() if first <= month) for month in months]

    with_withdrawals = published.filter(withdrawn_by_t).values("enterprise_id")
    intervals: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for enterprise_id, published_at, withdrawn_at in published.filter(
        enterprise_id__in=with_withdrawals
    ).values_list("enterprise_id", "published_at", "withdrawn_at"):
        withdrawn = _month_of(withdrawn_at) if withdrawn_at and withdrawn_at <= at else None
        intervals[enterprise_id].append((_month_of(published_at), withdrawn))
    for spans in intervals.values():
        for i, month in enumerate(months):
            if any(start <= month and (end is None or end > month) for start, end in spans):
                counts[i] += 1
    return counts


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    # TruncMonth gives an aware datetime on some backends and a date-like value on others.
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date()
    return value


def _last_day(month: dt.date) -> dt.date:
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)
