"""Reads of the region tree (``benchmarking.regions`` loads it)."""

from ..choices import COUNTY_LEVEL_KINDS
from ..models import Region
from ..validators import credit_code_region


def county_level_codes() -> frozenset[str]:
    """The codes of every county-level region stored (市辖区, 县级市, 县, 自治县): what
    ``regions.county_code_of_credit_code`` is asked against. One query, however many credit
    codes are then mapped (an import maps them all with one set)."""
    return frozenset(Region.objects.filter(kind__in=COUNTY_LEVEL_KINDS).values_list("code", flat=True))


def county_of_credit_code(credit_code: str | None) -> Region | None:
    """The county-level region one enterprise defaults to from its credit code, or None where
    ``regions.county_code_of_credit_code`` would say None (the same rule, asked of the database
    for one code: at most one query)."""
    code = credit_code_region(credit_code or "")
    if not code:
        return None
    return Region.objects.filter(code=code, kind__in=COUNTY_LEVEL_KINDS).first()
