"""People's names in templates, in Chinese order (``benchmarking.people``)."""

from django import template

from .. import people

register = template.Library()


@register.filter
def person(user) -> str:
    """``{{ user|person }}``: 应立新, or the username when the account has no name."""
    return people.full_name(user)


@register.filter
def recorded_name(user) -> str:
    """``{{ user|recorded_name|default:"—" }}``: the name alone, "" when none is recorded."""
    return people.chinese_name(user)
