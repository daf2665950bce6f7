"""How a declaration's values read on a page."""

from django import template

from ..selectors.declarations import item_display

register = template.Library()


@register.filter
def declared_value(item) -> str:
    """The value an enterprise declared for one indicator: 92 (not 92.000000), or 符合/不符合."""
    return item_display(item)
