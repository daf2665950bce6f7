"""Writes on standards."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..models import Standard
from ..validators import normalize_standard_number, validate_standard_number
from .errors import WorkflowError


def standard_for_number(*, number: str, title: str = "", actor) -> Standard:
    """The standard stored under ``number`` (in its one normalised form), or a new one with
    ``title`` when none is: an enterprise declares against its own Q/ standard, which the
    bureau has usually never recorded. The kind follows from the number's prefix."""
    validate_standard_number(number)
    number = normalize_standard_number(number)
    existing = Standard.objects.filter(number=number).first()
    if existing is not None:
        return existing
    title = " ".join((title or "").split())
    if not title:
        raise WorkflowError(
            _("标准「%(number)s」尚未收录，请填写标准名称。"),
            code="standard_title_required",
            params={"number": number},
        )
    standard = Standard(number=number, title=title)
    standard.full_clean()
    standard._history_user = actor
    try:
        # Two people recording the same new number at once: the second one uses the first's.
        with transaction.atomic():
            standard.save()
    except IntegrityError:
        return Standard.objects.get(number=number)
    return standard
