"""What the 千项计划 progress dashboard computes, as benchmarking.selectors.dashboard answers it:
the figures as of a day, the pace line and the projection, the offices' completion and rank,
the 考核 table's order, and the industry breakdown. Who may open the page, its parameters,
its links and its report are tests/views/test_dashboard.py."""

import datetime as dt

import pytest
from django.utils import timezone

from benchmarking.rules import PACE_TOLERANCE_POINTS, PaceBand, pace_band
from benchmarking.selectors.dashboard import dashboard_for
from benchmarking.selectors.progress import progress_as_of
from tests.conftest import sh
from tests.factories import BranchOfficeFactory


def figures(dashboard):
    return {m.key: m.count for m in dashboard.measures}


# ---------------------------------------------------------------------------
# as of a day
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("day", ["2023-12-31", "2024-06-30", "2025-02-28", "2025-03-31"])
def test_figures_as_of_a_past_day_follow_the_counting_rule(records, day):
    dashboard = dashboard_for(as_of=dt.date.fromisoformat(day))
    expected = progress_as_of(dt.date.fromisoformat(day))

    assert figures(dashboard) == {
        "schemes": expected.schemes,
        "enterprises": expected.enterprises,
        "results": expected.results,
    }


def test_a_result_withdrawn_later_still_counts_on_the_day_before(records):
    assert figures(dashboard_for(as_of=dt.date(2025, 2, 28)))["results"] == 5
    assert figures(dashboard_for(as_of=dt.date(2025, 3, 31)))["results"] == 4


# ---------------------------------------------------------------------------
# pace, projection, 考核
# ---------------------------------------------------------------------------


def test_pace_runs_from_the_count_before_the_plan_to_the_target(records):
    dashboard = dashboard_for(as_of=dt.date(2025, 7, 1))
    results = dashboard.measure("results")

    # 1 result before the plan; 548 of 1096 days gone at the end of 1 July 2025 → halfway to 12.
    assert dashboard.elapsed == pytest.approx(548 / 1096)
    assert results.baseline == 1
    assert results.expected == round(1 + 11 * 548 / 1096)
    assert results.count == 4
    assert results.ahead_by == 4 - results.expected < 0
    # Nothing was published in the 90 days before: no date can be projected.
    assert results.projected_on is None


def test_projection_uses_the_rate_of_the_last_90_days(records, declare, enterprise):
    for n in range(3):
        declare(enterprise, model=f"A-R{n}", published=sh(2025, 6, 1 + n))
    results = dashboard_for(as_of=dt.date(2025, 7, 1)).measure("results")

    # 3 in the 90 days to 1 July: 5 to go at 1/30 a day → 150 days.
    assert results.count == 7
    assert results.projected_on == dt.date(2025, 7, 1) + dt.timedelta(days=150)


def test_offices_are_ranked_by_completion_and_laggards_marked(records, office, other_office):
    rows = {row.office: row for row in dashboard_for(as_of=dt.date(2024, 12, 31)).offices}

    # 东城: 1 of 2 enterprises, 3 of 4 results → 62.5%; 西城: 1 of 4, 1 of 8 → 18.75%.
    assert rows[office].completion == pytest.approx(0.625)
    assert rows[other_office].completion == pytest.approx(0.1875)
    assert (rows[office].rank, rows[other_office].rank) == (1, 2)
    # A third of the plan's time is gone by: 西城 is behind it, 东城 is not.
    # (The page marking the laggard: tests/views/test_dashboard.py, the whole city's page.)
    assert (rows[office].pace_band, rows[other_office].pace_band) == (PaceBand.AHEAD, PaceBand.BEHIND)


@pytest.mark.parametrize(
    ("completion", "elapsed", "band"),
    [
        (0.976, 0.976, PaceBand.AHEAD),  # exactly on the time gone
        (1.0, 0.976, PaceBand.AHEAD),
        (0.975, 0.976, PaceBand.NEAR),  # a tenth of a point behind
        (0.876, 0.976, PaceBand.NEAR),  # exactly 10 points behind (0.976 - 0.876 != 0.1 in floats)
        (0.8759, 0.976, PaceBand.BEHIND),  # just over 10 points
        (0.0, 0.976, PaceBand.BEHIND),
        (0.0, 0.0, PaceBand.AHEAD),  # the plan's first moment
        (0.2, 0.3, PaceBand.NEAR),  # 0.3 - 0.2 is 0.09999999999999998
        (0.1, 0.2, PaceBand.NEAR),
        (None, 0.5, None),  # no quota
        (0.5, None, None),  # no plan
    ],
)
def test_pace_band_boundaries(completion, elapsed, band):
    assert pace_band(completion, elapsed) == band


def test_pace_band_labels_say_the_rule():
    assert [(b.colour, b.label) for b in PaceBand] == [
        ("绿色", "达到或超过时间进度"),
        ("黄色", f"落后不超过 {PACE_TOLERANCE_POINTS} 个百分点"),
        ("红色", f"落后超过 {PACE_TOLERANCE_POINTS} 个百分点"),
    ]
    assert PACE_TOLERANCE_POINTS == 10


def test_an_office_without_a_quota_is_listed_unranked(records):
    unassessed = BranchOfficeFactory(name="新设监管所", code="XS")
    rows = dashboard_for(as_of=timezone.localdate()).offices

    assert rows[-1].office == unassessed
    assert (rows[-1].rank, rows[-1].completion) == (None, None)


@pytest.mark.parametrize(
    ("sort", "first"), [("-completion", "东城"), ("completion", "西城"), ("-results", "东城")]
)
def test_the_assessment_table_sorts_by_column(records, sort, first):
    rows = dashboard_for(as_of=dt.date(2024, 12, 31), sort=sort).offices
    assert rows[0].office.name.startswith(first)


def test_industry_breakdown_counts_enterprises_under_their_industry(records, enterprise):
    rows = {r.industry: r for r in dashboard_for(as_of=dt.date(2024, 12, 31)).industries}
    assert rows[enterprise.industry].results == 3
    assert rows[enterprise.industry].enterprises == 1


def test_a_branch_office_sees_its_rank_among_all_offices(records, other_office):
    rows = dashboard_for(as_of=dt.date(2024, 12, 31), branch_office=other_office).offices
    assert [(row.office, row.rank) for row in rows] == [(other_office, 2)]
