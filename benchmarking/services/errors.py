from django.core.exceptions import ValidationError

from ..models.base import EditConflict

__all__ = ["EditConflict", "WorkflowError"]


class WorkflowError(ValidationError):
    """A move the workflow or the actor's role does not allow. It is a
    ValidationError so forms and the admin show its message as they show any other."""
