"""The counting rules of the 千项计划 (docs/domain.md, "Counting").

This module is the one place they live: the dashboard, the trend, the lists'
"counted as of" filters and per-row counts, the reports and the tests all count through it.

- Schemes = published on or before T and not withdrawn by T.
- Results = declarations published on or before T and not withdrawn by T.
- Enterprises = distinct enterprises with at least one counted result.
- By branch office and industry: an enterprise and its results count under the
  enterprise's *current* office and industry; a scheme under its industry.
- By region (a ``RegionScope``: a county, or the counties under a prefecture or the province):
  an enterprise and its results count in the enterprise's *current* county
  (``enterprise__region``), a scheme in its publisher's (``publisher_region``). A region's
  figures are the sum of its counties'; ``region=None`` counts every county, as one county's
  deployment always has. ``figures_by_county`` reads every county's at once.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate

from django.core.cache import cache
from django.db import connection, connections, router
from django.db.models import (
    Case,
    Count,
    Expression,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from ..models import CountsVersion, Declaration, Enterprise, TechnicalScheme
from ..regions import RegionScope, spans_the_whole_tree


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


def scheme_counted_q(as_of: dt.datetime | dt.date | None = None) -> Q:
    """A scheme counts as ``counted_q`` says, and until its revision is published: a revised
    scheme and its revision count once between them (docs/domain.md "Standards over time")."""
    at = instant(as_of)
    return counted_q(at) & (Q(superseded_at__isnull=True) | Q(superseded_at__gt=at))


def _scheme_stops_counting():
    """When a scheme stops counting: the earlier of its withdrawal and its supersession (NULL:
    neither). Each Coalesce stands in for the other when one is NULL, as SQLite's MIN() and
    PostgreSQL's LEAST() treat NULL differently."""
    return Least(
        Coalesce(F("withdrawn_at"), F("superseded_at")), Coalesce(F("superseded_at"), F("withdrawn_at"))
    )


def _narrowing(region: RegionScope | None) -> RegionScope | None:
    """The region a count must filter by: None where it spans every region stored, since every
    record's county is then in it and the filter (a join and a LIKE on every row) keeps them all."""
    if region is None or region.is_county or not spans_the_whole_tree(region.code):
        return region
    return None


def _declarations_in(
    branch_office_id: int | None, region: RegionScope | None = None
) -> QuerySet[Declaration]:
    """Declarations of one office's enterprises, or of one region's (the enterprise's county)."""
    declarations = Declaration.objects.all()
    if branch_office_id is not None:
        declarations = declarations.filter(enterprise__branch_office_id=branch_office_id)
    region = _narrowing(region)
    if region is not None:
        declarations = declarations.filter(region.q("enterprise__region"))
    return declarations


def _schemes_in(region: RegionScope | None = None) -> QuerySet[TechnicalScheme]:
    """Schemes published by one region's bureaus (its counties'), or by any."""
    schemes = TechnicalScheme.objects.all()
    region = _narrowing(region)
    return schemes if region is None else schemes.filter(region.q("publisher_region"))


def counted_schemes(as_of=None, *, region: RegionScope | None = None) -> QuerySet[TechnicalScheme]:
    return _schemes_in(region).filter(scheme_counted_q(as_of))


def counted_declarations(
    as_of=None, *, branch_office_id: int | None = None, region: RegionScope | None = None
) -> QuerySet[Declaration]:
    return _declarations_in(branch_office_id, region).filter(counted_q(as_of))


def benchmarked_enterprises(as_of=None, *, region: RegionScope | None = None) -> QuerySet[Enterprise]:
    """Distinct enterprises with at least one counted result (of the region, if given)."""
    enterprises = Enterprise.objects.filter(
        pk__in=Declaration.objects.filter(counted_q(as_of)).values("enterprise_id")
    )
    region = _narrowing(region)
    return enterprises if region is None else enterprises.filter(region.q("region"))


# -- records entered after the day they count on ---------------------------------------


def entered_after_q(day: dt.date, prefix: str = "") -> Q:
    """Entered (created in the tracker) after the end of ``day``."""
    return Q(**{f"{prefix}created_at__gt": end_of_day(day)})


