"""Links from a figure to the list of the records it counts, shared by the dashboard and the
home page so both open the same list for the same figure."""

import datetime as dt
from urllib.parse import urlencode

from django.urls import reverse

# The list behind each of the plan's three figures (selectors.dashboard.Measure.key).
MEASURE_LISTS = {"schemes": "scheme-list", "enterprises": "enterprise-list", "results": "declaration-list"}


def list_url(name: str, **filters) -> str:
    """The list ``name`` filtered by ``filters`` (those set to None left out)."""
    query = urlencode({key: value for key, value in filters.items() if value is not None})
    return f"{reverse(name)}?{query}" if query else reverse(name)


def counted_list_url(name: str, as_of: dt.date, **filters) -> str:
    """The records behind a figure: counted at the end of ``as_of``, the same breakdown."""
    return list_url(name, counted_on=as_of.isoformat(), **filters)
