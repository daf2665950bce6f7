"""The bureau's default rules for comparing an indicator and grading a declaration.

shared/domain.md calls these "default rules" that the bureau may change: each
lives in exactly one function here, and everything else (services, admin,
imports, tests) calls it.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .choices import Comparison, Direction, Grade

MEETS = frozenset({Comparison.BETTER, Comparison.EQUAL, Comparison.PASS})


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
    Range: equal (meets it) inside ``benchmark_min``–``benchmark_max``, bounds
    included, worse outside; a range has no "better". Pass/fail: the declared
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
            return Comparison.WORSE
        if benchmark_max is not None and value > benchmark_max:
            return Comparison.WORSE
        return Comparison.EQUAL
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
