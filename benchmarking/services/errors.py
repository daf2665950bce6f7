import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models.base import EditConflict

__all__ = ["EditConflict", "WorkflowError", "reject_future"]


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
