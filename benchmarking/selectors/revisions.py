"""Schemes to revise and schemes revised, as the staff pages show them (docs/domain.md "Standards
over time"). The rule of 需修订 is ``lifecycle.needs_revision_q``; here it is read for the
worklist, the scheme list's badges and the admin's note, at a fixed number of queries."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from ..access import region_scope_of
from ..choices import SchemeStatus, StandardStatus
from ..models import SchemeBenchmark, TechnicalScheme
from ..scoping import visible_to
from .lifecycle import OUTDATED, needs_revision_q

__all__ = [
    "OutdatedBenchmark",
    "attach_outdated_benchmarks",
    "needing_revision_worklist",
    "outdated_benchmarks",
    "with_revision_marks",
]


@dataclass(frozen=True)
class OutdatedBenchmark:
    """One benchmark standard of a scheme that is 废止 or 被代替, with what replaces it."""

    number: str
    title: str
    status: str
    replaced_by: tuple[str, ...]

    @property
    def status_display(self) -> str:
        return StandardStatus(self.status).label

    @property
    def sentence(self) -> str:
        """ "GB/T 1234—2015 被 GB/T 1234—2025 代替", "… 已被代替", "… 已废止"."""
        if self.replaced_by:
            return _("%(number)s 被 %(by)s 代替") % {"number": self.number, "by": "、".join(self.replaced_by)}
        if self.status == StandardStatus.REPLACED:
            return _("%(number)s 已被代替") % {"number": self.number}
        return _("%(number)s 已废止") % {"number": self.number}


def outdated_benchmarks(scheme_ids: Iterable[int]) -> dict[int, list[OutdatedBenchmark]]:
    """The outdated benchmark standards of each scheme of ``scheme_ids``, in the scheme's order,
    each with the numbers of the standards that replace it. One query (none for no scheme): the
    replacements come by a join, a row per replacement."""
    scheme_ids = set(scheme_ids)
    if not scheme_ids:
        return {}
    rows = (
        SchemeBenchmark.objects.filter(scheme_id__in=scheme_ids, standard__status__in=OUTDATED)
        .order_by("scheme_id", "order", "pk", "standard__replaced_by__number")
        .values_list(
            "scheme_id",
            "standard_id",
            "standard__number",
            "standard__title",
            "standard__status",
            "standard__replaced_by__number",
        )
    )
    gathered: dict[int, dict[int, tuple[str, str, str, list[str]]]] = {}
    for scheme_id, standard_id, number, title, status, new_number in rows:
        entry = gathered.setdefault(scheme_id, {}).setdefault(standard_id, (number, title, status, []))
        if new_number:
            entry[3].append(new_number)
    return {
        scheme_id: [
            OutdatedBenchmark(number=n, title=t, status=s, replaced_by=tuple(by))
            for n, t, s, by in by_std.values()
        ]
        for scheme_id, by_std in gathered.items()
    }


def _first_revision(status: str) -> Subquery:
    """The scheme's revision of ``status`` (the latest one), for the links to it."""
    revisions = TechnicalScheme.objects.filter(supersedes=OuterRef("pk"), status=status)
    return Subquery(revisions.order_by("-published_at", "-pk").values("pk")[:1])


def with_revision_marks(schemes: QuerySet[TechnicalScheme]) -> QuerySet[TechnicalScheme]:
    """``schemes`` annotated, in the same query, with ``needs_revision`` (需修订) and, for a
    revised one, ``revision_pk`` (its published revision: 已修订 → link)."""
    return schemes.annotate(
        needs_revision=needs_revision_q(), revision_pk=_first_revision(SchemeStatus.PUBLISHED)
    )


def attach_outdated_benchmarks(schemes: Iterable[TechnicalScheme]) -> list[TechnicalScheme]:
    """Schemes annotated by ``with_revision_marks`` as a list, each needing revision with
    ``outdated`` (its ``OutdatedBenchmark`` list) and ``revision_note`` (one line naming the
    replacements, for a badge's title). One query, none when no row needs revision."""
    schemes = list(schemes)
    found = outdated_benchmarks(s.pk for s in schemes if s.needs_revision)
    for scheme in schemes:
        scheme.outdated = found.get(scheme.pk, [])
        scheme.revision_note = "；".join(b.sentence for b in scheme.outdated)
    return schemes


def needing_revision_worklist(user) -> list[TechnicalScheme]:
    """Staff's worklist: the published schemes of the user's region (county, or the counties under
    a prefecture or the province) that need revision, by code, each with ``outdated`` and
    ``revision_note`` as ``attach_outdated_benchmarks`` sets them and ``draft_revision_pk`` /
    ``draft_revision_code`` (the revision already started, or None). Two queries, however many
    schemes."""
    drafts = TechnicalScheme.objects.filter(supersedes=OuterRef("pk"), status=SchemeStatus.DRAFT).order_by(
        "pk"
    )
    schemes = (
        visible_to(user, TechnicalScheme)
        .filter(region_scope_of(user).q("publisher_region"))
        .filter(needs_revision_q())
        # The 行业 column.
        .select_related("industry")
        .annotate(
            needs_revision=needs_revision_q(),
            draft_revision_pk=Subquery(drafts.values("pk")[:1]),
            draft_revision_code=Subquery(drafts.values("code")[:1]),
        )
        .order_by("code", "pk")
    )
    return attach_outdated_benchmarks(schemes)
