"""How a declaration's values read on a page."""

from django import template

from ..selectors.declarations import item_display
from ..validators import national_platform_host

register = template.Library()


@register.filter
def declared_value(item) -> str:
    """The value an enterprise declared for one indicator: 92 (not 92.000000), or 符合/不符合."""
    return item_display(item)


@register.filter
def leads_to_national_platform(url: str) -> bool:
    """Is ``url`` a link to the national 企业标准信息公共服务平台 (``validators.national_platform_host``)?
    A link stored before that rule may lead anywhere: pages show such a one as text, never as a link."""
    return national_platform_host(url) is not None
