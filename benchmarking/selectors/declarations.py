"""Reads of one declaration as the portal and the review pages show it: the record with
its indicator rows, evidence and workflow events, and its full history (who, when, what,
comment) built from the workflow events and the change-history tables; and the indicator
values of many declarations, as their export writes them.

Each function costs a fixed number of queries, whatever the number of rows.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..access import enterprise_id_of
from ..choices import Comparison, DeclarationStatus, Direction, SchemeStatus
from ..models import (
    Declaration,
    DeclarationEvent,
    DeclarationEvidence,
    DeclarationItem,
    Enterprise,
    Indicator,
    Standard,
    TechnicalScheme,
)
from ..rules import MEETS
from ..scoping import visible_to

__all__ = [
    "ItemCounts",
    "PortalOverview",
    "TimelineEntry",
    "declaration_timeline",
    "declaration_value_pairs",
    "declarations_with_parts",
    "format_value",
    "item_counts",
    "item_display",
    "latest_return_events",
    "pending_review",
    "portal_overview",
    "published_schemes_for",
    "review_queue",
]

# Oldest first: whoever has waited longest is answered first; the key breaks ties.
QUEUE_ORDER = ("submitted_at", "pk")
NOT_MEETING = (Comparison.WORSE, Comparison.FAIL)


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


@dataclass(frozen=True)
class PortalOverview:
    """What an enterprise user's portal home shows."""

    enterprise: Enterprise
    # (status, its declarations, newest change first) for every status, in workflow order
    groups: list[tuple[DeclarationStatus, list[Declaration]]]
    # returned declarations, each with ``return_event``: the reviewer's reason to act on
    needs_attention: list[Declaration]
    total: int


def portal_overview(user) -> PortalOverview:
    """The user's enterprise and its declarations by status, in 3 queries."""
    enterprise = visible_to(user, Enterprise).select_related("branch_office", "industry").get()
    declarations = list(
        visible_to(user, Declaration)
        # scheme code and title of each row; of the events, only the returns give a reason to show
        .select_related("scheme")
        .prefetch_related(
            Prefetch("events", queryset=DeclarationEvent.objects.filter(to_status=DeclarationStatus.RETURNED))
        )
        .order_by("-updated_at", "-pk")
    )
    returns = latest_return_events(declarations)
    by_status = {status: [] for status in DeclarationStatus}
    for declaration in declarations:
        declaration.return_event = returns.get(declaration.pk)
        by_status[declaration.status].append(declaration)
    return PortalOverview(
        enterprise=enterprise,
        groups=list(by_status.items()),
        needs_attention=by_status[DeclarationStatus.RETURNED],
        total=len(declarations),
    )


def published_schemes_for(user) -> QuerySet[TechnicalScheme]:
    """The published schemes an enterprise user may declare against, by code, with how many
    indicators each has and how many live declarations the user's enterprise made on it.
    Counted by subqueries, not a join of indicators × declarations."""

    def count_of(queryset):
        counted = queryset.order_by().values("scheme").annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))

    own = Declaration.objects.filter(enterprise_id=enterprise_id_of(user)).exclude(
        status=DeclarationStatus.WITHDRAWN
    )
    return (
        visible_to(user, TechnicalScheme)
        .filter(status=SchemeStatus.PUBLISHED)
        # industry of each card
        .select_related("industry")
        .annotate(
            indicator_count=count_of(Indicator.objects.filter(scheme=OuterRef("pk"))),
            declared_by_me=count_of(own.filter(scheme=OuterRef("pk"))),
        )
        .order_by("code")
    )


def format_value(value: Decimal | None) -> str:
    """A declared or benchmark number as typed: 92, not 92.000000; 0.5, not 5E-1."""
    if value is None:
        return ""
    return format(value.normalize(), "f")


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


@dataclass
class TimelineEntry:
    """One line of a declaration's history."""

    at: dt.datetime
    actor: object  # a User, or None when the record has no user (a bulk load)
    title: str
    changes: list[str] = field(default_factory=list)
    comment: str = ""
    is_move: bool = False
    # Ties at the same instant keep the order in which they were written.
    order: tuple = ()


