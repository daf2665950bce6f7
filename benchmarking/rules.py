"""The bureau's default rules: comparing an indicator, grading a declaration, and
judging progress against the plan (pace, projection, an office's completion).

docs/domain.md lists them; the bureau may change these "default rules", so each
lives in exactly one function here, and everything else (services, admin,
imports, tests) calls it.
"""

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

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


def grade_declaration(items: Iterable[GradedItem]) -> Grade | None:
    """The overall grade (对标水平) over the core indicators, or over every
    indicator where the scheme marks none as core.

    - 领先 leading: every one equal or better, and at least half strictly better;
    - 先进 advanced: every one equal or better (the benchmark is met);
    - 平均 average: at least half equal or better;
    - 落后 behind: fewer than half.

    Pass counts as "equal or better" but never as strictly better. Returns None
    when there is nothing to grade or a counted indicator has no value yet.
    """
    items = list(items)
    counted = [item for item in items if item.is_core] or items
    if not counted or any(item.comparison is None for item in counted):
        return None
    total = len(counted)
    meeting = sum(1 for item in counted if item.comparison in MEETS)
    better = sum(1 for item in counted if item.comparison == Comparison.BETTER)
    if meeting == total:
        return Grade.LEADING if 2 * better >= total else Grade.ADVANCED
    if 2 * meeting >= total:
        return Grade.AVERAGE
    return Grade.BEHIND


def grade_items(items: Iterable[tuple[object, object]]) -> Grade | None:
    """The grading path, used by every writer of declared values (the services, the import,
    the demo and scale data). ``items`` are (item, its indicator) pairs, an item being anything
    with ``value``, ``passed`` and ``comparison``: compare each item's value with its indicator,
    store the outcome in its ``comparison`` ("" while it has no value), and return the grade
    of them all by ``grade_declaration``."""
    graded = []
    for item, indicator in items:
        item.comparison = compare_to_indicator(indicator, value=item.value, passed=item.passed) or ""
        graded.append(GradedItem(comparison=item.comparison or None, is_core=indicator.is_core))
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


def grade_explanation(items: Iterable[GradedItem], *, computed_grade: str, override_grade: str = "") -> str:
    """One line saying how a declaration's grade follows from its indicators by the rule of
    ``grade_declaration`` (which indicators count, how many meet or beat the benchmark, which
    threshold that reaches) and, when staff overrode it, that the shown grade is theirs.

    ``items`` are the declaration's indicators as ``GradedItem`` (stored comparisons, "" or
    None while a value is missing); ``computed_grade`` / ``override_grade`` as stored."""
    items = list(items)
    core = [item for item in items if item.is_core]
    counted = core or items
    if not counted:
        return "该技术方案没有关键指标，无法评定对标水平。"
    if core:
        scope = f"按 {len(core)} 项核心指标评定"
        if len(items) > len(core):
            scope += f"（另有 {len(items) - len(core)} 项非核心指标不计入等级）"
    else:
        scope = f"方案未标核心指标，按全部 {len(items)} 项指标评定"
    comparisons = [Comparison(item.comparison) for item in counted if item.comparison]
    tally = "、".join(
        f"{kind.label} {comparisons.count(kind)} 项" for kind in _EXPLAINED_ORDER if kind in comparisons
    )
    total = len(counted)
    meeting = sum(1 for c in comparisons if c in MEETS)
    better = comparisons.count(Comparison.BETTER)
    missing = total - len(comparisons)
    label = dict(Grade.choices)
    if missing:
        reason = f"尚有 {missing} 项未填写，按规则暂不评定"
    elif computed_grade == Grade.LEADING:
        reason = f"全部达到对标值，且优于对标值的 {better} 项不少于一半，故为“{label[computed_grade]}”"
    elif computed_grade == Grade.ADVANCED:
        beaten = f"优于对标值的 {better} 项不足一半" if better else "没有优于对标值的"
        reason = f"全部达到对标值，但{beaten}（“领先”须至少一半优于），故为“{label[computed_grade]}”"
    elif computed_grade == Grade.AVERAGE:
        reason = f"达到对标值的 {meeting} 项不少于一半但未全部达到，故为“{label[computed_grade]}”"
    elif computed_grade == Grade.BEHIND:
        reason = f"达到对标值的 {meeting} 项不足一半，故为“{label[computed_grade]}”"
    else:
        reason = "按规则暂不评定"
    line = f"{scope}：{tally}；{reason}" if tally else f"{scope}：{reason}"
    if override_grade and override_grade != computed_grade:
        line += f"；市局工作人员已将对标水平调整为“{label[override_grade]}”"
    elif override_grade:
        line += "；市局工作人员审核确认了这一等级"
    return line + "。"


# -- Progress against the plan (千项计划) ------------------------------------------


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
    shares = [
        min(done / quota, 1.0)
        for done, quota in ((enterprises, enterprise_quota), (results, result_quota))
        if quota
    ]
    if not shares:
        return None
    return sum(shares) / len(shares)
