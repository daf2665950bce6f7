"""One enterprise's page (档案): its particulars, its declarations and its quality records — the
浙江制造 standards it drafts, its 品字标 and 一带一路 certificates (docs/domain.md "Quality
figures"). Read through the viewer's scope, in a fixed number of queries however many rows."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, QuerySet
from django.shortcuts import get_object_or_404

from ..access import works_in_a_county
from ..choices import CertificateStatus
from ..models import (
    BeltRoadCertificate,
    Declaration,
    Enterprise,
    PinCertificate,
    ZhejiangMadeDrafter,
)
from ..scoping import visible_to

__all__ = ["EXPIRY_WARNING", "EnterprisePage", "enterprise_page", "expires_soon", "expiry_state"]

# A valid certificate whose expiry is this near is flagged, on the enterprise's page and in the
# admin's lists: time enough to apply for its renewal.
EXPIRY_WARNING = dt.timedelta(days=90)


def expiry_state(certificate, today: dt.date) -> str:
    """ "expired" for a certificate still recorded as valid past its expiry date, "soon" for one
    valid that expires within ``EXPIRY_WARNING``, else "" (a suspended, revoked or expired one
    says so by its status)."""
    if certificate.status != CertificateStatus.VALID or certificate.expires_on is None:
        return ""
    if certificate.expires_on < today:
        return "expired"
    if certificate.expires_on <= today + EXPIRY_WARNING:
        return "soon"
    return ""


def expires_soon(certificate, today: dt.date) -> bool:
    """Whether a valid certificate is at or near its expiry (``expiry_state``)."""
    return bool(expiry_state(certificate, today))


@dataclass
class EnterprisePage:
    enterprise: Enterprise
    declarations: list[Declaration]
    # The standards it drafts, each as its drafter row (its role), with the standard loaded.
    drafts: list[ZhejiangMadeDrafter]
    pin_certificates: list[PinCertificate]
    belt_road_certificates: list[BeltRoadCertificate]
    # Above a county the viewer reads several counties: the page names the enterprise's.
    shows_county: bool


def _certificates(user, model, enterprise, today) -> list:
    rows = list(visible_to(user, model).filter(enterprise=enterprise).order_by("-issued_on", "number"))
    for certificate in rows:
        certificate.expiry_state = expiry_state(certificate, today)
    return rows


def enterprise_page(user, pk: int, *, today: dt.date) -> EnterprisePage:
    """The enterprise ``pk`` as ``user`` may read it; Http404 when it is outside their scope."""
    enterprises: QuerySet = visible_to(user, Enterprise).select_related(
        "branch_office",
        "industry",
        "region",  # the 所属监管所, 行业 and 所属县 lines
    )
    enterprise = get_object_or_404(enterprises, pk=pk)
    declarations = list(
        visible_to(user, Declaration)
        .filter(enterprise=enterprise)
        .select_related("scheme")  # the 技术方案 column
        .order_by("-updated_at", "-pk")
    )
    drafts = list(
        visible_to(user, ZhejiangMadeDrafter)
        .filter(enterprise=enterprise)
        .select_related("standard")  # the 标准编号, 名称, 阶段 and dates columns
        # Those still in the making (no publication date) first, on every database.
        .order_by(F("standard__published_on").desc(nulls_first=True), "standard__title")
    )
    return EnterprisePage(
        enterprise=enterprise,
        declarations=declarations,
        drafts=drafts,
        pin_certificates=_certificates(user, PinCertificate, enterprise, today),
        belt_road_certificates=_certificates(user, BeltRoadCertificate, enterprise, today),
        shows_county=not works_in_a_county(user),
    )
