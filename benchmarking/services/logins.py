"""Lifting a network address's login limit (docs/domain.md, "Logins")."""

import logging

from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access import may_manage_accounts
from ..models import AddressLimitLift
from ..selectors.logins import address_limit, counted_failures
from .errors import WorkflowError

logger = logging.getLogger(__name__)

__all__ = ["address_limit_lift"]


@transaction.atomic
def address_limit_lift(*, ip_address: str, actor) -> AddressLimitLift:
    """Let ``ip_address`` log in again now: record who lifted its limit and when, and how many
    counted failures (of how many usernames) that sets aside. The failures stay in axes' log;
    only those after the lift count from now on. Only those who may manage accounts lift a
    limit, and only a limit that is there."""
    if not may_manage_accounts(actor):
        raise WorkflowError(_("只有市局工作人员可以解除网络地址的登录限制。"), code="not_allowed")
    ip_address = (ip_address or "").strip()
    try:
        validate_ipv46_address(ip_address)
    except ValidationError:
        raise WorkflowError(
            _("“%(address)s”不是有效的网络地址。"), params={"address": ip_address}, code="invalid"
        ) from None
    now = timezone.now()
    if address_limit(ip_address, now=now) is None:
        # Lapsed by itself since the page was shown, or lifted by a colleague a moment ago.
        raise WorkflowError(
            _("网络地址 %(address)s 目前没有受限，无需解除。"),
            params={"address": ip_address},
            code="not_limited",
        )
    counts = (
        counted_failures(now=now)
        .filter(ip_address=ip_address)
        .aggregate(failures=Count("id"), usernames=Count("username", distinct=True))
    )
    lift = AddressLimitLift(ip_address=ip_address, lifted_by=actor, lifted_at=now, **counts)
    lift.full_clean()
    lift.save()
    logger.warning(
        "Login limit of address %s lifted by %s (%d failures set aside)", ip_address, actor, lift.failures
    )
    return lift
