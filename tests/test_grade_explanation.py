"""The one line that explains a declaration's grade (rules.grade_explanation): it must state
the rule that produced the grade, for every outcome of grade_declaration and for overrides."""

import pytest

from benchmarking.choices import Comparison, Grade
from benchmarking.rules import GradedItem, grade_declaration, grade_explanation

B, E, W = Comparison.BETTER, Comparison.EQUAL, Comparison.WORSE
IN, OUT, P, F = Comparison.INSIDE, Comparison.OUTSIDE, Comparison.PASS, Comparison.FAIL


def core(*comparisons):
    return [GradedItem(comparison=c, is_core=True) for c in comparisons]


def other(*comparisons):
    return [GradedItem(comparison=c, is_core=False) for c in comparisons]


def explain(items, override=""):
    """The line for ``items`` graded by the real rule, as the pages call it."""
    return grade_explanation(items, override_grade=override)


@pytest.mark.parametrize(
    ("items", "grade", "expected"),
    [
        (
            core(B, B, E, P),
            Grade.LEADING,
            "按 4 项核心指标评定：优于 2 项、等于 1 项、符合 1 项；"
            "全部达到对标值，且优于对标值的 2 项不少于一半，故为“领先”。",
        ),
        (
            core(B, E, IN, P),
            Grade.ADVANCED,
            "按 4 项核心指标评定：优于 1 项、等于 1 项、区间内 1 项、符合 1 项；"
            "全部达到对标值，但优于对标值的 1 项不足一半（“领先”须至少一半优于），故为“先进”。",
        ),
        (
            core(B, W, IN, OUT),
            Grade.AVERAGE,
            "按 4 项核心指标评定：优于 1 项、区间内 1 项、劣于 1 项、区间外 1 项；"
            "达到对标值的 2 项不少于一半但未全部达到，故为“平均”。",
        ),
        (
            core(E, W, F),
            Grade.BEHIND,
            "按 3 项核心指标评定：等于 1 项、劣于 1 项、不符合 1 项；达到对标值的 1 项不足一半，故为“落后”。",
        ),
    ],
    ids=["leading", "advanced", "average", "behind"],
)
def test_each_grade_is_explained_by_its_threshold(items, grade, expected):
    assert grade_declaration(items) == grade
    assert explain(items) == expected


def test_a_failing_non_core_indicator_is_said_not_to_count():
    # The demo's declaration 461: 先进 beside a 不符合 that is not a core indicator.
    items = core(E, E, IN) + other(IN, F)
    assert grade_declaration(items) == Grade.ADVANCED
    assert explain(items) == (
        "按 3 项核心指标评定（另有 2 项非核心指标不计入等级）：等于 2 项、区间内 1 项；"
        "全部达到对标值，但没有优于对标值的（“领先”须至少一半优于），故为“先进”。"
    )


def test_without_core_indicators_every_indicator_counts():
    items = other(B, W)
    assert grade_declaration(items) == Grade.AVERAGE
    assert explain(items).startswith("方案未标核心指标，按全部 2 项指标评定：优于 1 项、劣于 1 项；")


def test_missing_values_mean_no_grade_yet():
    items = core(B, None, "") + other(None)
    assert grade_declaration(items) is None
    assert (
        explain(items)
        == "按 3 项核心指标评定（另有 1 项非核心指标不计入等级）：优于 1 项；尚有 2 项未填写，按规则暂不评定。"
    )


def test_nothing_entered_yet():
    assert explain(core(None, None)) == "按 2 项核心指标评定：尚有 2 项未填写，按规则暂不评定。"


def test_a_scheme_without_indicators():
    assert explain([]) == "该技术方案没有关键指标，无法评定对标水平。"


def test_a_staff_override_is_said_after_the_rule():
    items = core(B, W, W)
    assert grade_declaration(items) == Grade.BEHIND
    line = explain(items, override=Grade.AVERAGE)
    assert line == (
        "按 3 项核心指标评定：优于 1 项、劣于 2 项；达到对标值的 1 项不足一半，故为“落后”；"
        "审核人员已将对标水平调整为“平均”。"
    )


def test_an_override_equal_to_the_rule_is_a_confirmation():
    items = core(B, B)
    assert explain(items, override=Grade.LEADING).endswith("故为“领先”；审核人员审核确认了这一等级。")


def test_an_override_of_an_ungraded_declaration():
    line = explain(core(B, None), override=Grade.ADVANCED)
    assert line.endswith("尚有 1 项未填写，按规则暂不评定；审核人员已将对标水平调整为“先进”。")


def test_stored_strings_explain_the_same():
    # The pages pass stored values ("better", "" for missing), not Comparison members.
    items = [GradedItem(comparison=c, is_core=True) for c in ("better", "inside")]
    assert explain(items) == explain(core(B, IN))
