"""Template filters over the identifiers of docs/domain.md, "Identifiers"."""

from django import template

from ..validators import credit_code_region_note

register = template.Library()


@register.filter
def region_note(credit_code: str) -> str:
    """The outside-Yongkang note for a credit code ("" for one registered in Yongkang)."""
    return credit_code_region_note(credit_code)
