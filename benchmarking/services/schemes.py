"""Writes on technical schemes: publishing and withdrawing them.

Each save names ``actor`` as the user of its change-history record, request or not.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..access import may_manage_schemes
from ..choices import SchemeStatus
from ..models import SCHEME_TRANSITIONS, TechnicalScheme
from .errors import WorkflowError, reject_future

_LABELS = {"publish": gettext_lazy("发布"), "withdraw": gettext_lazy("撤销")}


def _scheme_transition(*, scheme: TechnicalScheme, actor, action: str, reason: str = "", at: datetime | None):
    sources, target = SCHEME_TRANSITIONS[action]
    at = at or timezone.now()
    reject_future(at)
    if not may_manage_schemes(actor):
        raise WorkflowError(_("只有市局工作人员可以发布或撤销技术方案。"), code="not_allowed")
    with transaction.atomic():
        scheme = TechnicalScheme.objects.select_for_update().get(pk=scheme.pk)
        if scheme.status not in sources:
            raise WorkflowError(
                _("“%(status)s”状态的方案不能%(action)s。"),
                code="illegal_transition",
                params={"status": scheme.get_status_display(), "action": _LABELS[action]},
            )
        if target == SchemeStatus.PUBLISHED:
            if not scheme.indicators.exists():
                raise WorkflowError(_("方案至少要有一项关键指标才能发布。"), code="no_indicators")
            scheme.published_at = at
        else:
            if not reason.strip():
                raise WorkflowError(_("撤销方案必须填写理由。"), code="reason_required")
            scheme.withdrawn_at = at
            scheme.withdraw_reason = reason.strip()
        scheme.status = target
        scheme.full_clean()
        scheme._history_user = actor
        scheme.save()
    return scheme


def scheme_publish(*, scheme: TechnicalScheme, actor, at: datetime | None = None) -> TechnicalScheme:
    """Publish a draft scheme; from then on it counts and enterprises may declare against it."""
    return _scheme_transition(scheme=scheme, actor=actor, action="publish", at=at)


def scheme_withdraw(
    *, scheme: TechnicalScheme, actor, reason: str, at: datetime | None = None
) -> TechnicalScheme:
    """Withdraw a published scheme, with the reason; it stops counting from then."""
    return _scheme_transition(scheme=scheme, actor=actor, action="withdraw", reason=reason, at=at)
