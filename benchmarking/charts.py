"""Trend charts drawn on the server as SVG: no script and no network needed to read
them, and they print as crisply as the text around them."""

import math
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from .selectors.dashboard import Dashboard

WIDTH, HEIGHT = 360, 210
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 14, 30


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


def _nice_ceiling(value: int) -> int:
    """The next round number at or above ``value`` (1, 2, 2.5 or 5 times a power of ten)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return int(step * power) if step * power >= 1 else 1
    return 10 * power


def trend_chart(dashboard: Dashboard, key: str) -> SafeString:
    """One measure's cumulative count at each month end, against the straight target line
    from the plan's start to its end date."""
    measure = dashboard.measure(key)
    plan = dashboard.plan
    if plan is None or not dashboard.trend:
        return mark_safe("")
    months = dashboard.months
    counts = [getattr(point.progress, key) for point in dashboard.trend]
    top = max([*counts, measure.target or 0, 1])
    frame = _Frame(months=len(months), y_max=_nice_ceiling(top))

    ticks = [frame.y_max * i // 4 for i in range(5)]
    grid = format_html_join(
        "",
        '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
        '<text class="tick" x="{}" y="{}" text-anchor="end">{}</text>',
        (
            (LEFT, WIDTH - RIGHT, _n(frame.y(t)), _n(frame.y(t)), LEFT - 4, _n(frame.y(t) + 4), t)
            for t in ticks
        ),
    )
    # A year label under each January, and one under the plan's first month.
    x_labels = format_html_join(
        "",
        '<text class="tick" x="{}" y="{}" text-anchor="middle">{}</text>',
        (
            (_n(frame.x(i)), HEIGHT - 10, f"{m.year}年" if m.month == 1 else f"{m.month}月")
            for i, m in enumerate(months)
            if m.month == 1 or i == 1
        ),
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
            _n(frame.y(measure.target) - 4),
            measure.target,
        )
    points = " ".join(f"{_n(frame.x(i))},{_n(frame.y(c))}" for i, c in enumerate(counts))
    last_x, last_y = frame.x(len(counts) - 1), frame.y(counts[-1])
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
        _n(last_x - 5),
        _n(last_y + 14),
        counts[-1],
    )
