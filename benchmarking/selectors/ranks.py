"""The region tree as the rank rules (``benchmarking.ranks``) take it."""

from ..choices import COUNTY_LEVEL_KINDS
from ..models import Region
from ..ranks import CountyPlace, tree_from_rows


def county_places() -> dict[str, CountyPlace]:
    """Every county-level unit stored, by code, with its kind and its prefecture (code and short
    name): one query, joined to the parent. Empty when no tree is loaded."""
    rows = Region.objects.filter(kind__in=COUNTY_LEVEL_KINDS).values_list(
        "code", "kind", "parent__code", "parent__short_name"
    )
    return tree_from_rows(rows)