@dataclass(frozen=True)
class EnteredLater:
    """What records entered after a day changed in that day's figures: the results and
    schemes that count on it although entered since (historic records imported later), and
    the enterprises counted on it only through such results."""

    day: dt.date
    results: int = 0
    schemes: int = 0
    enterprises: int = 0

    @property
    def records(self) -> int:
        return self.results + self.schemes


def entered_later(
    day: dt.date, *, branch_office_id: int | None = None, region: RegionScope | None = None
) -> EnteredLater:
    """The records created after ``day`` that count as of it (``counted_q``): its figures as
    read now differ from what a report made that day showed. Moves made in the tracker are
    stamped when made (``services.errors.move_moment``), so only records entered after the
    fact (the historic import) can be among them. Two queries; none for today or later."""
    if day >= timezone.localdate():
        return EnteredLater(day=day)
    at = end_of_day(day)
    # Per enterprise: its results counted on the day, entered by then and entered since.
    per_enterprise = (
        _declarations_in(branch_office_id, region)
        .filter(counted_q(at))
        .values("enterprise_id")
        .annotate(
            early=Count("pk", filter=~entered_after_q(day)),
            late=Count("pk", filter=entered_after_q(day)),
        )
        .filter(late__gt=0)
        .order_by()
    )
    declared = per_enterprise.aggregate(
        results=Coalesce(Sum("late"), 0), enterprises=Count("enterprise_id", filter=Q(early=0))
    )
    schemes = counted_schemes(at, region=region).filter(entered_after_q(day)).count()
    return EnteredLater(
        day=day, results=declared["results"], schemes=schemes, enterprises=declared["enterprises"]
    )


# -- per-row counts of the lists --------------------------------------------------------


