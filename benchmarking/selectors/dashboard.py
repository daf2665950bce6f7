"""The progress dashboard of one county as plain data: targets, pace, 考核 by office, industries,
trend, and where the county ranks among the others.

Everything is counted by ``selectors.progress`` and judged by ``rules`` (ranks by ``ranks``); this
module only assembles it for one county, one viewer and one "as of" day, in a fixed number
of queries whatever the number of records or of counties.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from .. import rules
from ..access import branch_office_id_of
from ..models import BranchOffice, Industry, Plan, home_region_code
from ..regions import RegionScope
from . import progress
from .ranks import RankStatement, counts_day_key, county_figures_on, county_tree, rank_statements


@dataclass(frozen=True)
class Measure:
    """One of the plan's three targets, where it stands and where it is heading."""

    key: str  # "schemes", "enterprises" or "results": the progress field it reads
    label: str
    count: int
    target: int | None
    baseline: int  # the count on the day before the plan started
    expected: int | None  # where the straight pace line says it should be by now
    projected_on: dt.date | None
    # Whether this measure is the city's even for a branch office's view (schemes belong to no office).
    citywide: bool = False

    @property
    def share(self) -> float | None:
        return self.count / self.target if self.target else None

    @property
    def bar_percent(self) -> int:
        """Width of the progress bar, 0–100."""
        return min(round((self.share or 0) * 100), 100)

    @property
    def ahead_by(self) -> int | None:
        """Records ahead of (positive) or behind (negative) the pace line."""
        return None if self.expected is None else self.count - self.expected

    @property
    def behind_by(self) -> int:
        return max(-(self.ahead_by or 0), 0)

    @property
    def reached(self) -> bool:
        return self.target is not None and self.count >= self.target


@dataclass(frozen=True)
class OfficeRow:
    office: BranchOffice
    enterprises: int
    results: int
    enterprise_quota: int | None
    result_quota: int | None
    completion: float | None
    rank: int | None
    pace_band: rules.PaceBand | None  # the 考核 colour (``rules.pace_band``); None without a quota or plan


@dataclass(frozen=True)
class IndustryRow:
    industry: Industry
    schemes: int
    enterprises: int
    results: int


@dataclass(frozen=True)
class TrendPoint:
    month: dt.date
    progress: progress.Progress
    # The straight target line at that month end (None outside the plan or without a plan).
    expected: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Dashboard:
    as_of: dt.date
    is_today: bool
    plan: Plan | None
    elapsed: float | None  # share of the plan's period gone by at the end of ``as_of``
    branch_office: BranchOffice | None  # set when the viewer sees one office's share
    measures: list[Measure]
    offices: list[OfficeRow]
    industries: list[IndustryRow]
    months: list[dt.date]  # the trend's x axis: the plan's months and the one before it
    trend: list[TrendPoint]
    # For a past day, what records entered since changed in its figures (progress.entered_later).
    entered_later: progress.EnteredLater | None = None
    # The county-level region whose dashboard this is (its GB/T 2260 code and name).
    county: str = ""
    county_name: str = ""
    # Where the county ranks on each figure among the province's counties (asked for with
    # ``ranks=True``); empty when ranks mean nothing (a single-county deployment).
    ranks: list[RankStatement] = field(default_factory=list)

    def measure(self, key: str) -> Measure:
        return next(m for m in self.measures if m.key == key)

    @property
    def pace_bands(self) -> list[rules.PaceBand]:
        """The 考核 colours, for the table's legend."""
        return list(rules.PaceBand)


MEASURE_LABELS = {
    "schemes": "发布对标技术方案",
    "enterprises": "完成对标企业",
    "results": "发布对标结果",
}

# Sort keys of the 考核 table (the ``sort`` parameter); "-" in front reverses.
OFFICE_SORTS = {
    "rank": lambda row: (row.rank is None, row.rank or 0, row.office.order, row.office.code),
    "office": lambda row: (row.office.order, row.office.code),
    "enterprises": lambda row: (row.enterprises, row.office.code),
    "results": lambda row: (row.results, row.office.code),
    "completion": lambda row: (row.completion is None, row.completion or 0, row.office.code),
}


def active_plan(county: str | None = None) -> Plan | None:
    """The current 千项计划 of ``county`` (the home county if not given): one per county."""
    return (
        Plan.objects.filter(is_active=True, region_id=county or home_region_code())
        .prefetch_related("quotas")
        .first()
    )


