"""What the staff home page (``/``) answers: what is waiting for this user, and how the
千项计划 stands. Every figure is read from the selector that owns it — the review queue's
scope (``declarations.pending_review``) and the dashboard (``dashboard.dashboard_for``) —
so the home page never disagrees with the page it links to. A fixed number of queries,
whatever the number of records.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from ..access import (
    branch_office_id_of,
    enterprise_scope,
    is_branch_office_staff,
    may_read_staff_pages,
    may_review,
    region_scope_of,
)
from ..choices import DeclarationStatus
from ..models import Declaration, Region
from ..regions import RegionScope
from ..scoping import visible_to
from . import progress
from .dashboard import Dashboard, OfficeRow, dashboard_for, viewer_office
from .declarations import pending_review

# How many of the offices lowest in completion the page names.
BOTTOM_OFFICES = 3


@dataclass(frozen=True)
class ReviewWork:
    """A reviewer's waiting work: the review queue and the returns not yet resubmitted."""

    pending: int
    oldest_pk: int | None  # the declaration waiting longest, the queue's first row
    oldest_waited_days: int | None  # Beijing calendar days since it was submitted
    returned: int


@dataclass(frozen=True)
class StaffHome:
    review: ReviewWork | None  # None for those who do not review (managers)
    dashboard: Dashboard | None  # None for a branch login not tied to an office
    own_office: OfficeRow | None  # a branch office's row of the 考核 table, ranked among all
    ranked_offices: int  # how many offices have a quota, so are ranked
    bottom_offices: list[OfficeRow]  # for those who see every office: the lowest completions


def calendar_days_since(instant: dt.datetime, today: dt.date) -> int:
    """Whole Beijing calendar days from ``instant``'s day to ``today``: submitted yesterday at
    23:50 is 1 day, however few hours ago that was."""
    return (today - timezone.localtime(instant).date()).days


def review_work(user, *, today: dt.date) -> ReviewWork:
    """The review queue's count and oldest row, in the queue's own scope and order, and this
    user's returned declarations still waiting for the enterprise. 3 queries."""
    pending = pending_review(user)
    oldest = pending.values_list("pk", "submitted_at").first()
    returned = visible_to(user, Declaration).filter(status=DeclarationStatus.RETURNED).count()
    return ReviewWork(
        pending=pending.count(),
        oldest_pk=oldest[0] if oldest else None,
        oldest_waited_days=calendar_days_since(oldest[1], today) if oldest and oldest[1] else None,
        returned=returned,
    )


@dataclass(frozen=True)
class HomeFigures:
    """Where the 千项计划 stands, as a home page shows it: the same for every login of one scope."""

    dashboard: Dashboard | None  # None for a branch login not tied to an office, or above a county
    own_office: OfficeRow | None
    ranked_offices: int
    bottom_offices: list[OfficeRow]
    # Above a county (a prefecture's or the province's login): their region's figures summed.
    region: Region | None = None
    region_progress: progress.Progress | None = None


def home_figures_scope(user) -> str:
    """What the home page's figures depend on besides the day and the counts: the county (or,
    above a county, the region) and the office of a branch-office login; for the others, whether
    they see every office's table. No query (the role and the profile come with the user). Part
    of the key the figures are cached under."""
    region = region_scope_of(user).code
    if is_branch_office_staff(user):
        return f"{region}:office:{branch_office_id_of(user)}"
    return (
        f"{region}:city:every-office"
        if enterprise_scope(user, write=False).every_office
        else f"{region}:city"
    )


def home_figures(user, *, today: dt.date, version: int | None = None) -> HomeFigures:
    """Branch-office staff see the figures their dashboard shows (their office's share, their row
    ranked among all); the others their county's, and the offices lowest in completion; a login
    above a county their region's three figures, summed over its counties (the roll-up page has
    the rest). ``version``: the counts version the caller caches the figures under (see
    ``dashboard_for``)."""
    scope = region_scope_of(user)
    if not scope.is_county:
        return _region_figures(scope, today=today)
    if is_branch_office_staff(user):
        office = viewer_office(user)
        if office is None:
            return HomeFigures(dashboard=None, own_office=None, ranked_offices=0, bottom_offices=[])
        dashboard = dashboard_for(as_of=today, branch_office=office, version=version, county=scope.code)
        own = next((row for row in dashboard.offices if row.office.pk == office.pk), None)
        return HomeFigures(
            dashboard=dashboard, own_office=own, ranked_offices=_ranked_offices(dashboard), bottom_offices=[]
        )
    dashboard = dashboard_for(as_of=today, sort="completion", version=version, county=scope.code)
    sees_every_office = enterprise_scope(user, write=False).every_office
    bottom = [row for row in dashboard.offices if row.completion is not None][:BOTTOM_OFFICES]
    return HomeFigures(
        dashboard=dashboard,
        own_office=None,
        ranked_offices=_ranked_offices(dashboard),
        bottom_offices=bottom if sees_every_office else [],
    )


def staff_home(user) -> StaffHome:
    """The home page of a bureau, branch-office or manager login: the review work (for those who
    review) and the figures (``home_figures``)."""
    if not may_read_staff_pages(user):
        raise PermissionError("staff_home is for staff logins")
    today = timezone.localdate()
    review = review_work(user, today=today) if may_review(user) else None
    figures = home_figures(user, today=today)
    return StaffHome(
        review=review,
        dashboard=figures.dashboard,
        own_office=figures.own_office,
        ranked_offices=figures.ranked_offices,
        bottom_offices=figures.bottom_offices,
    )


def _region_figures(scope: RegionScope, *, today: dt.date) -> HomeFigures:
    """A prefecture's or the province's three figures today, summed over its counties: the region
    (one query) and its counts (two)."""
    return HomeFigures(
        dashboard=None,
        own_office=None,
        ranked_offices=0,
        bottom_offices=[],
        region=Region.objects.filter(code=scope.code).first(),
        region_progress=progress.progress_as_of(today, region=scope),
    )


def _ranked_offices(dashboard: Dashboard) -> int:
    # The 考核 table ranks the offices with a quota; the quotas come prefetched with the plan.
    return len(dashboard.plan.quotas.all()) if dashboard.plan else 0
