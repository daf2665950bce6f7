"""Template context every page needs."""

from .views.mixins import is_staff_reader


def navigation(request):
    """Whether to show the staff pages (progress, lists) in the header: only to those who may open them."""
    return {"nav_staff": is_staff_reader(getattr(request, "user", None))}
