import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models.base import EditConflict

__all__ = ["EditConflict", "WorkflowError", "interactive_moves", "move_moment", "reject_future"]


class WorkflowError(ValidationError):
    """A move the workflow or the actor's role does not allow. It is a
    ValidationError so forms and the admin show its message as they show any other."""


# Clocks of the app servers and the database may differ by a little.
CLOCK_TOLERANCE = dt.timedelta(minutes=1)


def reject_future(at: dt.datetime) -> None:
    """A move is dated now or in the past. A record published "tomorrow" would start counting
    by itself as the clock passes it, with no write to tell the counts cache."""
    if at > timezone.now() + CLOCK_TOLERANCE:
        raise WorkflowError(_("操作时间不能晚于当前时间。"), code="future")


# True while a person's request is served (``interactive.InteractiveMovesMiddleware``): the
# portal, the review pages, the admin and its actions. Like simple-history's request middleware
# naming the user, it covers every path a person can take, present and future.
_interactive: ContextVar[bool] = ContextVar("interactive_moves", default=False)


@contextmanager
def interactive_moves() -> Iterator[None]:
    """Within this block every move is made by a person, now: a past moment is refused."""
    token = _interactive.set(True)
    try:
        yield
    finally:
        _interactive.reset(token)


def move_moment(at: dt.datetime | None) -> dt.datetime:
    """The moment a move (or a new declaration) is stamped with: now, unless ``at`` is given.

    A past ``at`` is for the records that happened before they were entered, and only the
    paths that enter those may give one: the import of historic records (which stamps its
    moves itself, ``workflow.apply_move``) and the demo generators, outside any request. A move
    a person makes is stamped with the time it happens, so a day's figures are never rewritten
    by a click (docs/domain.md, "Dates that do not rewrite the past"); never in the future either.
    """
    now = timezone.now()
    if at is None:
        return now
    reject_future(at)
    if _interactive.get() and at < now - CLOCK_TOLERANCE:
        raise WorkflowError(
            _("在系统中办理的操作按当前时间记录，不能填写过去的时间；历史记录请通过批量导入补录。"),
            code="backdated",
        )
    return at
