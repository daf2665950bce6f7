"""The roll-up of a prefecture or the province (docs/domain.md, "Roll-ups"): the three figures
summed over the county-level units under it, each county against its own 千项计划 (completion,
pace), ranked overall, within its kind and within its prefecture, and the monthly trend; and the
yearly statistics by month that ``benchmarking.statistics`` writes as a workbook.

Everything is counted by ``selectors.progress`` (every county's figures at several instants in
one pass, ``figures_by_county``), ranked by ``ranks`` and judged by ``rules``; this module only
reads the tree and the plans and assembles them. A fixed number of queries whatever the number
of counties: the tree (one), the current plans (one), the figures (two), the trend (four).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from django.utils import timezone

from .. import ranks as rank_rules
from .. import rules
from ..choices import COUNTY_LEVEL_KINDS, RegionKind
from ..models import Plan, Region
from ..regions import RegionLevel, RegionScope, level_of_code
from . import progress
from .dashboard import MEASURE_LABELS, Measure, TrendPoint

MEASURES = tuple(MEASURE_LABELS)  # "schemes", "enterprises", "results"


def _figure(figures: dict[str, list[progress.Progress]], code: str, i: int, key: str) -> int:
    points = figures.get(code)
    return getattr(points[i], key) if points else 0


# -- the tree ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A region as the roll-up shows it."""

    code: str
    name: str
    short_name: str
    kind: str
    parent_code: str

    @property
    def level(self) -> RegionLevel:
        return level_of_code(self.code)

    @property
    def kind_label(self) -> str:
        return str(RegionKind(self.kind).label)


@dataclass(frozen=True)
class Tree:
    """The stored regions of one province, in code order (GB/T 2260's own order)."""

    regions: dict[str, Place]

    def counties_under(self, code: str) -> list[Place]:
        scope = RegionScope(code)
        return [r for r in self.regions.values() if r.kind in COUNTY_LEVEL_KINDS and scope.covers(r.code)]

    def prefectures_under(self, code: str) -> list[Place]:
        return [
            r
            for r in self.regions.values()
            if r.level == RegionLevel.PREFECTURE
            and r.kind == RegionKind.PREFECTURE
            and r.code[:2] == code[:2]
        ]

    def rank_tree(self, province_code: str) -> dict[str, rank_rules.CountyPlace]:
        """The province's county-level units as the rank rules take them."""
        return rank_rules.tree_from_rows(
            (c.code, c.kind, c.parent_code, self.regions[c.parent_code].short_name)
            for c in self.counties_under(province_code)
            if c.parent_code in self.regions
        )


def region_tree(code: str) -> Tree:
    """The regions of the province ``code`` lies in, one query."""
    rows = (
        Region.objects.filter(code__startswith=code[:2])
        .order_by("code")
        .values_list("code", "name", "short_name", "kind", "parent__code")
    )
    return Tree(
        {
            c: Place(code=c, name=name, short_name=short, kind=kind, parent_code=parent or "")
            for c, name, short, kind, parent in rows
        }
    )


# -- the rules of a county against its plan ---------------------------------------------------


@dataclass(frozen=True)
class PlanTerms:
    """A county's current 千项计划 as the roll-up needs it (plain data: the roll-up is cached)."""

    name: str
    starts_on: dt.date
    ends_on: dt.date
    targets: dict[str, int]


@dataclass(frozen=True)
class Cell:
    """One county's (or prefecture's) figure: its count, its target, its ranks."""

    key: str
    count: int
    target: int | None = None
    ranks: rank_rules.CountyRanks | None = None

    @property
    def share(self) -> float | None:
        return self.count / self.target if self.target else None


@dataclass(frozen=True)
class CountyRow:
    place: Place
    prefecture_name: str  # the prefecture's short name
    plan: PlanTerms | None
    cells: dict[str, Cell]
    completion: float | None
    elapsed: float | None  # the share of its plan's time gone at the end of the day
    pace_band: rules.PaceBand | None  # ``rules.pace_band`` of its completion against ``elapsed``

    @property
    def code(self) -> str:
        return self.place.code


