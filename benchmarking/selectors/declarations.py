"""Reads of declarations as the review pages and the portal show them: the record with its
indicator rows, evidence and workflow events, the review queue, how an indicator's value is
written, and the indicator values of many declarations as their export writes them. The
portal's home is ``selectors.portal``, a declaration's history ``selectors.timeline``.

Each function costs a fixed number of queries, whatever the number of rows.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from ..choices import Comparison, DeclarationStatus, Direction
from ..models import (
    Declaration,
    DeclarationEvent,
    DeclarationItem,
)
from ..numbers import plain_decimal
from ..rules import MEETS, grade_explanation, graded_item
from ..scoping import visible_to

__all__ = [
    "ItemCounts",
    "declaration_grade_explained",
    "declaration_value_pairs",
    "declarations_with_parts",
    "format_value",
    "item_counts",
    "item_display",
    "latest_return_events",
    "pending_review",
    "review_queue",
]

# Oldest first: whoever has waited longest is answered first; the key breaks ties.
QUEUE_ORDER = ("submitted_at", "pk")
# The outcomes that miss the benchmark: every one the grade rule does not count as meeting it.
NOT_MEETING = tuple(comparison for comparison in Comparison if comparison not in MEETS)


def declarations_with_parts(queryset: QuerySet[Declaration]) -> QuerySet[Declaration]:
    """The declarations of ``queryset`` with everything a detail page shows, fetched up front:
    4 queries for one declaration or many."""
    return queryset.select_related(
        # header: enterprise (and its office), scheme (and its industry), executed standard
        "enterprise__branch_office",
        "enterprise__industry",
        "scheme__industry",
        "executed_standard",
    ).prefetch_related(
        # the indicator table: each row's indicator name, unit, direction and benchmark
        Prefetch("items", queryset=DeclarationItem.objects.select_related("indicator")),
        "evidence",
        # the workflow events: each one's actor
        Prefetch("events", queryset=DeclarationEvent.objects.select_related("actor")),
    )


def pending_review(user) -> QuerySet[Declaration]:
    """The submitted declarations this reviewer may decide on, oldest first."""
    return visible_to(user, Declaration).filter(status=DeclarationStatus.SUBMITTED).order_by(*QUEUE_ORDER)


def review_queue(user) -> QuerySet[Declaration]:
    """``pending_review`` with what the queue's columns show, in one query per page."""
    worse = (
        DeclarationItem.objects.filter(declaration=OuterRef("pk"), comparison__in=NOT_MEETING)
        .order_by()
        .values("declaration")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        pending_review(user)
        .select_related(
            # the 企业 and 所属监管所 columns, and the 方案编号 column
            "enterprise__branch_office",
            "scheme",
        )
        .annotate(
            # the 劣于对标值 column: counted in the page's own query, not one query per row. A
            # scalar subquery, not a join and GROUP BY over every submitted declaration: the page
            # is read off the queue's index and the items are counted for its 50 rows only, and
            # the paginator's COUNT(*) leaves the unused count out.
            worse_count=Coalesce(Subquery(worse, output_field=IntegerField()), Value(0)),
        )
    )


def format_value(value: Decimal | None) -> str:
    """A declared or benchmark number as typed: 92, not 92.000000; 0.5, not 5E-1."""
    return plain_decimal(value)


def item_display(item: DeclarationItem) -> str:
    """What the enterprise declared for one indicator, as text."""
    if item.indicator.direction == Direction.PASS_FAIL:
        if item.passed is None:
            return ""
        return str(Comparison.PASS.label if item.passed else Comparison.FAIL.label)
    return format_value(item.value)


@dataclass(frozen=True)
class ItemCounts:
    """How a declaration's indicators stand: answered, meeting the benchmark, worse."""

    total: int
    answered: int
    meeting: int
    worse: int


def item_counts(items) -> ItemCounts:
    items = list(items)
    comparisons = [item.comparison for item in items if item.comparison]
    return ItemCounts(
        total=len(items),
        answered=len(comparisons),
        meeting=sum(1 for c in comparisons if c in MEETS),
        worse=sum(1 for c in comparisons if c not in MEETS),
    )


def declaration_grade_explained(declaration: Declaration, items) -> str:
    """The one line saying how ``declaration``'s grade follows from ``items`` (its indicator
    rows, with their indicator loaded: no query) by the grade rule, and any reviewer's override."""
    return grade_explanation(
        (graded_item(item, item.indicator) for item in items),
        override_grade=declaration.override_grade,
    )


def latest_return_events(declarations) -> dict[int, DeclarationEvent]:
    """For each returned declaration of ``declarations`` (with events prefetched), the event
    that returned it: the reviewer's reason the enterprise must read."""
    latest = {}
    for declaration in declarations:
        if declaration.status != DeclarationStatus.RETURNED:
            continue
        returns = [
            event for event in declaration.events.all() if event.to_status == DeclarationStatus.RETURNED
        ]
        if returns:
            latest[declaration.pk] = returns[-1]
    return latest


def declaration_value_pairs(
    declarations: QuerySet[Declaration], *, chunk_size: int
) -> dict[int, list[tuple[str, object]]]:
    """(indicator name, declared value) of every item of ``declarations``, in the scheme's order,
    by declaration id; a pass/fail value as 符合 / 不符合, as the import reads it back. One query
    for a whole export, held as small tuples while its rows stream: prefetch_related on a
    chunked iterator would cost a query per chunk of rows."""
    pairs: dict[int, list[tuple[str, object]]] = {}
    names: dict[str, str] = {}  # one string per indicator name, not one per value
    items = (
        DeclarationItem.objects.filter(declaration__in=declarations.values("pk"))
        .order_by("declaration_id", "indicator__order", "indicator_id")
        .values_list("declaration_id", "indicator__name", "indicator__direction", "value", "passed")
    )
    for declaration_id, name, direction, value, passed in items.iterator(chunk_size=chunk_size):
        if direction == Direction.PASS_FAIL:
            value = "" if passed is None else ("符合" if passed else "不符合")
        pairs.setdefault(declaration_id, []).append((names.setdefault(name, name), value))
    return pairs
