"""What an enterprise user's portal shows: their enterprise and its declarations by status,
and the published schemes they may declare against. A fixed number of queries each."""

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from ..access import enterprise_id_of
from ..choices import DeclarationStatus, SchemeStatus
from ..models import (
    Declaration,
    DeclarationEvent,
    Enterprise,
    Indicator,
    TechnicalScheme,
)
from ..scoping import visible_to
from .declarations import latest_return_events
from .lifecycle import standard_updates, with_standard_updates

# What the enterprise itself must act on, first on its home page: returns, then drafts.
TO_DO = (DeclarationStatus.RETURNED, DeclarationStatus.DRAFT)


@dataclass(frozen=True)
class PortalOverview:
    """What an enterprise user's portal home shows."""

    enterprise: Enterprise
    # (status, its declarations, newest change first) for every status, in workflow order
    groups: list[tuple[DeclarationStatus, list[Declaration]]]
    # returned declarations, each with ``return_event``: the reviewer's reason to act on
    needs_attention: list[Declaration]
    # drafts not yet submitted: the enterprise's own work to finish, after the returns
    drafts: list[Declaration]
    # the groups of ``groups`` the enterprise waits on or is done with (submitted, published,
    # withdrawn), shown after what needs doing
    others: list[tuple[DeclarationStatus, list[Declaration]]]
    total: int

    @property
    def others_count(self) -> int:
        return sum(len(rows) for _, rows in self.others)


def portal_overview(user) -> PortalOverview:
    """The user's enterprise and its declarations by status, in 3 queries, and up to 4 more
    when some of them are marked 对标标准已更新 (to say why), whatever their number."""
    enterprise = visible_to(user, Enterprise).select_related("branch_office", "industry").get()
    declarations = list(
        # each row's 对标标准已更新 mark, in the same query
        with_standard_updates(visible_to(user, Declaration))
        # scheme code and title of each row; of the events, only the returns give a reason to show
        .select_related("scheme")
        .prefetch_related(
            Prefetch("events", queryset=DeclarationEvent.objects.filter(to_status=DeclarationStatus.RETURNED))
        )
        .order_by("-updated_at", "-pk")
    )
    returns = latest_return_events(declarations)
    updates = standard_updates(declarations)
    by_status = {status: [] for status in DeclarationStatus}
    for declaration in declarations:
        declaration.return_event = returns.get(declaration.pk)
        declaration.standard_update = updates.get(declaration.pk)
        by_status[declaration.status].append(declaration)
    return PortalOverview(
        enterprise=enterprise,
        groups=list(by_status.items()),
        needs_attention=by_status[DeclarationStatus.RETURNED],
        drafts=by_status[DeclarationStatus.DRAFT],
        others=[(status, rows) for status, rows in by_status.items() if status not in TO_DO],
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
        # A scheme whose revision is published takes no new declarations: its revision is offered.
        .filter(status=SchemeStatus.PUBLISHED, superseded_at__isnull=True)
        # industry of each card
        .select_related("industry")
        .annotate(
            indicator_count=count_of(Indicator.objects.filter(scheme=OuterRef("pk"))),
            declared_by_me=count_of(own.filter(scheme=OuterRef("pk"))),
        )
        .order_by("code")
    )