# The declaration's own fields an editor changes, as the history shows them.
_FIELD_LABELS = {
    "product_name": _("产品名称"),
    "product_model": _("产品型号"),
    "executed_standard_id": _("执行标准"),
    "declared_on": _("声明日期"),
    "national_platform_url": _("平台链接"),
    "override_grade": _("人工调整等级"),
}


def declaration_timeline(declaration: Declaration) -> list[TimelineEntry]:
    """Every step of the declaration, oldest first: each workflow move (who, from, to, why),
    each edit of its details or indicator values (old → new), each evidence file added or
    removed. Costs 4 queries; ``declaration`` should come from ``declarations_with_parts``."""
    entries: list[TimelineEntry] = []
    for event in declaration.events.all():
        title = event.get_action_display()
        if event.from_status:
            title = f"{title}：{event.get_from_status_display()} → {event.get_to_status_display()}"
        entries.append(
            TimelineEntry(
                at=event.at,
                actor=event.actor,
                title=title,
                comment=event.comment,
                is_move=True,
                order=(event.at, 0, event.pk),
            )
        )

    # Edits of the declaration's own fields: consecutive history records compared.
    records = list(
        Declaration.history.filter(id=declaration.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    standard_ids = {r.executed_standard_id for r in records if r.executed_standard_id}
    standards = dict(Standard.objects.filter(pk__in=standard_ids).values_list("pk", "number"))

    def shown(name, value):
        if name == "executed_standard_id":
            return standards.get(value, "—")
        if value in (None, ""):
            return "—"
        return str(value)

    for before, after in pairwise(records):
        if before.status != after.status:
            # The save of a workflow move: its event says what happened; the dates the move
            # fills in (declared on submission) are not an edit of anyone's.
            continue
        changes = [
            f"{label}：{shown(name, getattr(before, name))} → {shown(name, getattr(after, name))}"
            for name, label in _FIELD_LABELS.items()
            if getattr(before, name) != getattr(after, name)
        ]
        if changes:
            entries.append(
                TimelineEntry(
                    at=after.history_date,
                    actor=after.history_user,
                    title=gettext("修改声明信息"),
                    changes=changes,
                    order=(after.history_date, 1, after.history_id),
                )
            )

    # Edits of indicator values, grouped per save (same user, same instant).
    indicator_names = {item.pk: item.indicator.name for item in declaration.items.all()}
    item_records = list(
        DeclarationItem.history.filter(declaration_id=declaration.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    last_seen: dict[int, tuple] = {}
    grouped: dict[tuple, TimelineEntry] = {}
    for record in item_records:
        now = (record.value, record.passed)
        before = last_seen.get(record.id)
        last_seen[record.id] = now
        if before is None:
            continue  # created with the declaration: its values show in the table
        if before == now:
            continue
        name = indicator_names.get(record.id, "?")
        change = f"{name}：{_value_text(*before)} → {_value_text(*now)}"
        key = (record.history_date.replace(microsecond=0), record.history_user_id)
        entry = grouped.get(key)
        if entry is None:
            entry = grouped[key] = TimelineEntry(
                at=record.history_date,
                actor=record.history_user,
                title=gettext("修改指标声明值"),
                order=(record.history_date, 2, record.history_id),
            )
            entries.append(entry)
        entry.changes.append(change)

    # Evidence added and removed.
    for record in (
        DeclarationEvidence.history.filter(declaration_id=declaration.pk)
        .exclude(history_type="~")
        .select_related("history_user")
        .order_by("history_date", "history_id")
    ):
        added = record.history_type == "+"
        entries.append(
            TimelineEntry(
                at=record.history_date,
                actor=record.history_user,
                title=gettext("上传证明材料") if added else gettext("删除证明材料"),
                changes=[record.title],
                order=(record.history_date, 3, record.history_id),
            )
        )
    entries.sort(key=lambda entry: entry.order)
    return entries


def _value_text(value, passed) -> str:
    if passed is not None:
        return str(Comparison.PASS.label if passed else Comparison.FAIL.label)
    if value is None:
        return "—"
    return format_value(value)


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