def viewer_office(user) -> BranchOffice | None:
    """The branch office a branch-office login works in, whose share its dashboard and home page
    show (None if the login is not tied to one)."""
    office_id = branch_office_id_of(user)
    return BranchOffice.objects.filter(pk=office_id).first() if office_id else None


def dashboard_for(
    *,
    as_of: dt.date,
    branch_office: BranchOffice | None = None,
    sort: str = "rank",
    version: int | None = None,
    county: str | None = None,
    ranks: bool = False,
) -> Dashboard:
    """The dashboard of ``county`` (a county-level region's code; the home county if not given)
    as it stood at the end of ``as_of``: its enterprises and their results, its bureau's schemes,
    its plan and its offices; for one office's share when ``branch_office`` is given (schemes
    stay the county's: they belong to no office). With ``ranks``, the county's rank statements
    (for the whole county only): three more queries, cached for every county of the day.
    ``version``: the counts version the caller already read (and caches its page under),
    so that the figures are cached under the same one; read here when not given."""
    today = timezone.localdate()
    at = progress.instant(as_of) if as_of < today else timezone.now()
    office_id = branch_office.pk if branch_office else None
    county = county or home_region_code()
    region = RegionScope(county)
    plan = active_plan(county)

    window_start = as_of - dt.timedelta(days=rules.PROJECTION_WINDOW_DAYS)
    instants = [at, progress.end_of_day(window_start)]
    if plan:
        instants.append(progress.end_of_day(plan.starts_on - dt.timedelta(days=1)))
    # One grid answers the totals, the pace, the projection and both breakdowns, for the city
    # and every office; the trend is the viewer's own. Both are cached until the next write
    # that changes a count (see progress.cached_counts).
    day_key = _day_key(as_of, today, plan)
    months = plan_months(plan) if plan else []
    version = progress.counts_version() if version is None else version
    # The grid's one pass over the declarations also buckets the enterprises for the trend.
    grid = progress.cached_counts(
        f"grid:{county}:{day_key}",
        lambda: progress.progress_grid(instants, trend_ends=progress.trend_ends(months, at), region=region),
        version=version,
    )
    # A grid from the cache was read at an earlier "now" of the same day and counts version:
    # the same counts (no record is dated in the future), so the trend is cut at its instant.
    trend_at = grid.instants[0]
    monthly = progress.cached_counts(
        f"trend:{county}:{day_key}:{office_id}",
        lambda: (
            progress.monthly_progress(months, trend_at, branch_office_id=office_id, region=region, grid=grid)
            if months
            else []
        ),
        version=version,
    )
    now, window_ago = (
        grid.progress(0, branch_office_id=office_id),
        grid.progress(1, branch_office_id=office_id),
    )
    before_plan = grid.progress(2, branch_office_id=office_id) if plan else None

    elapsed = rules.plan_elapsed(starts_on=plan.starts_on, ends_on=plan.ends_on, on=as_of) if plan else None
    targets = _targets(plan, branch_office)
    measures = []
    for key, label in MEASURE_LABELS.items():
        count, target = getattr(now, key), targets.get(key)
        baseline = getattr(before_plan, key) if before_plan else 0
        measures.append(
            Measure(
                key=key,
                label=label,
                count=count,
                target=target,
                baseline=baseline,
                expected=(
                    rules.expected_by_pace(baseline=baseline, target=target, elapsed=elapsed)
                    if target is not None and elapsed is not None
                    else None
                ),
                projected_on=(
                    rules.projected_completion(
                        count=count, count_window_ago=getattr(window_ago, key), target=target, on=as_of
                    )
                    if target is not None
                    else None
                ),
                citywide=key == "schemes" and branch_office is not None,
            )
        )

    # Today's figures cannot have been changed by later entries; a past day's may have been.
    entered_later = (
        progress.cached_counts(
            f"later:{county}:{as_of}:{office_id}",
            lambda: progress.entered_later(as_of, branch_office_id=office_id, region=region),
            version=version,
        )
        if as_of < today
        else None
    )
    offices = _office_rows(plan, grid.by_office(0), elapsed, county=county, only=branch_office)
    offices.sort(key=OFFICE_SORTS[sort.lstrip("-")], reverse=sort.startswith("-"))
    statements, county_name = [], ""
    if ranks:
        tree = county_tree()
        county_name = tree.names.get(county, "")
        if branch_office is None:
            # Every county counted once for the day (the day only: no plan's dates).
            figures = county_figures_on(as_of, version=version)
            statements = rank_statements(county, figures, tree)
    return Dashboard(
        as_of=as_of,
        is_today=as_of >= today,
        plan=plan,
        elapsed=elapsed,
        branch_office=branch_office,
        measures=measures,
        offices=offices,
        industries=_industry_rows(grid.by_industry(0, branch_office_id=office_id)),
        months=months,
        trend=_trend(plan, months, monthly, measures),
        entered_later=entered_later,
        county=county,
        county_name=county_name,
        ranks=statements,
    )


