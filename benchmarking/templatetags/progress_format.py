"""Number formats of the progress pages."""

from django import template

register = template.Library()


@register.filter
def percent(value: float | None, digits: int = 1) -> str:
    """0.6321 → "63.2%"; a missing share → "—"."""
    if value is None:
        return "—"
    return f"{value * 100:.{digits}f}%"
