"""Trend charts drawn on the server as SVG: no script and no network needed to read
them, and they print as crisply as the text around them."""

import math
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from .selectors.dashboard import Dashboard

# The viewBox is about as wide as the chart is drawn (a third of the 1100 px page at 1366 px,
# a phone's width less the card's padding at 390 px: 295–310 px), so a label of 15 units is
# drawn at about 15 px, never below 12 px on those screens: tests/e2e/test_chart_labels.py.
# The label sizes are in static/css/site.css (.trend-chart .tick), in these same units.
WIDTH, HEIGHT = 300, 200
LEFT, RIGHT, TOP, BOTTOM = 46, 10, 22, 28
# Labels of the x axis closer than this (in viewBox units) to the one before are left out.
MIN_LABEL_GAP = 58

# The y axis runs in steps of 1, 2, 2.5 or 5 times a power of ten, at most this many.
NICE_STEPS = (1, 2, 2.5, 5)
MAX_INTERVALS = 5


@dataclass(frozen=True)
class _Frame:
    months: int  # number of month ends on the x axis
    y_max: int

    def x(self, index: int) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * index / max(self.months - 1, 1)

    def y(self, value: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / self.y_max)


def _n(coordinate: float) -> str:
    """An SVG coordinate to one decimal (format_html escapes its arguments before formatting)."""
    return f"{coordinate:.1f}"


def axis_scale(top: int) -> tuple[int, int]:
    """The y axis for counts up to ``top`` (the larger of the target and the count): its
    maximum and its tick step. The step is a whole "nice" number (1, 2, 2.5 or 5 times a power
    of ten) and the maximum the smallest multiple of it at or above ``top`` in at most
    ``MAX_INTERVALS`` steps, so the axis ends near the target (600 for a target of 600, not
    1,000); between two equal maxima, the one nearest four steps (0, 25, 50, 75, 100)."""
    top = max(top, 1)
    power = 10 ** math.floor(math.log10(top))
    candidates = []
    for scale in (power // 10 or 1, power, power * 10):
        for nice in NICE_STEPS:
            step = nice * scale
            if step < 1 or step != int(step):
                continue  # counts are whole numbers: no tick at 2.5
            intervals = math.ceil(top / step)
            if intervals <= MAX_INTERVALS:
                candidates.append((intervals * int(step), abs(intervals - 4), int(step)))
    axis_max, _, step = min(candidates)
    return axis_max, step


def _x_labels(months: list) -> list[tuple[int, str]]:
    """(index, label) under the x axis: each January as its year and the plan's first month
    (index 1), left out where it would run into the label before it."""
    wanted = [
        (i, f"{m.year}年" if m.month == 1 else f"{m.month}月")
        for i, m in enumerate(months)
        if m.month == 1 or i == 1
    ]
    frame = _Frame(months=len(months), y_max=1)
    kept: list[tuple[int, str]] = []
    for index, label in wanted:
        if kept and frame.x(index) - frame.x(kept[-1][0]) < MIN_LABEL_GAP:
            continue
        kept.append((index, label))
    return kept


def trend_chart(dashboard: Dashboard, key: str) -> SafeString:
    """One measure's cumulative count at each month end, against the straight target line
    from the plan's start to its end date."""
    measure = dashboard.measure(key)
    plan = dashboard.plan
    if plan is None or not dashboard.trend:
        return mark_safe("")
    months = dashboard.months
    counts = [getattr(point.progress, key) for point in dashboard.trend]
    y_max, step = axis_scale(max([*counts, measure.target or 0, 1]))
    frame = _Frame(months=len(months), y_max=y_max)

    ticks = range(0, y_max + 1, step)
    grid = format_html_join(
        "",
        '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
        '<text class="tick" x="{}" y="{}" text-anchor="end">{}</text>',
        (
            (LEFT, WIDTH - RIGHT, _n(frame.y(t)), _n(frame.y(t)), LEFT - 5, _n(frame.y(t) + 5), t)
            for t in ticks
        ),
    )
    x_labels = format_html_join(
        "",
        '<text class="tick" x="{}" y="{}" text-anchor="middle">{}</text>',
        ((_n(frame.x(i)), HEIGHT - 6, label) for i, label in _x_labels(months)),
    )
    target_line = ""
    if measure.target is not None:
        target_line = format_html(
            '<line class="target" x1="{}" y1="{}" x2="{}" y2="{}"/>'
            '<text class="target-label" x="{}" y="{}" text-anchor="end">目标 {}</text>',
            _n(frame.x(0)),
            _n(frame.y(measure.baseline if measure.baseline < measure.target else measure.target)),
            _n(frame.x(len(months) - 1)),
            _n(frame.y(measure.target)),
            _n(frame.x(len(months) - 1)),
            _n(frame.y(measure.target) - 5),
            measure.target,
        )
    points = " ".join(f"{_n(frame.x(i))},{_n(frame.y(c))}" for i, c in enumerate(counts))
    last_x, last_y = frame.x(len(counts) - 1), frame.y(counts[-1])
    # The count's label sits under the line's end, or over it where the x axis's labels are.
    label_y = last_y + 18 if last_y + 18 < frame.y(0) - 4 else last_y - 8
    return format_html(
        '<svg class="trend-chart" viewBox="0 0 {} {}" role="img" aria-labelledby="trend-{}-title">'
        '<title id="trend-{}-title">{}：每月末累计数与目标线</title>'
        '<line class="axis" x1="{}" x2="{}" y1="{}" y2="{}"/>'
        "{}{}{}"
        '<polyline class="actual" points="{}"/>'
        '<circle class="actual-end" cx="{}" cy="{}" r="3"/>'
        '<text class="actual-label" x="{}" y="{}" text-anchor="end">{}</text>'
        "</svg>",
        WIDTH,
        HEIGHT,
        key,
        key,
        measure.label,
        LEFT,
        WIDTH - RIGHT,
        _n(frame.y(0)),
        _n(frame.y(0)),
        grid,
        x_labels,
        target_line,
        points,
        _n(last_x),
        _n(last_y),
        _n(last_x - 6),
        _n(label_y),
        counts[-1],
    )