def _day_key(as_of: dt.date, today: dt.date, plan: Plan | None) -> str:
    """What the counts of a dashboard depend on besides the data: the day (``counts_day_key``)
    and the plan's dates (the baseline and the trend's months)."""
    return f"{counts_day_key(as_of, today)}:{f'{plan.starts_on}:{plan.ends_on}' if plan else 'no-plan'}"


def _targets(plan: Plan | None, branch_office: BranchOffice | None) -> dict[str, int]:
    if plan is None:
        return {}
    targets = {"schemes": plan.target_schemes}
    if branch_office is None:
        targets |= {"enterprises": plan.target_enterprises, "results": plan.target_results}
    else:
        quota = next((q for q in plan.quotas.all() if q.branch_office_id == branch_office.pk), None)
        if quota:
            targets |= {"enterprises": quota.enterprises, "results": quota.results}
    return targets


def _office_rows(
    plan: Plan | None,
    counts: dict[int, progress.GroupCounts],
    elapsed: float | None,
    *,
    county: str,
    only: BranchOffice | None,
) -> list[OfficeRow]:
    """Every office of the county against its quota, ranked by completion (ties share a rank); an
    office below the time gone by is behind pace. A branch office sees its own row, ranked among
    all."""
    quotas = {q.branch_office_id: q for q in plan.quotas.all()} if plan else {}
    offices = list(BranchOffice.objects.filter(region_id=county))
    done = {office.pk: counts.get(office.pk, progress.GroupCounts()) for office in offices}
    completion = {
        pk: rules.office_completion(
            enterprises=done[pk].enterprises,
            enterprise_quota=quota.enterprises,
            results=done[pk].results,
            result_quota=quota.results,
        )
        for pk, quota in quotas.items()
        if pk in done
    }
    ranks: dict[int, int] = {}
    previous = None
    for position, pk in enumerate(sorted(completion, key=lambda pk: -completion[pk]), start=1):
        ranks[pk] = ranks[previous] if previous and completion[previous] == completion[pk] else position
        previous = pk
    return [
        OfficeRow(
            office=office,
            enterprises=done[office.pk].enterprises,
            results=done[office.pk].results,
            enterprise_quota=quotas[office.pk].enterprises if office.pk in quotas else None,
            result_quota=quotas[office.pk].results if office.pk in quotas else None,
            completion=completion.get(office.pk),
            rank=ranks.get(office.pk),
            pace_band=rules.pace_band(completion.get(office.pk), elapsed),
        )
        for office in offices
        if only is None or office == only
    ]


def _industry_rows(counts: dict[int, progress.GroupCounts]) -> list[IndustryRow]:
    rows = []
    for industry in Industry.objects.all():
        done = counts.get(industry.pk, progress.GroupCounts())
        rows.append(
            IndustryRow(industry, schemes=done.schemes, enterprises=done.enterprises, results=done.results)
        )
    return rows


def plan_months(plan: Plan) -> list[dt.date]:
    """First days of the months of the plan's period, plus the month before it (the baseline)."""
    month = (plan.starts_on.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    months = []
    while month <= plan.ends_on:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def _trend(
    plan: Plan | None, months: list[dt.date], monthly: list[progress.Progress], measures: list[Measure]
) -> list[TrendPoint]:
    """Each month end's counts beside where the straight target line stood that day."""
    if plan is None:
        return []
    trend = []
    # monthly_progress stops at the as-of month: the months after it have no point yet.
    for month, point in zip(months[: len(monthly)], monthly, strict=True):
        day = timezone.localtime(point.as_of).date()
        elapsed = rules.plan_elapsed(starts_on=plan.starts_on, ends_on=plan.ends_on, on=day)
        expected = {
            m.key: rules.expected_by_pace(baseline=m.baseline, target=m.target, elapsed=elapsed)
            for m in measures
            if m.target is not None
        }
        trend.append(TrendPoint(month=month, progress=point, expected=expected))
    return trend
