"""The bureau's default rules: comparing an indicator, grading a declaration, and
judging progress against the plan (pace, projection, an office's completion).

docs/domain.md lists them; the bureau may change these "default rules", so each
lives in exactly one function here, and everything else (services, admin,
imports, tests) calls it.
"""

import datetime as dt
import enum
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .choices import Comparison, Direction, Grade

MEETS = frozenset({Comparison.BETTER, Comparison.EQUAL, Comparison.INSIDE, Comparison.PASS})


def compare_indicator(
    *,
    direction: str,
    value: Decimal | None = None,
    passed: bool | None = None,
    benchmark: Decimal | None = None,
    benchmark_min: Decimal | None = None,
    benchmark_max: Decimal | None = None,
) -> Comparison | None:
    """How one measured value stands against the benchmark.

    Higher/lower is better: better, equal or worse than ``benchmark``.
    Range: inside (meets it) within ``benchmark_min``–``benchmark_max``, bounds
    included, outside otherwise; a range has no "better". Pass/fail: the declared
    ``passed`` flag. Returns None while the value needed is missing.
    """
    if direction == Direction.PASS_FAIL:
        if passed is None:
            return None
        return Comparison.PASS if passed else Comparison.FAIL
    if value is None:
        return None
    if direction == Direction.RANGE:
        if benchmark_min is not None and value < benchmark_min:
            return Comparison.OUTSIDE
        if benchmark_max is not None and value > benchmark_max:
            return Comparison.OUTSIDE
        return Comparison.INSIDE
    if value == benchmark:
        return Comparison.EQUAL
    if direction == Direction.HIGHER_BETTER:
        return Comparison.BETTER if value > benchmark else Comparison.WORSE
    if direction == Direction.LOWER_BETTER:
        return Comparison.BETTER if value < benchmark else Comparison.WORSE
    raise ValueError(f"unknown indicator direction {direction!r}")


@dataclass(frozen=True)
class GradedItem:
    """One indicator's outcome as the grade rule sees it."""

    comparison: Comparison | None
    is_core: bool


def compare_to_indicator(
    indicator, *, value: Decimal | None = None, passed: bool | None = None
) -> Comparison | None:
    """``compare_indicator`` against anything carrying an indicator's direction and benchmark
    fields: an Indicator row, or the demo's plain indicator spec."""
    return compare_indicator(
        direction=indicator.direction,
        value=value,
        passed=passed,
        benchmark=indicator.benchmark_value,
        benchmark_min=indicator.benchmark_min,
        benchmark_max=indicator.benchmark_max,
    )


@dataclass(frozen=True)
class GradeTally:
    """What the grade rule counts over a declaration's indicators: the grade and its one-line
    explanation are both read from this, so they cannot disagree."""

    indicators: int  # every indicator of the scheme
    core: int  # of which marked core
    comparisons: tuple[Comparison, ...]  # the counted indicators' outcomes, missing ones left out
    counted: int  # the indicators the grade is over: the core ones, or all when none is core

    @property
    def missing(self) -> int:
        return self.counted - len(self.comparisons)

    @property
    def meeting(self) -> int:
        return sum(1 for comparison in self.comparisons if comparison in MEETS)

    @property
    def better(self) -> int:
        return self.comparisons.count(Comparison.BETTER)

    @property
    def grade(self) -> Grade | None:
        """The overall grade (对标水平) over the counted indicators:

        - 领先 leading: every one equal or better, and at least half strictly better;
        - 先进 advanced: every one equal or better (the benchmark is met);
        - 平均 average: at least half equal or better;
        - 落后 behind: fewer than half.

        Pass counts as "equal or better" but never as strictly better. None when there is
        nothing to grade or a counted indicator has no value yet."""
        if not self.counted or self.missing:
            return None
        if self.meeting == self.counted:
            return Grade.LEADING if 2 * self.better >= self.counted else Grade.ADVANCED
        if 2 * self.meeting >= self.counted:
            return Grade.AVERAGE
        return Grade.BEHIND


def tally_grade(items: Iterable[GradedItem]) -> GradeTally:
    """Count ``items`` as the grade rule does: over the core indicators, or over every indicator
    where the scheme marks none as core."""
    items = list(items)
    core = [item for item in items if item.is_core]
    counted = core or items
    return GradeTally(
        indicators=len(items),
        core=len(core),
        comparisons=tuple(Comparison(item.comparison) for item in counted if item.comparison),
        counted=len(counted),
    )


