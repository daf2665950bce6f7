"""Reads of the region tree (``benchmarking.regions`` loads it)."""

from collections.abc import Collection

from ..choices import COUNTY_LEVEL_KINDS
from ..models import Region, home_region_code
from ..regions import county_code_of_credit_code
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


def enterprise_region_code(credit_code: str | None, county_codes: Collection[str] | None = None) -> str:
    """The county-level region a new enterprise is given (docs/domain.md, "Regions"): the one
    its credit code names when that is a stored county-level region, else the home region
    (``models.home_region_code``). Staff correct it in the admin. Pass ``county_codes``
    (``county_level_codes()``, asked once) when placing many; without it, at most one query."""
    if county_codes is None:
        found = county_of_credit_code(credit_code)
        return found.code if found is not None else home_region_code()
    return county_code_of_credit_code(credit_code, county_codes) or home_region_code()
