"""What a standard's status means for the schemes and results built on it (docs/domain.md
"Standards over time"): computed from the standards' status and the schemes' revisions on every
read, never stored, so an edit of a standard shows everywhere at once.

- A published scheme **needs revision** (需修订) while one of its benchmark standards is 废止 or
  被代替 and no revision of it has been published (``needs_revision_q``).
- A declaration's **standard is updated** (对标标准已更新) when its scheme has been revised, or
  needs revision, or the standard it executes (执行标准) is 废止 or 被代替
  (``with_standard_updates``, ``standard_updated_q``).
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from ..choices import OUTDATED_STANDARD_STATUSES, SchemeStatus
from ..models import Declaration, SchemeBenchmark, TechnicalScheme

__all__ = [
    "OUTDATED",
    "has_outdated_benchmark",
    "needs_revision_q",
    "standard_updated_q",
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