def grade_declaration(items: Iterable[GradedItem]) -> Grade | None:
    """The overall grade of a declaration's indicators (the rule: ``GradeTally.grade``)."""
    return tally_grade(items).grade


def graded_item(item, indicator) -> GradedItem:
    """An item's stored outcome ("" while it has no value) as the grade rule sees it."""
    return GradedItem(comparison=item.comparison or None, is_core=indicator.is_core)


def grade_items(items: Iterable[tuple[object, object]]) -> Grade | None:
    """The grading path, used by every writer of declared values (the services, the import,
    the demo and scale data). ``items`` are (item, its indicator) pairs, an item being anything
    with ``value``, ``passed`` and ``comparison``: compare each item's value with its indicator,
    store the outcome in its ``comparison`` ("" while it has no value), and return the grade
    of them all by ``grade_declaration``."""
    graded = []
    for item, indicator in items:
        item.comparison = compare_to_indicator(indicator, value=item.value, passed=item.passed) or ""
        graded.append(graded_item(item, indicator))
    return grade_declaration(graded)


def regrade(declaration, items: Iterable[tuple[object, object]]) -> None:
    """Compare and grade ``items`` ((item, indicator) pairs, see ``grade_items``) and set the
    declaration's computed grade and its grade: a staff override, when set, wins."""
    declaration.computed_grade = grade_items(items) or ""
    declaration.grade = effective_grade(declaration)


def effective_grade(declaration) -> str:
    """The grade a declaration shows: staff's override if set, else the computed one."""
    return declaration.override_grade or declaration.computed_grade


# The order a grade's explanation counts the outcomes in: those meeting the benchmark first.
_EXPLAINED_ORDER = (
    Comparison.BETTER,
    Comparison.EQUAL,
    Comparison.INSIDE,
    Comparison.PASS,
    Comparison.WORSE,
    Comparison.OUTSIDE,
    Comparison.FAIL,
)


def grade_explanation(items: Iterable[GradedItem], *, override_grade: str = "") -> str:
    """One line saying how a declaration's grade follows from its indicators by the grade rule
    (``GradeTally``: which indicators count, how many meet or beat the benchmark, which
    threshold that reaches) and, when a reviewer overrode it, that the shown grade is theirs.

    ``items`` are the declaration's indicators as ``GradedItem`` (stored comparisons, None
    while a value is missing); ``override_grade`` as stored."""
    tally = tally_grade(items)
    if not tally.counted:
        return "该技术方案没有关键指标，无法评定对标水平。"
    if tally.core:
        scope = f"按 {tally.core} 项核心指标评定"
        if tally.indicators > tally.core:
            scope += f"（另有 {tally.indicators - tally.core} 项非核心指标不计入等级）"
    else:
        scope = f"方案未标核心指标，按全部 {tally.indicators} 项指标评定"
    outcomes = "、".join(
        f"{kind.label} {tally.comparisons.count(kind)} 项"
        for kind in _EXPLAINED_ORDER
        if kind in tally.comparisons
    )
    label = dict(Grade.choices)
    grade = tally.grade
    if tally.missing:
        reason = f"尚有 {tally.missing} 项未填写，按规则暂不评定"
    elif grade == Grade.LEADING:
        reason = f"全部达到对标值，且优于对标值的 {tally.better} 项不少于一半，故为“{label[grade]}”"
    elif grade == Grade.ADVANCED:
        beaten = f"优于对标值的 {tally.better} 项不足一半" if tally.better else "没有优于对标值的"
        reason = f"全部达到对标值，但{beaten}（“领先”须至少一半优于），故为“{label[grade]}”"
    elif grade == Grade.AVERAGE:
        reason = f"达到对标值的 {tally.meeting} 项不少于一半但未全部达到，故为“{label[grade]}”"
    else:
        reason = f"达到对标值的 {tally.meeting} 项不足一半，故为“{label[grade]}”"
    line = f"{scope}：{outcomes}；{reason}" if outcomes else f"{scope}：{reason}"
    # Bureau or branch-office reviewers may override (services.declarations, is_reviewer_for).
    if override_grade and override_grade != grade:
        line += f"；审核人员已将对标水平调整为“{label[override_grade]}”"
    elif override_grade:
        line += "；审核人员审核确认了这一等级"
    return line + "。"


