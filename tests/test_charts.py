"""The trend charts' y axis (charts.axis_scale): it ends at the smallest "nice" multiple at or
above the larger of the target and the count, not at a big round number far above it."""

import pytest

from benchmarking.charts import MAX_INTERVALS, axis_scale


@pytest.mark.parametrize(
    ("top", "axis_max", "step"),
    [
        (600, 600, 200),  # the demo's results target: the axis ends at the target, not 1,000
        (480, 500, 100),
        (612, 750, 250),  # a count past the target: the next nice stop, not 1,000
        (300, 300, 100),
        (230, 250, 50),
        (100, 100, 25),
        (61, 75, 25),
        (7, 8, 2),  # no half-record ticks: counts are whole numbers
        (3, 3, 1),
        (1, 1, 1),
        (0, 1, 1),  # nothing yet and no target: still an axis
        (1001, 1250, 250),
        (9999, 10000, 2500),
    ],
)
def test_the_axis_ends_at_the_smallest_nice_stop_above_the_top(top, axis_max, step):
    assert axis_scale(top) == (axis_max, step)


@pytest.mark.parametrize("top", range(1, 3001, 7))
def test_every_axis_holds_its_top_in_few_whole_steps(top):
    axis_max, step = axis_scale(top)
    assert axis_max >= top
    assert axis_max % step == 0 and isinstance(step, int)
    assert axis_max // step <= MAX_INTERVALS
    # No nice stop lies between the top and the axis's end: the next step down would not hold it.
    assert axis_max - step < top or axis_max // step == 1
