"""Writes on standards."""

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from ..access import is_enterprise_user
from ..choices import StandardKind, StandardStatus
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


# -- Standards over time (docs/domain.md "Standards over time") ------------------------------

# The change reason of every history record the daily job writes (its user is None).
CALENDAR_REASON = "按实施/废止日期自动更新"
# The change reason of a replaced standard's history record, naming the one that replaces it.
REPLACED_REASON = "被 %(number)s 代替"
# The statuses a replacement still changes: a standard already 废止 or 被代替 keeps its record.
_IN_FORCE = (StandardStatus.CURRENT, StandardStatus.UPCOMING)


def status_on_saving(*, status: str, implemented_on: dt.date | None, today: dt.date) -> str:
    """The status a standard is saved with, from the admin or an import: 现行 with an
    implementation date still to come is 即将实施, and 即将实施 whose date has come is 现行 —
    what the daily job (``apply_calendar``) would make of it, at once rather than tomorrow.
    Every other status is kept as entered."""
    if implemented_on is None:
        return status
    if status == StandardStatus.CURRENT and implemented_on > today:
        return StandardStatus.UPCOMING
    if status == StandardStatus.UPCOMING and implemented_on <= today:
        return StandardStatus.CURRENT
    return status


def replacement_change(*, replacing: Standard, replaced: Standard, today: dt.date) -> dict | None:
    """What ``replacing`` does to ``replaced`` (None when nothing): a standard still 现行 or
    即将实施 is withdrawn on the replacing one's implementation date (its publication date when
    that is not known, the day of recording when neither is), unless a withdrawal date was
    already entered for it; once that date has come it is 被代替, before that it stays in force
    and the daily job replaces it on the day. A pure function, so an import can check the
    change before it writes anything."""
    if replaced.status not in _IN_FORCE:
        return None
    withdrawn_on = replaced.withdrawn_on or replacing.implemented_on or replacing.published_on or today
    change = {}
    if replaced.withdrawn_on != withdrawn_on:
        change["withdrawn_on"] = withdrawn_on
    if withdrawn_on <= today:
        change["status"] = StandardStatus.REPLACED
    return change or None


def record_replacements(*, standard: Standard, actor, today: dt.date | None = None) -> list[Standard]:
    """Apply ``replacement_change`` to every standard ``standard`` replaces, each with a history
    record by ``actor``; the admin and the standards import both call it after saving the
    relation. Returns the standards changed. Raises ValidationError (by field) when a replaced
    standard would no longer be valid (say, withdrawn before its own publication)."""
    today = today or timezone.localdate()
    changed = []
    with transaction.atomic():
        replaced_ids = list(standard.replaces.values_list("pk", flat=True))
        for replaced in Standard.objects.select_for_update().filter(pk__in=replaced_ids).order_by("pk"):
            change = replacement_change(replacing=standard, replaced=replaced, today=today)
            if change is None:
                continue
            for name, value in change.items():
                setattr(replaced, name, value)
            replaced.full_clean(validate_unique=False, validate_constraints=False)
            replaced._history_user = actor
            replaced._change_reason = REPLACED_REASON % {"number": standard.number}
            replaced.save(update_fields=list(change))
            changed.append(replaced)
    return changed


@dataclass(frozen=True)
class CalendarChange:
    """One standard the daily job moved, from one status to another."""

    number: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.number}：{StandardStatus(self.old).label} → {StandardStatus(self.new).label}"


def apply_calendar(today: dt.date) -> list[CalendarChange]:
    """The daily job's rule: a standard 即将实施 whose implementation date has come is 现行; a
    standard 现行 whose withdrawal date has come is 被代替 when some standard replaces it, else
    废止. One transaction, a history record per change with no user and ``CALENDAR_REASON``;
    running it again the same day changes nothing. Returns the changes."""
    changes: list[CalendarChange] = []
    with transaction.atomic():
        upcoming = list(
            Standard.objects.select_for_update()
            .filter(status=StandardStatus.UPCOMING, implemented_on__lte=today)
            .order_by("number")
        )
        for standard in upcoming:
            changes.append(CalendarChange(standard.number, standard.status, StandardStatus.CURRENT))
            standard.status = StandardStatus.CURRENT
        # After the step above: a standard whose both dates passed unseen ends where it belongs.
        replaced_by_some = Standard.replaces.through.objects.filter(to_standard=OuterRef("pk"))
        ending = {s.pk: s for s in upcoming if s.withdrawn_on is not None and s.withdrawn_on <= today}
        for standard in (
            Standard.objects.select_for_update()
            .filter(status=StandardStatus.CURRENT, withdrawn_on__lte=today)
            .order_by("number")
        ):
            ending[standard.pk] = standard
        replaced_ids = set(
            Standard.objects.filter(Exists(replaced_by_some), pk__in=list(ending)).values_list(
                "pk", flat=True
            )
        )
        for pk, standard in sorted(ending.items(), key=lambda item: item[1].number):
            new = StandardStatus.REPLACED if pk in replaced_ids else StandardStatus.ABOLISHED
            changes.append(CalendarChange(standard.number, StandardStatus.CURRENT, new))
            standard.status = new
        written = {s.pk: s for s in upcoming} | ending
        if written:
            bulk_update_with_history(
                list(written.values()),
                Standard,
                ["status"],
                default_user=None,
                default_change_reason=CALENDAR_REASON,
                default_date=timezone.now(),
            )
    return changes
