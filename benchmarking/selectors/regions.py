"""Reads of the region tree (``benchmarking.regions`` loads it)."""

from collections.abc import Collection

from django.db.models import QuerySet

from ..access import region_scope_of
from ..choices import COUNTY_LEVEL_KINDS
from ..models import BranchOffice, Region, home_region_code
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


def served_county_codes() -> frozenset[str]:
    """The county-level regions this deployment works in: the home county and every county with
    a branch office. One query. A deployment for one county serves that county alone, so no
    credit code places an enterprise outside it."""
    offices = BranchOffice.objects.order_by().values_list("region_id", flat=True).distinct()
    return frozenset(offices) | {home_region_code()}


def enterprise_region_code(
    credit_code: str | None, county_codes: Collection[str] | None = None, *, otherwise: str | None = None
) -> str:
    """The county-level region a new enterprise is given (docs/domain.md, "Regions"): the one
    its credit code names when this deployment serves it (``served_county_codes``), else
    ``otherwise`` (its branch office's county), else the home region. Staff correct it in the
    admin. Pass ``county_codes`` (``served_county_codes()``, asked once) when placing many;
    without it, one query."""
    if county_codes is None:
        county_codes = served_county_codes()
    return county_code_of_credit_code(credit_code, county_codes) or otherwise or home_region_code()


def regions_to_place_in(user) -> QuerySet[Region]:
    """The regions ``user`` may put a record (an office, a plan, a scheme's publisher, an
    enterprise, a login) in: their own region and those under it — a county's bureau its county
    alone, so no one hands a login or an office to a county, or a level, above their own; a
    superuser every region."""
    if user.is_superuser:
        return Region.objects.all()
    return Region.objects.filter(region_scope_of(user).code_q())