def _counted_results_per_row(declarations: QuerySet[Declaration], as_of, via: str) -> Coalesce:
    """The counted results among ``declarations`` whose ``via`` (scheme, enterprise) is the
    outer row. A scalar subquery per row, not a join and GROUP BY over every row: a list page
    is then read off its own index and the count runs for its 50 rows only, and the
    paginator's COUNT(*) drops the unused annotation instead of joining declarations."""
    counted = (
        declarations.filter(counted_q(as_of), **{via: OuterRef("pk")})
        .order_by()
        .values(via)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def schemes_with_counted_results(
    schemes: QuerySet[TechnicalScheme], *, declarations: QuerySet[Declaration], as_of=None
) -> QuerySet[TechnicalScheme]:
    """Each scheme annotated with ``counted_results``: its results counted at T, among
    ``declarations`` (those the reader may see: branch-office staff count their office's share)."""
    return schemes.annotate(counted_results=_counted_results_per_row(declarations, as_of, "scheme"))


def enterprises_with_counted_results(enterprises: QuerySet[Enterprise], as_of=None) -> QuerySet[Enterprise]:
    """Each enterprise annotated with ``counted_results``: its results counted at T. All of
    them: whoever may see an enterprise may see its declarations (their scope is its scope)."""
    return enterprises.annotate(
        counted_results=_counted_results_per_row(Declaration.objects.all(), as_of, "enterprise")
    )


# -- cached counts ----------------------------------------------------------------------

# How long computed counts stay in the cache. Any write that changes a count raises the counts
# version first (database triggers), so this bounds memory, not staleness.
COUNTS_CACHE_SECONDS = 600


def counts_version() -> int | None:
    """The current counts version (see models.CountsVersion); None if its row is missing."""
    # A plain statement: every cached page reads it, and the ORM would cost ten times the query.
    # On the database the ORM reads from: inside a page that reads the replica (yongkang.db_routers)
    # that is the replica, so the version and the figures cached under it come from one copy.
    with connections[router.db_for_read(CountsVersion)].cursor() as cursor:
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
    # Run where the ORM would run the inner query (the replica, in a page that reads it).
    using = inner.db
    sql, params = inner.query.get_compiler(using=using).as_sql()
    with connections[using].cursor() as cursor:
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
    # Given trend ends (see ``trend_ends``), read in the same pass for ``monthly_progress``:
    # office id → how many of its enterprises with no result withdrawn by the first instant were
    # first counted at each end; and each enterprise with one: enterprise id → (office id, the
    # end from which its results not withdrawn by then count, ``len(trend_ends)`` if none).
    trend_ends: list[dt.datetime] = field(default_factory=list)
    first_counted: dict[int, list[int]] = field(default_factory=dict)
    withdrawing: dict[int, tuple[int, int]] = field(default_factory=dict)
    # (end at which published, end at which withdrawn; see ``_spans``) → schemes.
    scheme_spans: dict[tuple[int, int], int] = field(default_factory=dict)
    # The region counted (None: every county).
    region: RegionScope | None = None

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


def progress_grid(
    instants: Sequence[dt.datetime | dt.date | None],
    *,
    trend_ends: Sequence[dt.datetime] = (),
    region: RegionScope | None = None,
) -> ProgressGrid:
    """Counted schemes, enterprises and results at each instant (or end of day), by office × industry,
    of one region (its enterprises' results, its bureaus' schemes) or of every county.

    With ``trend_ends`` (ascending, none after the first instant) the same two queries also bucket
    each enterprise by the end from which it counts, and each scheme by the ends at which it was
    published and withdrawn, for ``monthly_progress``.
    """
    instants = [instant(at) for at in instants]
    keys = [f"n{i}" for i in range(len(instants))]
    declared, first_counted, withdrawing = _declared_grid(instants, list(trend_ends), region)
    scheme_rows = _schemes_in(region)
    if trend_ends:
        scheme_rows = _spans(scheme_rows, trend_ends, stops=_scheme_stops_counting())
    schemes: dict[int, list[int]] = {}
    scheme_spans: dict[tuple[int, int], int] = {}
    for row in (
        scheme_rows.values("industry_id", *(["published", "withdrawn"] if trend_ends else []))
        .annotate(
            n=Count("pk"),
            **{key: Count("pk", filter=scheme_counted_q(at)) for key, at in zip(keys, instants, strict=True)},
        )
        .order_by()
    ):
        was = schemes.get(row["industry_id"], [0] * len(keys))
        schemes[row["industry_id"]] = [n + row[key] for n, key in zip(was, keys, strict=True)]
        if trend_ends:
            span = (row["published"], row["withdrawn"])
            scheme_spans[span] = scheme_spans.get(span, 0) + row["n"]
    return ProgressGrid(
        instants=instants,
        declared=declared,
        schemes=schemes,
        trend_ends=list(trend_ends),
        first_counted=first_counted,
        withdrawing=withdrawing,
        scheme_spans=scheme_spans,
        region=region,
    )


def _declared_grid(
    instants: list[dt.datetime],
    ends: list[dt.datetime],
    region: RegionScope | None = None,
    *,
    by_office: bool = True,
) -> tuple[dict, dict, dict]:
    """``ProgressGrid.declared``, ``first_counted`` and ``withdrawing``: one pass over the
    declarations (of the region's enterprises, if given), counted per enterprise at each instant,
    then per office × industry (and, given trend ends, the end from which each counts; an
    enterprise with a withdrawal by itself). Without ``by_office`` (a trend of a whole county or
    region, given ends) every office and industry is one group, keyed (None, None): a province's
    pass then sums a few dozen groups, not one per office × industry × month (20,000 of them)."""
    office_columns = ["e.branch_office_id", "e.industry_id"] if by_office else []
    columns = [*office_columns, *(["c.first_counted", "c.withdrawing"] if ends else [])]
    if not columns:
        raise ValueError("a pass that is neither by office nor by month has nothing to group by")
    declared: dict[tuple[int, int], list[tuple[int, int]]] = {}
    first_counted: dict[int, list[int]] = {}
    withdrawing: dict[int, tuple[int, int]] = {}
    k = len(office_columns)
    for row in _per_enterprise_rows(instants, ends, columns, region, join_enterprise=by_office):
        office, industry = (row[0], row[1]) if by_office else (None, None)
        enterprises = row[len(columns)]
        cell = row[len(columns) + 1]
        was = declared.get((office, industry))
        declared[(office, industry)] = (
            cell if was is None else [(e + e2, r + r2) for (e, r), (e2, r2) in zip(was, cell, strict=True)]
        )
        if not ends:
            continue
        bucket, enterprise_id = row[k], row[k + 1]
        if enterprise_id is not None:
            withdrawing[enterprise_id] = (office, bucket)
        elif bucket < len(ends):
            first_counted.setdefault(office, [0] * len(ends))[bucket] += enterprises
    return declared, first_counted, withdrawing


def _per_enterprise_rows(
    instants: list[dt.datetime],
    ends: list[dt.datetime],
    columns: list[str],
    region: RegionScope | None = None,
    *,
    join_enterprise: bool = True,
) -> list[tuple]:
    """The one pass over the declarations: counted per enterprise at each instant (and, given
    trend ends, the end from which each enterprise counts, ``c.first_counted``, and its id if it
    has a withdrawal, ``c.withdrawing``), then grouped by ``columns`` of the enterprise (``e``) or
    of that count (``c``). Each row: the columns, the enterprises in the group, and a list of
    (enterprises, results) counted at each instant."""
    keys = [f"n{i}" for i in range(len(instants))]
    per_enterprise = (
        _declarations_in(None, region)
        .filter(published_at__lte=max(instants))
        .values("enterprise_id")
        .annotate(**{key: Count("pk", filter=counted_q(at)) for key, at in zip(keys, instants, strict=True)})
        .order_by()
    )
    if ends:
        at = instants[0]
        # An enterprise counts from the end following the first publication of a result not
        # withdrawn by T on. One with a result withdrawn by T may also have counted before, drop
        # out and come back: monthly_progress adds those few withdrawals, one by one.
        per_enterprise = per_enterprise.annotate(
            first_kept=Min("published_at", filter=counted_q(at)),
            withdrawals=Count("pk", filter=Q(published_at__lte=at, withdrawn_at__lte=at)),
        ).annotate(
            first_counted=_Bucket(F("first_kept"), ends),
            withdrawing=Case(When(withdrawals__gt=0, then=F("enterprise_id")), default=Value(None)),
        )
    enterprise_table = connection.ops.quote_name(Enterprise._meta.db_table)
    # Integer sums: PostgreSQL sums bigint COUNTs as numeric, whose wide state makes it sort the
    # few hundred groups (a third of the query) where it can hash them.
    select = ", ".join(
        [*columns, "COUNT(*)"]
        + [f"SUM(CASE WHEN c.{key} > 0 THEN 1 ELSE 0 END), SUM(CAST(c.{key} AS INTEGER))" for key in keys]
    )
    rows = _grouped(
        per_enterprise,
        select,
        ", ".join(columns),
        join=f"JOIN {enterprise_table} e ON e.id = c.enterprise_id" if join_enterprise else "",
    )
    n = len(columns)
    return [
        (
            *row[: n + 1],
            [(int(row[n + 1 + 2 * i]), int(row[n + 2 + 2 * i])) for i in range(len(keys))],
        )
        for row in rows
    ]


def progress_as_of(
    as_of=None, *, branch_office_id: int | None = None, region: RegionScope | None = None
) -> Progress:
    """The three cumulative counts at instant (or end of day) T, for every county, one region or
    one office. Schemes belong to no office: they are always the county's (the region's)."""
    return progress_at([as_of], branch_office_id=branch_office_id, region=region)[0]


def progress_at(
    instants: Sequence, *, branch_office_id: int | None = None, region: RegionScope | None = None
) -> list[Progress]:
    """The counts at several instants, whatever the number of records, in two queries."""
    grid = progress_grid(instants, region=region)
    return [grid.progress(i, branch_office_id=branch_office_id) for i in range(len(grid.instants))]


def figures_by_county(instants: Sequence[dt.datetime | dt.date | None]) -> dict[str, list[Progress]]:
    """The three figures of every county at each instant (or end of day): county code → one
    ``Progress`` per instant. Two queries whatever the number of counties or records: the
    per-enterprise pass of ``progress_grid`` grouped by the enterprise's county, and the schemes
    by their publisher's. A county with nothing counted at any instant may be missing (read it as
    zeros); each county's figures equal ``progress_at(instants, region=RegionScope(code))``."""
    instants = [instant(at) for at in instants]
    keys = [f"n{i}" for i in range(len(instants))]
    declared: dict[str, list[tuple[int, int]]] = {}
    for region_id, _, cell in _per_enterprise_rows(instants, [], ["e.region_id"]):
        declared[region_id] = cell
    schemes: dict[str, list[int]] = {}
    for row in (
        TechnicalScheme.objects.values("publisher_region_id")
        .annotate(
            **{key: Count("pk", filter=scheme_counted_q(at)) for key, at in zip(keys, instants, strict=True)}
        )
        .order_by()
    ):
        schemes[row["publisher_region_id"]] = [row[key] for key in keys]
    zeros_declared = [(0, 0)] * len(keys)
    zeros_schemes = [0] * len(keys)
    return {
        code: [
            Progress(as_of=at, schemes=s, enterprises=e, results=r)
            for at, s, (e, r) in zip(
                instants,
                schemes.get(code, zeros_schemes),
                declared.get(code, zeros_declared),
                strict=True,
            )
        ]
        for code in declared.keys() | schemes.keys()
        if code is not None
    }


def _month_of(moment: dt.datetime) -> dt.date:
    local = timezone.localtime(moment)
    return dt.date(local.year, local.month, 1)


def trend_ends(months: Sequence[dt.date], as_of=None) -> list[dt.datetime]:
    """The instants of the trend's points: the end of each month in ``months`` (first days of
    months, ascending) up to the one T falls in, that last one cut at T."""
    at = instant(as_of)
    return [min(end_of_day(_last_day(m)), at) for m in months if m <= _month_of(at)]


def monthly_progress(
    months: Sequence[dt.date],
    as_of=None,
    *,
    branch_office_id: int | None = None,
    region: RegionScope | None = None,
    grid: ProgressGrid | None = None,
) -> list[Progress]:
    """The counts at the end of each month in ``months`` (first days of months, ascending),
    the last one cut at T if T falls inside it (``trend_ends``). Four queries, whatever the
    number of months or records, or two given a ``progress_grid`` read at T with these ends:
    each record is bucketed once, in SQL, by the first end at which it counts and the first at
    which it no longer does, and the cumulative counts are summed up here.

    Equal, month for month, to ``progress_as_of(end of that month)`` — the tests check it. A
    ``grid`` given must be of the same ``region``.
    """
    at = instant(as_of)
    ends = trend_ends(months, at)
    if not ends:
        return []
    if grid is None or grid.instants[0] != at or grid.trend_ends != ends or grid.region != region:
        # By office only for one office's trend: otherwise every office is one group.
        _, first_counted, withdrawing = _declared_grid(
            [at], ends, region, by_office=branch_office_id is not None
        )
        scheme_spans = (
            _spans(_schemes_in(region), ends, stops=_scheme_stops_counting())
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("published", "withdrawn", "n")
        )
    else:
        first_counted, withdrawing = grid.first_counted, grid.withdrawing
        scheme_spans = [(*span, n) for span, n in grid.scheme_spans.items()]
    declarations = _declarations_in(branch_office_id, region).filter(published_at__lte=at)

    schemes = [0] * (len(ends) + 1)
    for published, withdrawn, n in scheme_spans:
        # A scheme not published by T (or a draft) is "published" at len(ends): it never counts.
        _count_span(schemes, published, withdrawn, n)

    # Every published result counts from its end on; a withdrawn one stops counting at its
    # withdrawal's. Withdrawals are few, read by themselves (an index on the two dates): each
    # enterprise with one counts while any of its results does (it may drop out and come back).
    results = [0] * (len(ends) + 1)
    published_counts = (
        declarations.annotate(published=_Bucket(F("published_at"), ends))
        .values("published")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("published", "n")
    )
    for published, n in published_counts:
        results[published] += n
    enterprises = [0] * (len(ends) + 1)
    for office, counts in first_counted.items():
        if branch_office_id in (None, office):
            for i, n in enumerate(counts):
                enterprises[i] += n
    spans = {
        enterprise_id: [(kept, len(ends))]
        for enterprise_id, (office, kept) in withdrawing.items()
        if branch_office_id in (None, office)
    }
    withdrawn = _declarations_in(None, region).filter(published_at__lte=at, withdrawn_at__lte=at)
    for enterprise_id, published, withdrawn_end in (
        _spans(withdrawn, ends).order_by().values_list("enterprise_id", "published", "withdrawn")
    ):
        if enterprise_id in spans:
            # Counted from its publication's end above; no longer from its withdrawal's on.
            results[max(published, withdrawn_end)] -= 1
            spans[enterprise_id].append((published, withdrawn_end))
    for enterprise_spans in spans.values():
        _count_union(enterprises, enterprise_spans)

    return [
        Progress(as_of=end, schemes=s, enterprises=e, results=r)
        for end, s, e, r in zip(
            ends, accumulate(schemes), accumulate(enterprises), accumulate(results), strict=False
        )
    ]


class _Bucket(Expression):
    """How many of ``ends`` (ascending instants) come before ``value``: the index of the first
    end at which a record dated ``value`` has happened, ``len(ends)`` when it is NULL or later.

    A balanced CASE: log2(len(ends)) comparisons of the stored instant per row, where truncating
    it to a local month would convert every row's time zone (three times the cost on PostgreSQL).
    Written out here rather than as nested ``Case``/``When``, which Django takes tens of
    milliseconds to build and compile at three dozen ends.
    """

    output_field = IntegerField()

    def __init__(self, value, ends: Sequence[dt.datetime]):
        super().__init__()
        self.value = value
        self.ends = tuple(ends)

    def get_source_expressions(self):
        return [self.value]

    def set_source_expressions(self, exprs):
        (self.value,) = exprs

    def as_sql(self, compiler, connection):
        value_sql, value_params = compiler.compile(self.value)
        ends = [connection.ops.adapt_datetimefield_value(end) for end in self.ends]

        def within(low: int, high: int) -> tuple[str, list]:
            if low == high:
                return str(low), []
            middle = (low + high + 1) // 2
            before_sql, before_params = within(low, middle - 1)
            after_sql, after_params = within(middle, high)
            return (
                f"CASE WHEN {value_sql} <= %s THEN {before_sql} ELSE {after_sql} END",
                [*value_params, ends[middle - 1], *before_params, *after_params],
            )

        return within(0, len(ends))


def _spans(queryset: QuerySet, ends: Sequence[dt.datetime], *, stops=None) -> QuerySet:
    """``queryset`` with ``published`` and ``withdrawn``: the first end at which each record is
    published, and at which it stops counting (``stops``, by default its withdrawal;
    ``len(ends)``: not by the last end). The counting rule (``counted_q``) at end i is then
    published <= i < withdrawn."""
    return queryset.annotate(
        published=_Bucket(F("published_at"), ends), withdrawn=_Bucket(stops or F("withdrawn_at"), ends)
    ).values("published", "withdrawn")


def _count_span(steps: list[int], published: int, withdrawn: int, n: int = 1) -> None:
    """Add ``n`` records counted from end ``published`` until end ``withdrawn`` to ``steps``
    (each end's change from the one before)."""
    if published < withdrawn:
        steps[published] += n
        steps[withdrawn] -= n


def _count_union(steps: list[int], spans: list[tuple[int, int]]) -> None:
    """Add one enterprise counted at every end at which any of its results (``spans``) counts."""
    start = stop = None
    for published, withdrawn in sorted(spans):
        if published >= withdrawn:
            continue
        if stop is not None and published <= stop:
            stop = max(stop, withdrawn)
            continue
        if start is not None:
            _count_span(steps, start, stop)
        start, stop = published, withdrawn
    if start is not None:
        _count_span(steps, start, stop)


def _last_day(month: dt.date) -> dt.date:
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)
