"""The bureau's default rules: how one indicator compares, how a declaration is graded,
and how progress is judged against the plan."""

import datetime as dt
from decimal import Decimal as D

import pytest

from benchmarking.choices import Comparison, Direction, Grade
from benchmarking.rules import (
    GradedItem,
    compare_indicator,
    expected_by_pace,
    grade_declaration,
    office_completion,
    plan_elapsed,
    projected_completion,
)

B, E, W, P, F = Comparison.BETTER, Comparison.EQUAL, Comparison.WORSE, Comparison.PASS, Comparison.FAIL
IN, OUT = Comparison.INSIDE, Comparison.OUTSIDE

# ---------------------------------------------------------------------------
# compare_indicator
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(D("12.5"), B), (D("12"), E), (D("12.000"), E), (D("11.999999"), W), (D("-1"), W)],
)
def test_higher_is_better(value, expected):
    assert compare_indicator(direction=Direction.HIGHER_BETTER, value=value, benchmark=D("12")) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(D("0.005"), B), (D("0"), B), (D("0.01"), E), (D("0.010000"), E), (D("0.010001"), W), (D("3"), W)],
)
def test_lower_is_better(value, expected):
    assert compare_indicator(direction=Direction.LOWER_BETTER, value=value, benchmark=D("0.01")) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("15"), IN),  # inside
        (D("10"), IN),  # on the lower bound
        (D("20"), IN),  # on the upper bound
        (D("9.99"), OUT),  # below the minimum
        (D("20.01"), OUT),  # above the maximum
    ],
)
def test_range_with_both_bounds(value, expected):
    result = compare_indicator(
        direction=Direction.RANGE, value=value, benchmark_min=D("10"), benchmark_max=D("20")
    )
    assert result == expected


def test_range_is_never_better_nor_equal():
    results = {
        compare_indicator(direction=Direction.RANGE, value=D(v), benchmark_min=D("10"), benchmark_max=D("20"))
        for v in ("10", "12", "15", "20", "5", "25")
    }
    # 区间内 / 区间外: a range has no single value to be "等于", nor a "better" side.
    assert results == {IN, OUT}
    assert (IN.label, OUT.label) == ("区间内", "区间外")


@pytest.mark.parametrize(("value", "expected"), [(D("9"), OUT), (D("10"), IN), (D("1000"), IN)])
def test_range_with_only_a_minimum(value, expected):
    assert compare_indicator(direction=Direction.RANGE, value=value, benchmark_min=D("10")) == expected


@pytest.mark.parametrize(("value", "expected"), [(D("-5"), IN), (D("20"), IN), (D("20.5"), OUT)])
def test_range_with_only_a_maximum(value, expected):
    assert compare_indicator(direction=Direction.RANGE, value=value, benchmark_max=D("20")) == expected


@pytest.mark.parametrize(("passed", "expected"), [(True, P), (False, F), (None, None)])
def test_pass_fail(passed, expected):
    assert compare_indicator(direction=Direction.PASS_FAIL, passed=passed) == expected


def test_pass_fail_ignores_any_numeric_value():
    assert compare_indicator(direction=Direction.PASS_FAIL, value=D("99"), passed=None) is None
    assert compare_indicator(direction=Direction.PASS_FAIL, value=D("0"), passed=True) == P


@pytest.mark.parametrize(
    "kwargs",
    [
        {"direction": Direction.HIGHER_BETTER, "benchmark": D("12")},
        {"direction": Direction.LOWER_BETTER, "benchmark": D("0.01")},
        {"direction": Direction.RANGE, "benchmark_min": D("1"), "benchmark_max": D("2")},
        {"direction": Direction.PASS_FAIL},
    ],
    ids=lambda kwargs: kwargs["direction"],
)
def test_missing_value_gives_none(kwargs):
    assert compare_indicator(value=None, **kwargs) is None


def test_numeric_direction_ignores_the_pass_flag():
    # A stray passed=True must not make a missing number count as "pass".
    assert (
        compare_indicator(direction=Direction.HIGHER_BETTER, value=None, passed=True, benchmark=D("1"))
        is None
    )


# ---------------------------------------------------------------------------
# grade_declaration
# ---------------------------------------------------------------------------


def core(*comparisons):
    return [GradedItem(comparison=c, is_core=True) for c in comparisons]


def plain(*comparisons):
    return [GradedItem(comparison=c, is_core=False) for c in comparisons]


