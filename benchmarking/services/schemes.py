"""Writes on technical schemes: publishing and withdrawing them.

Each save names ``actor`` as the user of its change-history record, request or not.
"""

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from ..access import may_manage_schemes
from ..models import SchemeAction, TechnicalScheme
from .errors import WorkflowError, move_moment
from .workflow import apply_scheme_move, check_scheme_move_source


def _scheme_transition(*, scheme: TechnicalScheme, actor, action: str, reason: str = "", at: datetime | None):
    at = move_moment(at)
    if not may_manage_schemes(actor):
        raise WorkflowError(_("只有市局工作人员可以发布或撤销技术方案。"), code="not_allowed")
    with transaction.atomic():
        scheme = TechnicalScheme.objects.select_for_update().get(pk=scheme.pk)
        check_scheme_move_source(scheme, action)
        if action == SchemeAction.PUBLISH and not scheme.indicators.exists():
            raise WorkflowError(_("方案至少要有一项关键指标才能发布。"), code="no_indicators")
        apply_scheme_move(scheme, action, at=at, reason=reason)
        scheme.full_clean()
        scheme._history_user = actor
        scheme.save()
    return scheme


def scheme_publish(*, scheme: TechnicalScheme, actor, at: datetime | None = None) -> TechnicalScheme:
    """Publish a draft scheme; from then on it counts and enterprises may declare against it."""
    return _scheme_transition(scheme=scheme, actor=actor, action=SchemeAction.PUBLISH, at=at)


def scheme_withdraw(
    *, scheme: TechnicalScheme, actor, reason: str, at: datetime | None = None
) -> TechnicalScheme:
    """Withdraw a published scheme, with the reason; it stops counting from then."""
    return _scheme_transition(scheme=scheme, actor=actor, action=SchemeAction.WITHDRAW, reason=reason, at=at)