@dataclass(frozen=True)
class PrefectureRow:
    """A prefecture on the province's page: its counties' figures and targets summed."""

    place: Place
    counties: int
    cells: dict[str, Cell]
    completion: float | None

    @property
    def code(self) -> str:
        return self.place.code


@dataclass(frozen=True)
class PlanSpan:
    """The period the counties' current plans cover together: the trend's x axis."""

    starts_on: dt.date
    ends_on: dt.date


@dataclass(frozen=True)
class RegionRollup:
    region: Place
    as_of: dt.date
    is_today: bool
    measures: list[Measure]  # the three figures summed, against the summed targets
    counties: list[CountyRow]
    prefectures: list[PrefectureRow]  # the province's prefectures; empty for a prefecture
    counties_with_plan: int
    has_ranks: bool  # at least two counties of the province have a figure (ranks.has_ranks)
    plan: PlanSpan | None  # None when no county under the region has a current plan
    months: list[dt.date]
    trend: list[TrendPoint] = field(default_factory=list)
    # For a past day, what records entered since changed in its figures (progress.entered_later).
    entered_later: progress.EnteredLater | None = None

    def measure(self, key: str) -> Measure:
        return next(m for m in self.measures if m.key == key)

    @property
    def pace_bands(self) -> list[rules.PaceBand]:
        return list(rules.PaceBand)


