"""The bureau's other quality figures (质量强市, docs/domain.md "Quality figures"), as of an
instant T, and the records behind each: the one place their rules live, used by the dashboard's
section, its drill-down lists and the tests.

Every record counts in its enterprise's *current* county (``enterprise__region``), as results do
(selectors.progress); a branch office's share is its enterprises' (``enterprise__branch_office``).

- 浙江制造 standards led: standards at stage 发布 whose ``published_on`` is on or before T's
  (Shanghai) day, counted where their 主导 enterprise is; the enterprises are the distinct lead
  enterprises of those standards. New this year: published in T's calendar year.
- 品字标 enterprises: distinct enterprises holding a certificate valid on T's day (``valid_on_q``);
  new this year: those whose first certificate ever (whatever became of it) was issued in T's year.
- 一带一路 certificates: certificates valid on T's day; new this year: issued in T's year.

A certificate is valid on a day when it was issued on or before it, expires on or after it (a
一带一路 certificate without an expiry date never expires) and is not 撤销. Status carries no
date, so a revoked certificate never counts, on any day; a 暂停 one still counts (it is the
enterprise's, suspended for a while); 过期 is read from ``expires_on``, not from the status.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from ..choices import CertificateStatus, DrafterRole, ZhejiangStandardStage
from ..models import (
    BeltRoadCertificate,
    Enterprise,
    PinCertificate,
    ZhejiangMadeDrafter,
    ZhejiangMadeStandard,
)
from ..regions import RegionScope
from .progress import instant


@dataclass(frozen=True)
class QualityFigures:
    """The 质量强市 figures of one region (or office) as of one day."""

    as_of: dt.date
    standards: int = 0
    standards_new: int = 0
    lead_enterprises: int = 0
    pin_enterprises: int = 0
    pin_enterprises_new: int = 0
    belt_road_certificates: int = 0
    belt_road_certificates_new: int = 0


def day_of(as_of: dt.datetime | dt.date | None) -> dt.date:
    """T's Shanghai calendar day: the records are dated by day."""
    if isinstance(as_of, dt.date) and not isinstance(as_of, dt.datetime):
        return as_of
    return timezone.localtime(instant(as_of)).date()


def valid_on_q(day: dt.date, prefix: str = "") -> Q:
    """A certificate valid on ``day`` (see the module)."""
    return (
        Q(**{f"{prefix}issued_on__lte": day})
        & (Q(**{f"{prefix}expires_on__isnull": True}) | Q(**{f"{prefix}expires_on__gte": day}))
        & ~Q(**{f"{prefix}status": CertificateStatus.REVOKED})
    )


def _of_enterprises(
    queryset: QuerySet, *, region: RegionScope | None, branch_office_id: int | None, prefix: str
) -> QuerySet:
    if region is not None:
        queryset = queryset.filter(region.q(f"{prefix}region"))
    if branch_office_id is not None:
        queryset = queryset.filter(**{f"{prefix}branch_office_id": branch_office_id})
    return queryset


def _leads(day: dt.date, region, branch_office_id) -> QuerySet[ZhejiangMadeDrafter]:
    """The 主导 rows of the standards published by ``day`` (one per standard: the model's constraint)."""
    return _of_enterprises(
        ZhejiangMadeDrafter.objects.filter(
            role=DrafterRole.LEAD,
            standard__stage=ZhejiangStandardStage.PUBLISHED,
            standard__published_on__lte=day,
        ),
        region=region,
        branch_office_id=branch_office_id,
        prefix="enterprise__",
    )


def led_standards(
    as_of=None, *, region: RegionScope | None = None, branch_office_id: int | None = None, new_this_year=False
) -> QuerySet[ZhejiangMadeStandard]:
    """The 浙江制造 standards counted as of T (of the region's or office's lead enterprises)."""
    day = day_of(as_of)
    leads = _leads(day, region, branch_office_id)
    if new_this_year:
        leads = leads.filter(standard__published_on__gte=day.replace(month=1, day=1))
    return ZhejiangMadeStandard.objects.filter(pk__in=leads.values("standard_id"))


def _pin_per_enterprise(day: dt.date, region, branch_office_id) -> QuerySet:
    """Per enterprise with a certificate issued by ``day``: its valid certificates and its first."""
    return (
        _of_enterprises(
            PinCertificate.objects.filter(issued_on__lte=day),
            region=region,
            branch_office_id=branch_office_id,
            prefix="enterprise__",
        )
        .values("enterprise_id")
        .annotate(valid=Count("pk", filter=valid_on_q(day)), first=Min("issued_on"))
        .filter(valid__gt=0)
        .order_by()
    )


def pin_enterprises(
    as_of=None, *, region: RegionScope | None = None, branch_office_id: int | None = None, new_this_year=False
) -> QuerySet[Enterprise]:
    """The 品字标 enterprises as of T (new this year: whose first certificate is of T's year)."""
    day = day_of(as_of)
    per_enterprise = _pin_per_enterprise(day, region, branch_office_id)
    if new_this_year:
        per_enterprise = per_enterprise.filter(first__gte=day.replace(month=1, day=1))
    return Enterprise.objects.filter(pk__in=per_enterprise.values("enterprise_id"))


def belt_road_certificates(
    as_of=None, *, region: RegionScope | None = None, branch_office_id: int | None = None, new_this_year=False
) -> QuerySet[BeltRoadCertificate]:
    """The 一带一路 certificates valid as of T (new this year: issued in T's year)."""
    day = day_of(as_of)
    certificates = _of_enterprises(
        BeltRoadCertificate.objects.filter(valid_on_q(day)),
        region=region,
        branch_office_id=branch_office_id,
        prefix="enterprise__",
    )
    if new_this_year:
        certificates = certificates.filter(issued_on__gte=day.replace(month=1, day=1))
    return certificates


def quality_figures(
    as_of=None, *, region: RegionScope | None = None, branch_office_id: int | None = None
) -> QualityFigures:
    """Every 质量强市 figure as of T, in three queries (one per kind of record)."""
    day = day_of(as_of)
    new_year = day.replace(month=1, day=1)
    standards = _leads(day, region, branch_office_id).aggregate(
        standards=Count("standard_id", distinct=True),
        new=Count("standard_id", distinct=True, filter=Q(standard__published_on__gte=new_year)),
        enterprises=Count("enterprise_id", distinct=True),
    )
    pin = _pin_per_enterprise(day, region, branch_office_id).aggregate(
        enterprises=Count("enterprise_id"),
        new=Count("enterprise_id", filter=Q(first__gte=new_year)),
    )
    belt_road = _of_enterprises(
        BeltRoadCertificate.objects.filter(valid_on_q(day)),
        region=region,
        branch_office_id=branch_office_id,
        prefix="enterprise__",
    ).aggregate(certificates=Count("pk"), new=Count("pk", filter=Q(issued_on__gte=new_year)))
    return QualityFigures(
        as_of=day,
        standards=standards["standards"],
        standards_new=standards["new"],
        lead_enterprises=standards["enterprises"],
        pin_enterprises=pin["enterprises"],
        pin_enterprises_new=pin["new"],
        belt_road_certificates=belt_road["certificates"],
        belt_road_certificates_new=belt_road["new"],
    )
