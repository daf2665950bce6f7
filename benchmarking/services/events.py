"""The event rows of a declaration's history (流转记录): one writer per kind of event.

Every path that records a declaration's move builds its row here: the workflow services,
the import of historic records and the scale-data generator, so the history reads the same
whichever way a record came in. A writer returns the row unsaved: a service saves it in the
move's own transaction, a bulk path saves its rows in bulk (docs/domain.md, "History").
"""

import datetime as dt

from django.utils.translation import gettext as _

from ..models import Declaration, DeclarationAction, DeclarationEvent


def declaration_created_event(
    *, declaration: Declaration, actor, at: dt.datetime, comment: str | None = None
) -> DeclarationEvent:
    """The declaration was started (as a draft). A paper declaration says so unless the
    writer has a better word for it (an import says it came from a file)."""
    if comment is None:
        comment = _("纸质申报代录") if declaration.entered_on_paper else ""
    return DeclarationEvent(
        declaration=declaration,
        action=DeclarationAction.CREATE,
        from_status="",
        to_status=declaration.status,
        actor=actor,
        at=at,
        comment=comment,
    )


def declaration_moved_event(
    *, declaration: Declaration, action: str, from_status: str, actor, at: dt.datetime, comment: str = ""
) -> DeclarationEvent:
    """The declaration made a workflow move (submit, publish, return, withdraw): who, when,
    from which status to the one it now has, and why."""
    return DeclarationEvent(
        declaration=declaration,
        action=action,
        from_status=from_status,
        to_status=declaration.status,
        actor=actor,
        at=at,
        comment=comment,
    )
