"""The deployment's name, for the header and the page titles."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def site_name() -> str:
    """settings.BENCHMARKING_SITE_NAME. A tag, not a context processor: the error pages (500, 503)
    are rendered without a request, and they carry the header too."""
    return settings.BENCHMARKING_SITE_NAME
