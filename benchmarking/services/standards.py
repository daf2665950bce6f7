"""Writes on standards."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..access import is_enterprise_user
from ..choices import StandardKind
from ..models import Standard
from ..validators import normalize_standard_number, standard_kind_for, validate_standard_number
from .errors import WorkflowError

# The standards an enterprise may add to the register itself: its own (Q/) and group (T/)
# standards, which the bureau has usually never recorded. National, industry, local and
# foreign standards are the bureau's reference data, kept by staff.
KINDS_AN_ENTERPRISE_MAY_ADD = frozenset({StandardKind.ENTERPRISE, StandardKind.GROUP})


def check_enterprise_may_add(number: str) -> None:
    """Refuse a standard an enterprise user may not add to the register itself (see
    KINDS_AN_ENTERPRISE_MAY_ADD). The portal's form asks this too, to answer beside the field."""
    kind = standard_kind_for(number)
    if kind not in KINDS_AN_ENTERPRISE_MAY_ADD:
        raise WorkflowError(
            _(
                "标准「%(number)s」（%(kind)s）尚未收录。企业可自行登记企业标准（Q/）和团体标准（T/）；"
                "其他标准请联系所属市场监管所添加，或核对编号是否有误。"
            ),
            code="standard_not_registered",
            params={"number": normalize_standard_number(number), "kind": StandardKind(kind).label},
        )


def standard_for_number(*, number: str, title: str = "", actor) -> Standard:
    """The standard stored under ``number`` (in its one normalised form), or a new one with
    ``title`` when none is: an enterprise declares against its own Q/ standard, which the
    bureau has usually never recorded. The kind follows from the number's prefix; enterprise
    users may add only the kinds in KINDS_AN_ENTERPRISE_MAY_ADD."""
    validate_standard_number(number)
    number = normalize_standard_number(number)
    existing = Standard.objects.filter(number=number).first()
    if existing is not None:
        return existing
    if is_enterprise_user(actor):
        check_enterprise_may_add(number)
    title = " ".join((title or "").split())
    if not title:
        raise WorkflowError(
            _("标准「%(number)s」尚未收录，请填写标准名称。"),
            code="standard_title_required",
            params={"number": number},
        )
    standard = Standard(number=number, title=title)  # its clean() sets the kind from the number
    standard.full_clean()
    standard._history_user = actor
    try:
        # Two people recording the same new number at once: the second one uses the first's.
        with transaction.atomic():
            standard.save()
    except IntegrityError:
        return Standard.objects.get(number=number)
    return standard
