"""What a standard's status means for the schemes and results built on it (docs/domain.md
"Standards over time"): computed from the standards' status and the schemes' revisions on every
read, never stored, so an edit of a standard shows everywhere at once.

- A published scheme **needs revision** (需修订) while one of its benchmark standards is 废止 or
  被代替 and no revision of it has been published (``needs_revision_q``).
- A declaration's **standard is updated** (对标标准已更新) when its scheme has been revised, or
  needs revision, or the standard it executes (执行标准) is 废止 or 被代替
  (``with_standard_updates``, ``standard_updated_q``).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from ..choices import OUTDATED_STANDARD_STATUSES, SchemeStatus, StandardStatus
from ..models import Declaration, SchemeBenchmark, Standard, TechnicalScheme

__all__ = [
    "OUTDATED",
    "StandardUpdate",
    "attach_standard_updates",
    "current_revision",
    "has_outdated_benchmark",
    "needs_revision_q",
    "standard_updated_q",
    "standard_updates",
    "with_standard_updates",
]

OUTDATED = sorted(OUTDATED_STANDARD_STATUSES)


def has_outdated_benchmark(scheme_ref: str = "pk") -> Exists:
    """Whether the scheme at ``scheme_ref`` (an outer reference) benchmarks on an outdated standard."""
    return Exists(
        SchemeBenchmark.objects.filter(scheme_id=OuterRef(scheme_ref), standard__status__in=OUTDATED)
    )


def needs_revision_q(prefix: str = "") -> Q:
    """Published, not yet superseded by a published revision, and benchmarked on a standard that
    is 废止 or 被代替. ``prefix`` reaches the scheme from another model ("scheme__")."""
    return Q(
        has_outdated_benchmark(f"{prefix}pk" if prefix else "pk"),
        **{f"{prefix}status": SchemeStatus.PUBLISHED, f"{prefix}superseded_at__isnull": True},
    )


def schemes_needing_revision(schemes: QuerySet[TechnicalScheme] | None = None) -> QuerySet[TechnicalScheme]:
    schemes = TechnicalScheme.objects.all() if schemes is None else schemes
    return schemes.filter(needs_revision_q())


def with_standard_updates(declarations: QuerySet[Declaration]) -> QuerySet[Declaration]:
    """``declarations`` annotated, in the same query, with why each one's standard is updated:
    ``scheme_revised`` (a revision of its scheme is published), ``scheme_outdated`` (its scheme
    needs revision) and ``executed_standard_outdated``. ``Declaration.standard_updated`` is any of them."""
    return declarations.annotate(
        scheme_revised=Q(scheme__superseded_at__isnull=False),
        scheme_outdated=Q(needs_revision_q("scheme__")),
        executed_standard_outdated=Q(executed_standard__status__in=OUTDATED),
    )


def standard_updated_q() -> Q:
    """The declarations whose standard is updated, as a filter (same rule as ``with_standard_updates``)."""
    return (
        Q(scheme__superseded_at__isnull=False)
        | needs_revision_q("scheme__")
        | Q(executed_standard__status__in=OUTDATED)
    )


# -- why a declaration is marked, and what to declare against instead -----------------------------


@dataclass(frozen=True)
class RevisionRef:
    """The live revision of a scheme: what an enterprise declares against instead."""

    pk: int
    code: str
    title: str


@dataclass(frozen=True)
class StandardUpdate:
    """Why one declaration is marked 对标标准已更新, as the pages show it."""

    # One sentence each, naming the standards and what replaced them:
    # "对标标准 GB/T 1234—2010 已被 GB/T 1234—2024 代替", "执行标准 Q/xxx 已废止".
    reasons: tuple[str, ...]
    # The latest published revision down the scheme's chain, or None.
    revision: RevisionRef | None
    # The scheme needs revision and none is published yet: 方案待修订, nothing to declare against.
    awaiting_revision: bool


def _live_revisions(scheme_ids: set[int]) -> dict[int, RevisionRef]:
    """For each scheme of ``scheme_ids``, its live revision: the published revision, not itself
    superseded, latest published, found anywhere down the ``revisions`` chain. One query: every
    revision in the database is read as a few columns (revisions are few; a chain of any depth is
    then walked in memory rather than one query per generation)."""
    if not scheme_ids:
        return {}
    children: dict[int, list[tuple]] = {}
    rows = TechnicalScheme.objects.filter(supersedes__isnull=False).values_list(
        "pk", "supersedes_id", "status", "superseded_at", "published_at", "code", "title"
    )
    for row in rows:
        children.setdefault(row[1], []).append(row)
    live = {}
    for scheme_id in scheme_ids:
        best, seen, stack = None, {scheme_id}, [scheme_id]
        while stack:
            for row in children.get(stack.pop(), ()):
                pk, status, superseded_at, published_at = row[0], row[2], row[3], row[4]
                if pk in seen:
                    continue
                seen.add(pk)
                stack.append(pk)
                live_one = status == SchemeStatus.PUBLISHED and superseded_at is None
                if live_one and (best is None or (published_at, pk) > (best[4], best[0])):
                    best = row
        if best is not None:
            live[scheme_id] = RevisionRef(pk=best[0], code=best[5], title=best[6])
    return live


def current_revision(scheme: TechnicalScheme) -> RevisionRef | None:
    """The revision to declare against instead of ``scheme``, or None when none is published."""
    return _live_revisions({scheme.pk}).get(scheme.pk)


def _outdated_sentence(kind: str, number: str, status: str, replacements: list[str]) -> str:
    params = {"kind": kind, "number": number, "by": "、".join(replacements)}
    if replacements:
        return _("%(kind)s %(number)s 已被 %(by)s 代替") % params
    if status == StandardStatus.REPLACED:
        return _("%(kind)s %(number)s 已被代替") % params
    return _("%(kind)s %(number)s 已废止") % params


def standard_updates(declarations: Iterable[Declaration]) -> dict[int, StandardUpdate]:
    """Why each marked declaration of ``declarations`` (annotated by ``with_standard_updates``,
    with its scheme loaded) is 对标标准已更新, by declaration id; unmarked ones are absent.
    At most four queries for a page of any length, none when no row is marked."""
    marked = [d for d in declarations if d.standard_updated]
    if not marked:
        return {}
    # The schemes whose benchmark standards explain the mark: revised or awaiting revision.
    scheme_ids = {d.scheme_id for d in marked if d.scheme_revised or d.scheme_outdated}
    benchmarks: dict[int, list[tuple[int, str, str]]] = {}
    if scheme_ids:
        rows = (
            SchemeBenchmark.objects.filter(scheme_id__in=scheme_ids, standard__status__in=OUTDATED)
            .order_by("scheme_id", "order", "pk")
            .values_list("scheme_id", "standard_id", "standard__number", "standard__status")
        )
        for scheme_id, standard_id, number, status in rows:
            benchmarks.setdefault(scheme_id, []).append((standard_id, number, status))
    executed_ids = {d.executed_standard_id for d in marked if d.executed_standard_outdated}
    executed = (
        {
            pk: (number, status)
            for pk, number, status in Standard.objects.filter(pk__in=executed_ids).values_list(
                "pk", "number", "status"
            )
        }
        if executed_ids
        else {}
    )
    outdated_ids = executed_ids | {row[0] for rows in benchmarks.values() for row in rows}
    replaced_by: dict[int, list[str]] = {}
    if outdated_ids:
        # ``replaces`` points from the new standard to the old: read it backwards.
        links = (
            Standard.replaces.through.objects.filter(to_standard_id__in=outdated_ids)
            .order_by("from_standard__number")
            .values_list("to_standard_id", "from_standard__number")
        )
        for old_id, new_number in links:
            replaced_by.setdefault(old_id, []).append(new_number)
    revisions = _live_revisions({d.scheme_id for d in marked if d.scheme_revised})

    updates = {}
    for declaration in marked:
        reasons = []
        revision = revisions.get(declaration.scheme_id) if declaration.scheme_revised else None
        code = declaration.scheme.code
        if revision is not None:
            reasons.append(_("技术方案 %(code)s 已修订为 %(new)s") % {"code": code, "new": revision.code})
        elif declaration.scheme_revised:
            reasons.append(_("技术方案 %(code)s 已修订") % {"code": code})
        elif declaration.scheme_outdated:
            reasons.append(_("技术方案 %(code)s 待修订") % {"code": code})
        for standard_id, number, status in benchmarks.get(declaration.scheme_id, ()):
            reasons.append(
                _outdated_sentence(_("对标标准"), number, status, replaced_by.get(standard_id, []))
            )
        if declaration.executed_standard_outdated and declaration.executed_standard_id in executed:
            number, status = executed[declaration.executed_standard_id]
            reasons.append(
                _outdated_sentence(
                    _("执行标准"), number, status, replaced_by.get(declaration.executed_standard_id, [])
                )
            )
        updates[declaration.pk] = StandardUpdate(
            reasons=tuple(reasons),
            revision=revision,
            awaiting_revision=bool(declaration.scheme_outdated),
        )
    return updates


def attach_standard_updates(declarations: Iterable[Declaration]) -> list[Declaration]:
    """``declarations`` as a list, each with ``standard_update`` (a ``StandardUpdate`` or None)
    for the templates' ``_standard_updated.html``."""
    declarations = list(declarations)
    updates = standard_updates(declarations)
    for declaration in declarations:
        declaration.standard_update = updates.get(declaration.pk)
    return declarations