# -- Progress against the plan (千项计划) ------------------------------------------

# -- 考核 colours: an office's completion against the share of the plan's time gone ------------

# How far (in percentage points) an office may trail the time gone and still be amber, not red.
PACE_TOLERANCE_POINTS = 10


class PaceBand(enum.StrEnum):
    """Where an office's completion stands against the share of the plan's time gone: the
    colour of its row on the dashboard and its 进度 cell in the Excel report."""

    AHEAD = "ahead"  # completion ≥ time gone: green
    NEAR = "near"  # behind by at most PACE_TOLERANCE_POINTS: amber
    BEHIND = "behind"  # behind by more: red

    @property
    def label(self) -> str:
        return PACE_BAND_LABELS[self]

    @property
    def colour(self) -> str:
        return PACE_BAND_COLOURS[self]


PACE_BAND_LABELS = {
    PaceBand.AHEAD: _("达到或超过时间进度"),
    PaceBand.NEAR: format_lazy(_("落后不超过 {points} 个百分点"), points=PACE_TOLERANCE_POINTS),
    PaceBand.BEHIND: format_lazy(_("落后超过 {points} 个百分点"), points=PACE_TOLERANCE_POINTS),
}
PACE_BAND_COLOURS = {PaceBand.AHEAD: _("绿色"), PaceBand.NEAR: _("黄色"), PaceBand.BEHIND: _("红色")}


def pace_band(completion: float | None, elapsed: float | None) -> PaceBand | None:
    """The band of an office whose completion is ``completion`` when ``elapsed`` of the plan's
    time is gone (both 0–1); None without a quota or a plan. The gap is compared in points
    rounded to 1e-6, so 87.6 % against 97.6 % is exactly 10 points (amber), whatever the
    floating-point error of the subtraction."""
    if completion is None or elapsed is None:
        return None
    behind_points = round((elapsed - completion) * 100, 6)
    if behind_points <= 0:
        return PaceBand.AHEAD
    if behind_points <= PACE_TOLERANCE_POINTS:
        return PaceBand.NEAR
    return PaceBand.BEHIND


def plan_elapsed(*, starts_on: dt.date, ends_on: dt.date, on: dt.date) -> float:
    """How far through the plan's period the end of day ``on`` is, from 0 to 1."""
    total_days = (ends_on - starts_on).days + 1
    return min(max(((on - starts_on).days + 1) / total_days, 0.0), 1.0)


def expected_by_pace(*, baseline: int, target: int, elapsed: float) -> int:
    """Where a count should stand on the straight line from the plan's start to its target.

    The targets are cumulative and the plan began from what was already published, so the
    line starts at the count on the day before the plan started (``baseline``), not at 0.
    """
    if baseline >= target:
        return target
    return round(baseline + (target - baseline) * elapsed)


# The window whose rate projects the completion date.
PROJECTION_WINDOW_DAYS = 90


def projected_completion(*, count: int, count_window_ago: int, target: int, on: dt.date) -> dt.date | None:
    """The day the target is reached at the rate of the last ``PROJECTION_WINDOW_DAYS`` days;
    ``on`` itself once it is reached, None when nothing was added in the window."""
    if count >= target:
        return on
    per_day = (count - count_window_ago) / PROJECTION_WINDOW_DAYS
    if per_day <= 0:
        return None
    return on + dt.timedelta(days=math.ceil((target - count) / per_day))


def office_completion(
    *, enterprises: int, enterprise_quota: int, results: int, result_quota: int
) -> float | None:
    """A branch office's completion for 考核: the mean of its enterprise and result quotas met,
    each capped at 100% so surplus results never hide missing enterprises. None without a quota."""
    return _mean_capped_share(((enterprises, enterprise_quota), (results, result_quota)))


def county_completion(counts: dict[str, int], targets: dict[str, int]) -> float | None:
    """A county's completion of its 千项计划 (the roll-up pages): the mean of its three targets'
    shares met, each capped at 100% (a surplus of one figure never hides another's shortfall) —
    the rule of an office's completion over the plan's three targets. None without a target."""
    return _mean_capped_share((counts[key], target) for key, target in targets.items())


def _mean_capped_share(done_and_targets) -> float | None:
    """The mean of done / target over the pairs with a target, each share capped at 1."""
    shares = [min(done / target, 1.0) for done, target in done_and_targets if target]
    if not shares:
        return None
    return sum(shares) / len(shares)
