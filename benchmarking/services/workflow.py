"""What a workflow move does to a declaration or a scheme, in memory: the one statement of it.

The moves and what each stamps are the transition tables beside the models
(``DECLARATION_TRANSITIONS``, ``SCHEME_TRANSITIONS``); these functions apply them. The
workflow services call them on one locked row, the import of historic records and the
scale-data generator on rows they then write in bulk: none of them sets a status or a
workflow date itself (docs/domain.md, "The declaration workflow").

Who may make a move, and whether the record is complete enough for it, are the services'
questions (a historic import answers them by its own checks); here a move from a status it
cannot start from is refused, whoever asks.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from ..choices import DeclarationStatus
from ..models import (
    DECLARATION_TRANSITIONS,
    SCHEME_TRANSITIONS,
    Declaration,
    DeclarationAction,
    DeclarationEvent,
    SchemeAction,
    TechnicalScheme,
)
from .errors import WorkflowError
from .events import declaration_created_event, declaration_moved_event


def start_declaration(
    declaration: Declaration, *, actor, at: dt.datetime, on_paper: bool, comment: str | None = None
) -> DeclarationEvent:
    """Make ``declaration`` a new draft started by ``actor`` (from paper when staff enter it
    for the enterprise) and return its create event, unsaved."""
    declaration.status = DeclarationStatus.DRAFT
    declaration.entered_on_paper = on_paper
    declaration.created_by = actor
    return declaration_created_event(declaration=declaration, actor=actor, at=at, comment=comment)


def check_move_source(declaration: Declaration, action: str) -> None:
    """Refuse ``action`` if the declaration's status is not one it may start from. A paper
    declaration that staff entered may also be published straight from its draft."""
    transition = DECLARATION_TRANSITIONS[action]
    sources = transition.sources | (transition.paper_sources if declaration.entered_on_paper else frozenset())
    if declaration.status not in sources:
        raise WorkflowError(
            _("“%(status)s”状态的声明不能%(action)s。"),
            code="illegal_transition",
            params={
                "status": declaration.get_status_display(),
                "action": DeclarationAction(action).label,
            },
        )


def apply_move(
    declaration: Declaration, action: str, *, at: dt.datetime, actor, comment: str = ""
) -> DeclarationEvent:
    """Move ``declaration`` by ``action`` at ``at``: the new status, the date the move stamps,
    the declaration date when it has none (the move's day in Asia/Shanghai, for a submission
    or publication), and the move's event row, returned unsaved."""
    check_move_source(declaration, action)
    transition = DECLARATION_TRANSITIONS[action]
    from_status = declaration.status
    declaration.status = transition.target
    if transition.stamps:
        setattr(declaration, transition.stamps, at)
    if transition.dates_declaration and declaration.declared_on is None:
        declaration.declared_on = timezone.localdate(at)
    return declaration_moved_event(
        declaration=declaration, action=action, from_status=from_status, actor=actor, at=at, comment=comment
    )


def check_scheme_move_source(scheme: TechnicalScheme, action: str) -> None:
    """Refuse ``action`` if the scheme's status is not one it may start from."""
    if scheme.status not in SCHEME_TRANSITIONS[action].sources:
        raise WorkflowError(
            _("“%(status)s”状态的方案不能%(action)s。"),
            code="illegal_transition",
            params={"status": scheme.get_status_display(), "action": SchemeAction(action).label},
        )


def apply_scheme_move(scheme: TechnicalScheme, action: str, *, at: dt.datetime, reason: str = "") -> None:
    """Move ``scheme`` by ``action`` at ``at``: its new status, the date the move stamps and,
    for a withdrawal, the reason (required)."""
    check_scheme_move_source(scheme, action)
    transition = SCHEME_TRANSITIONS[action]
    reason = reason.strip()
    if transition.reason_required and not reason:
        raise WorkflowError(_("撤销方案必须填写理由。"), code="reason_required")
    scheme.status = transition.target
    setattr(scheme, transition.stamps, at)
    if action == SchemeAction.WITHDRAW:
        scheme.withdraw_reason = reason
