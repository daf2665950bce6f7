from django.core.exceptions import ValidationError


class WorkflowError(ValidationError):
    """A move the workflow or the actor's role does not allow. It is a
    ValidationError so forms and the admin show its message as they show any other."""
