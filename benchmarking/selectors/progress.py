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

from django.core.cache import cache
from django.db import connection
from django.db.models import Case, Count, Min, Q, QuerySet, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from ..models import CountsVersion, Declaration, Enterprise, TechnicalScheme


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


# -- cached counts ----------------------------------------------------------------------

# How long computed counts stay in the cache. Any write that changes a count raises the counts
# version first (database triggers), so this bounds memory, not staleness.
COUNTS_CACHE_SECONDS = 600


def counts_version() -> int | None:
    """The current counts version (see models.CountsVersion); None if its row is missing."""
    # A plain statement: every cached page reads it, and the ORM would cost ten times the query.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {CountsVersion._meta.db_table} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


def cached_counts(key: str, compute, *, version: int | None = None):
    """``compute()``, cached under ``key`` at the counts version (read now unless given).

    The version is read before computing: a write that lands while computing stores newer
    figures under the older version, which readers of the newer version never ask for.
    """
    version = counts_version() if version is None else version
    if version is None:
        return compute()
    full_key = f"counts:{version}:{key}"
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, COUNTS_CACHE_SECONDS)
    return value


@dataclass(frozen=True)
class Progress:
    as_of: dt.datetime
    schemes: int
    enterprises: int
    results: int


@dataclass(frozen=True)
class GroupCounts:
    """Counted records of one branch office or industry."""

    schemes: int = 0
    enterprises: int = 0
    results: int = 0


def _grouped(inner: QuerySet, select: str, group_by: str, join: str = "") -> list[tuple]:
    """Rows of ``SELECT select FROM (inner) AS c [join] GROUP BY group_by``.

    Django aggregates rows but cannot aggregate its own aggregates; counting per enterprise
    first and then per office is what keeps the distinct-enterprise counts a single cheap
    pass at province scale (COUNT(DISTINCT …) per group sorts every group instead). The
    inner query is the ORM's own, so the counting rule stays ``counted_q``.
    """
    sql, params = inner.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {select} FROM ({sql}) AS c {join} GROUP BY {group_by}", params)
        return cursor.fetchall()


@dataclass(frozen=True)
class ProgressGrid:
    """Counted records at several instants, by branch office × industry: every total and
    breakdown of the dashboard, from two queries whatever the number of records."""

    instants: list[dt.datetime]
    # (office id, industry id) → (enterprises, results) at each instant, under the enterprise's
    # current office and industry.
    declared: dict[tuple[int, int], list[tuple[int, int]]]
    # industry id → counted schemes at each instant.
    schemes: dict[int, list[int]]

    def progress(self, i: int, *, branch_office_id: int | None = None) -> Progress:
        cells = [c[i] for (office, _), c in self.declared.items() if branch_office_id in (None, office)]
        return Progress(
            as_of=self.instants[i],
            schemes=sum(counts[i] for counts in self.schemes.values()),
            enterprises=sum(e for e, _ in cells),
            results=sum(r for _, r in cells),
        )

    def by_office(self, i: int) -> dict[int, GroupCounts]:
        totals: dict[int, GroupCounts] = {}
        for (office, _), counts in self.declared.items():
            e, r = counts[i]
            was = totals.get(office, GroupCounts())
            totals[office] = GroupCounts(enterprises=was.enterprises + e, results=was.results + r)
        return totals

    def by_industry(self, i: int, *, branch_office_id: int | None = None) -> dict[int, GroupCounts]:
        totals = {industry: GroupCounts(schemes=counts[i]) for industry, counts in self.schemes.items()}
        for (office, industry), counts in self.declared.items():
            if branch_office_id not in (None, office):
                continue
            e, r = counts[i]
            was = totals.get(industry, GroupCounts())
            totals[industry] = GroupCounts(
                schemes=was.schemes, enterprises=was.enterprises + e, results=was.results + r
            )
        return totals


def progress_grid(instants: Sequence[dt.datetime | dt.date | None]) -> ProgressGrid:
    """Counted schemes, enterprises and results at each instant (or end of day), by office × industry."""
    instants = [instant(at) for at in instants]
    keys = [f"n{i}" for i in range(len(instants))]
    per_enterprise = (
        Declaration.objects.filter(published_at__lte=max(instants))
        .values("enterprise_id")
        .annotate(**{key: Count("pk", filter=counted_q(at)) for key, at in zip(keys, instants, strict=True)})
        .order_by()
    )
    enterprise_table = connection.ops.quote_name(Enterprise._meta.db_table)
    select = ", ".join(
        ["e.branch_office_id", "e.industry_id"]
        + [f"SUM(CASE WHEN c.{key} > 0 THEN 1 ELSE 0 END), SUM(c.{key})" for key in keys]
    )
    declared = {
        (row[0], row[1]): [(int(row[2 + 2 * i]), int(row[3 + 2 * i])) for i in range(len(keys))]
        for row in _grouped(
            per_enterprise,
            select,
            "e.branch_office_id, e.industry_id",
            join=f"JOIN {enterprise_table} e ON e.id = c.enterprise_id",
        )
    }
    schemes = {
        row["industry_id"]: [row[key] for key in keys]
        for row in TechnicalScheme.objects.values("industry_id")
        .annotate(**{key: Count("pk", filter=counted_q(at)) for key, at in zip(keys, instants, strict=True)})
        .order_by()
    }
    return ProgressGrid(instants=instants, declared=declared, schemes=schemes)


def progress_as_of(as_of=None, *, branch_office_id: int | None = None) -> Progress:
    """The three cumulative counts at instant (or end of day) T, for the city or one office.
    Schemes belong to no office: they are always the city's."""
    return progress_at([as_of], branch_office_id=branch_office_id)[0]


def progress_at(instants: Sequence, *, branch_office_id: int | None = None) -> list[Progress]:
    """The counts at several instants, whatever the number of records, in two queries."""
    grid = progress_grid(instants)
    return [grid.progress(i, branch_office_id=branch_office_id) for i in range(len(grid.instants))]


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
            span = (_as_date(published), withdrawn and _as_date(withdrawn))
            for i, month in enumerate(months):
                if _counted_in(month, *span):
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
    never_withdrawn = (
        published.values("enterprise_id")
        .annotate(first_month=Min(TruncMonth("published_at")), withdrawals=Count("pk", filter=withdrawn_by_t))
        .filter(withdrawals=0)
        .order_by()
    )
    first_counts = Counter()
    for first, n in _grouped(never_withdrawn, "c.first_month, COUNT(*)", "c.first_month"):
        first_counts[_as_date(first)] += n
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
            if any(_counted_in(month, *span) for span in spans):
                counts[i] += 1
    return counts


def _counted_in(month: dt.date, published: dt.date, withdrawn: dt.date | None) -> bool:
    """Counted at the end of ``month``, for a record published and withdrawn in the months given:
    the counting rule (``counted_q``) at month granularity."""
    return published <= month and (withdrawn is None or withdrawn > month)


def _as_date(value: dt.date | dt.datetime | str) -> dt.date:
    # A truncated month as the database gives it: an aware or a local naive datetime, or, read
    # through a raw cursor on SQLite, the text "YYYY-MM-DD HH:MM:SS".
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date()
    return value


def _last_day(month: dt.date) -> dt.date:
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)