def _months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    month, months = first.replace(day=1), []
    while month <= last:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def _month_before(day: dt.date) -> dt.date:
    return (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


# Sort keys of the county table (the ``sort`` parameter; "-" in front reverses): the region
# code (GB/T 2260's order, counties grouped by prefecture), or a figure or completion, highest
# first.
ROLLUP_SORTS: dict[str, Callable[[CountyRow], tuple]] = {
    "region": lambda row: (row.code,),
    "schemes": lambda row: (-row.cells["schemes"].count, row.code),
    "enterprises": lambda row: (-row.cells["enterprises"].count, row.code),
    "results": lambda row: (-row.cells["results"].count, row.code),
    "completion": lambda row: (row.completion is None, -(row.completion or 0), row.code),
}


def region_rollup(
    code: str, *, as_of: dt.date, sort: str = "region", version: int | None = None
) -> RegionRollup | None:
    """The roll-up of the prefecture or province ``code`` at the end of ``as_of`` (now, for
    today), cached under the counts version (``progress.cached_counts``) like the county
    dashboard; None when ``code`` is not a stored prefecture or province."""
    today = timezone.localdate()
    day = f"today:{today}" if as_of >= today else str(as_of)
    version = progress.counts_version() if version is None else version
    rollup = progress.cached_counts(
        f"rollup:{code}:{day}", lambda: _region_rollup(code, as_of=as_of, today=today), version=version
    )
    if rollup is None:
        return None
    rows = sorted(rollup.counties, key=ROLLUP_SORTS[sort.lstrip("-")], reverse=sort.startswith("-"))
    return replace(rollup, counties=rows)


def _region_rollup(code: str, *, as_of: dt.date, today: dt.date) -> RegionRollup | None:
    if level_of_code(code) == RegionLevel.COUNTY:
        return None
    tree = region_tree(code)
    region = tree.regions.get(code)
    if region is None or region.kind not in (RegionKind.PROVINCE, RegionKind.PREFECTURE):
        return None
    at = progress.instant(as_of) if as_of < today else timezone.now()
    counties = tree.counties_under(code)
    plans = {
        plan.region_id: PlanTerms(
            name=plan.name,
            starts_on=plan.starts_on,
            ends_on=plan.ends_on,
            targets={
                "schemes": plan.target_schemes,
                "enterprises": plan.target_enterprises,
                "results": plan.target_results,
            },
        )
        for plan in Plan.objects.filter(RegionScope(code).q("region"), is_active=True).only(
            "name", "starts_on", "ends_on", "target_schemes", "target_enterprises", "target_results", "region"
        )
    }
    baseline_days = sorted({plan.starts_on - dt.timedelta(days=1) for plan in plans.values()})
    if plans:
        span = PlanSpan(
            starts_on=min(p.starts_on for p in plans.values()), ends_on=max(p.ends_on for p in plans.values())
        )
        months = _months_between(_month_before(span.starts_on), span.ends_on)
    else:
        span = None
        # No plan to follow: the year up to the day.
        months = _months_between(dt.date(as_of.year - 1, as_of.month, 1), as_of)
    # Every county's figures now and the day before each plan began (its baseline, for the pace
    # line), in one pass; the trend is the region's sum, each record bucketed once by the month
    # end from which it counts (``progress.monthly_progress``), not counted again at each end.
    instants = [at, *(progress.end_of_day(d) for d in baseline_days)]
    figures = progress.figures_by_county(instants)
    base_index = {d: 1 + i for i, d in enumerate(baseline_days)}
    monthly = progress.monthly_progress(months, at, region=RegionScope(code))

    # Ranked among the whole province, whichever part of it the page shows.
    rank_tree = tree.rank_tree(code[:2] + "0000")
    ranked = {
        key: rank_rules.ranks_by_county({c: _figure(figures, c, 0, key) for c in rank_tree}, rank_tree)
        for key in MEASURES
    }
    rows = []
    for county in counties:
        plan = plans.get(county.code)
        counts = {key: _figure(figures, county.code, 0, key) for key in MEASURES}
        elapsed = (
            rules.plan_elapsed(starts_on=plan.starts_on, ends_on=plan.ends_on, on=as_of) if plan else None
        )
        completion = rules.county_completion(counts, plan.targets) if plan else None
        parent = tree.regions.get(county.parent_code)
        rows.append(
            CountyRow(
                place=county,
                prefecture_name=parent.short_name if parent else "",
                plan=plan,
                cells={
                    key: Cell(
                        key=key,
                        count=counts[key],
                        target=plan.targets[key] if plan else None,
                        ranks=ranked[key].get(county.code),
                    )
                    for key in MEASURES
                },
                completion=completion,
                elapsed=elapsed,
                pace_band=rules.pace_band(completion, elapsed),
            )
        )

    measures = []
    for key, label in MEASURE_LABELS.items():
        count = sum(row.cells[key].count for row in rows)
        target = sum(p.targets[key] for p in plans.values()) if plans else None
        baseline = sum(
            _figure(figures, county, base_index[p.starts_on - dt.timedelta(days=1)], key)
            for county, p in plans.items()
        )
        expected = (
            sum(
                rules.expected_by_pace(
                    baseline=_figure(figures, county, base_index[p.starts_on - dt.timedelta(days=1)], key),
                    target=p.targets[key],
                    elapsed=rules.plan_elapsed(starts_on=p.starts_on, ends_on=p.ends_on, on=as_of),
                )
                for county, p in plans.items()
            )
            if plans
            else None
        )
        measures.append(
            Measure(
                key=key,
                label=label,
                count=count,
                target=target,
                baseline=baseline,
                expected=expected,
                projected_on=None,
            )
        )

    trend = [TrendPoint(month=month, progress=point) for month, point in zip(months, monthly, strict=False)]

    prefectures = []
    if region.level == RegionLevel.PROVINCE:
        for prefecture in tree.prefectures_under(code):
            members = [row for row in rows if row.place.parent_code == prefecture.code]
            cells = {
                key: Cell(
                    key=key,
                    count=sum(row.cells[key].count for row in members),
                    target=sum(row.plan.targets[key] for row in members if row.plan) or None,
                )
                for key in MEASURES
            }
            prefectures.append(
                PrefectureRow(
                    place=prefecture,
                    counties=len(members),
                    cells=cells,
                    completion=rules.county_completion(
                        {key: cell.count for key, cell in cells.items()},
                        {key: cell.target for key, cell in cells.items() if cell.target},
                    ),
                )
            )

    return RegionRollup(
        region=region,
        as_of=as_of,
        is_today=as_of >= today,
        measures=measures,
        counties=rows,
        prefectures=prefectures,
        counties_with_plan=len(plans),
        has_ranks=any(ranked.values()),
        plan=span,
        months=months,
        trend=trend,
        # Today's figures cannot have been changed by later entries; a past day's may have been.
        entered_later=progress.entered_later(as_of, region=RegionScope(code)) if as_of < today else None,
    )


# -- the yearly statistics by month -----------------------------------------------------------


@dataclass(frozen=True)
class StatisticsRow:
    """One line of a figure's sheet: a county, a prefecture's subtotal or the region's total,
    with its cumulative figure at each month end of the year (None for a month not yet ended
    and not begun) and the year's new records."""

    code: str
    name: str
    kind: str  # "county", "subtotal" or "total"
    parent_name: str
    monthly: list[int | None]
    new_in_year: int


@dataclass(frozen=True)
class RegionStatistics:
    region: Place
    year: int
    months: list[dt.date]
    # The last instant counted: the end of December, or now during the year.
    counted_to: dt.datetime
    sheets: dict[str, list[StatisticsRow]]  # measure key → rows


def region_statistics(code: str, year: int) -> RegionStatistics | None:
    """Every county under ``code`` (a county: itself), figure by figure, cumulative at each
    month end of ``year`` and the year's new records (the figure at the last month end counted
    less the figure at the end of the year before): three queries whatever the number of
    counties. For the province each prefecture's subtotal follows its counties; a prefecture or
    the province ends with its total. None when ``code`` is not stored."""
    tree = region_tree(code)
    region = tree.regions.get(code)
    if region is None:
        return None
    now = timezone.now()
    months = [dt.date(year, m, 1) for m in range(1, 13)]
    ends = progress.trend_ends(months, now)
    year_before = progress.end_of_day(dt.date(year - 1, 12, 31))
    figures = progress.figures_by_county([year_before, *ends]) if ends else {}
    counties = tree.counties_under(code) if region.level != RegionLevel.COUNTY else [region]

    def line(code_: str, name: str, kind: str, parent: str, members: list[str], key: str) -> StatisticsRow:
        monthly = [sum(_figure(figures, c, 1 + i, key) for c in members) for i in range(len(ends))]
        before = sum(_figure(figures, c, 0, key) for c in members)
        return StatisticsRow(
            code=code_,
            name=name,
            kind=kind,
            parent_name=parent,
            monthly=monthly + [None] * (12 - len(monthly)),
            new_in_year=(monthly[-1] - before) if monthly else 0,
        )

    sheets: dict[str, list[StatisticsRow]] = {}
    for key in MEASURES:
        rows: list[StatisticsRow] = []
        if region.level == RegionLevel.PROVINCE:
            for prefecture in tree.prefectures_under(code):
                members = [c for c in counties if c.parent_code == prefecture.code]
                rows += [
                    line(c.code, c.name, "county", prefecture.short_name, [c.code], key) for c in members
                ]
                rows.append(
                    line(
                        prefecture.code,
                        f"{prefecture.name}小计",
                        "subtotal",
                        prefecture.short_name,
                        [c.code for c in members],
                        key,
                    )
                )
        else:
            parent = tree.regions.get(
                region.parent_code if region.level == RegionLevel.COUNTY else region.code
            )
            rows += [
                line(c.code, c.name, "county", parent.short_name if parent else "", [c.code], key)
                for c in counties
            ]
        if region.level != RegionLevel.COUNTY:
            rows.append(line(region.code, f"{region.name}合计", "total", "", [c.code for c in counties], key))
        sheets[key] = rows
    return RegionStatistics(
        region=region, year=year, months=months, counted_to=ends[-1] if ends else year_before, sheets=sheets
    )