@pytest.mark.parametrize(
    ("comparisons", "expected"),
    [
        # leading: all equal or better, at least half strictly better
        ((B, B, B, B), Grade.LEADING),
        ((B, B, E, E), Grade.LEADING),  # 4 items: exactly half better
        ((B, B, B, E, E), Grade.LEADING),  # 5 items: 3 of 5 better
        ((B, E), Grade.LEADING),
        ((B,), Grade.LEADING),
        # advanced: all equal or better, fewer than half strictly better
        ((B, E, E, E), Grade.ADVANCED),  # 4 items: just under half better
        ((B, B, E, E, E), Grade.ADVANCED),  # 5 items: 2 of 5 better (2.5 would be half)
        ((E, E, E, E), Grade.ADVANCED),
        ((E,), Grade.ADVANCED),
        # pass meets the benchmark but is never "better"
        ((P, P, P, P), Grade.ADVANCED),
        ((B, P, P, P), Grade.ADVANCED),
        ((B, B, P, P), Grade.LEADING),
        ((B, B, P, E, P), Grade.ADVANCED),
        # average: at least half equal or better
        ((B, B, W, W), Grade.AVERAGE),  # 4 items: exactly half meeting
        ((E, P, F, W), Grade.AVERAGE),
        ((B, B, B, W, W), Grade.AVERAGE),  # 5 items: 3 of 5 meeting
        ((B, W), Grade.AVERAGE),
        ((B, B, B, W), Grade.AVERAGE),  # one worse is enough to lose "advanced"
        ((P, P, P, F), Grade.AVERAGE),  # a fail is not meeting
        # behind: fewer than half
        ((B, W, W, W), Grade.BEHIND),  # 4 items: just under half meeting
        ((B, B, W, W, W), Grade.BEHIND),  # 5 items: 2 of 5 meeting
        ((W, W, W, W), Grade.BEHIND),
        ((F,), Grade.BEHIND),
        ((W,), Grade.BEHIND),
    ],
    ids=lambda value: "".join(c.value[0].upper() for c in value) if isinstance(value, tuple) else None,
)
def test_grade_boundaries(comparisons, expected):
    assert grade_declaration(core(*comparisons)) == expected
    # With no core indicator marked, all of them count, the same way.
    assert grade_declaration(plain(*comparisons)) == expected


def test_only_core_indicators_count_when_any_is_core():
    items = core(B, B) + plain(W, W, W, F)
    assert grade_declaration(items) == Grade.LEADING


def test_non_core_better_does_not_lift_the_core_grade():
    items = core(W, W, E) + plain(B, B, B, B)
    assert grade_declaration(items) == Grade.BEHIND


def test_all_indicators_count_when_none_is_core():
    assert grade_declaration(plain(B, B, W, W, W)) == Grade.BEHIND
    assert grade_declaration(plain(B, B, W, W)) == Grade.AVERAGE


def test_empty_declaration_has_no_grade():
    assert grade_declaration([]) is None


def test_a_counted_item_without_comparison_means_no_grade():
    assert grade_declaration(core(B, B, None)) is None
    assert grade_declaration(plain(None)) is None
    assert grade_declaration(plain(B, B, B, None)) is None


def test_missing_value_on_an_uncounted_item_does_not_block_the_grade():
    assert grade_declaration(core(B, E) + plain(None, None)) == Grade.LEADING


def test_comparisons_as_stored_strings_grade_the_same():
    # Items read back from the database carry plain strings, not enum members.
    items = [GradedItem(comparison=c, is_core=True) for c in ("better", "better", "equal", "pass")]
    assert grade_declaration(items) == Grade.LEADING
    items = [GradedItem(comparison=c, is_core=True) for c in ("better", "worse", "worse", "fail")]
    assert grade_declaration(items) == Grade.BEHIND


def test_accepts_any_iterable_once():
    generator = (item for item in core(B, B, E, E))
    assert grade_declaration(generator) == Grade.LEADING


# -- progress against the plan ---------------------------------------------------

PLAN_START, PLAN_END = dt.date(2024, 1, 1), dt.date(2026, 12, 31)


@pytest.mark.parametrize(
    ("on", "elapsed"),
    [
        (dt.date(2023, 12, 31), 0.0),  # before the plan: nothing has gone by
        (dt.date(2024, 1, 1), 1 / 1096),  # the end of the first day
        (dt.date(2025, 7, 2), 549 / 1096),
        (dt.date(2026, 12, 31), 1.0),
        (dt.date(2027, 3, 1), 1.0),  # after the deadline it stays at 100%
    ],
)
def test_plan_elapsed(on, elapsed):
    assert plan_elapsed(starts_on=PLAN_START, ends_on=PLAN_END, on=on) == pytest.approx(elapsed)


def test_pace_line_runs_from_the_count_at_the_start_to_the_target():
    assert expected_by_pace(baseline=20, target=100, elapsed=0.0) == 20
    assert expected_by_pace(baseline=20, target=100, elapsed=0.5) == 60
    assert expected_by_pace(baseline=20, target=100, elapsed=1.0) == 100
    # A target already met when the plan began stays met.
    assert expected_by_pace(baseline=120, target=100, elapsed=0.3) == 100


def test_projection_at_the_rate_of_the_last_90_days():
    on = dt.date(2026, 1, 1)
    # 9 added in 90 days = 0.1 a day; 10 to go → 100 days.
    assert projected_completion(count=90, count_window_ago=81, target=100, on=on) == on + dt.timedelta(
        days=100
    )
    # A fraction of a day still needs that day.
    assert projected_completion(count=90, count_window_ago=83, target=100, on=on) == on + dt.timedelta(
        days=129
    )
    assert projected_completion(count=100, count_window_ago=90, target=100, on=on) == on  # reached
    assert projected_completion(count=90, count_window_ago=90, target=100, on=on) is None  # no progress
    assert projected_completion(count=88, count_window_ago=90, target=100, on=on) is None  # going back


def test_office_completion_caps_each_quota_and_averages_them():
    assert office_completion(enterprises=5, enterprise_quota=10, results=10, result_quota=20) == 0.5
    # Surplus results do not hide missing enterprises.
    assert office_completion(enterprises=5, enterprise_quota=10, results=40, result_quota=20) == 0.75
    assert office_completion(enterprises=12, enterprise_quota=10, results=25, result_quota=20) == 1.0
    assert office_completion(enterprises=3, enterprise_quota=0, results=5, result_quota=10) == 0.5
    assert office_completion(enterprises=3, enterprise_quota=0, results=5, result_quota=0) is None
