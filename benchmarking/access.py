"""Who a user is to the bureau and what that lets them do: their role, the office or
enterprise they act for, each capability by name, and the enterprises in their scope
(docs/domain.md, "Roles and what each may do").

Roles are Django groups (created by a data migration, so every database has
them); a user's branch office or enterprise is a field of its profile. This is the
only module that compares roles: everything else asks a capability
(``may_review``, ``may_import``, ``may_manage_accounts``, …) or the scope.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.db import connection
from django.db.models import Exists, OuterRef, Q

from .choices import Role
from .models.regions import home_region_code
from .regions import RegionScope

# Group name of each role, as staff see it in the admin.
ROLE_GROUP_NAMES: dict[str, str] = {
    Role.BUREAU_STAFF: "市局工作人员",
    Role.BRANCH_STAFF: "基层所工作人员",
    Role.MANAGER: "局领导",
    Role.ENTERPRISE: "企业用户",
}
_ROLE_BY_GROUP = {name: role for role, name in ROLE_GROUP_NAMES.items()}
# When a user is (wrongly) in several groups, the narrowest role wins, so an
# accident of setup never widens what someone may do.
_ROLE_PRECEDENCE = [Role.ENTERPRISE, Role.MANAGER, Role.BRANCH_STAFF, Role.BUREAU_STAFF]


def role_of(user) -> Role | None:
    """The user's role, or None for anonymous users and users in no role group.
    A superuser counts as bureau staff."""
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated or not user.is_active:
        return None
    cached = getattr(user, "_benchmarking_role", False)
    if cached is not False:
        return cached
    roles = {_ROLE_BY_GROUP[name] for name in _group_names(user.pk) if name in _ROLE_BY_GROUP}
    role = next((r for r in _ROLE_PRECEDENCE if r in roles), None)
    if role is None and user.is_superuser:
        role = Role.BUREAU_STAFF
    user._benchmarking_role = role
    return role


def _group_names(user_id: int) -> set[str]:
    """The names of the user's groups. A plain statement, as every page asks it once: the
    ORM would spend ten times the query's own time building it."""
    User = get_user_model()
    membership = User.groups.through._meta.db_table
    group = Group._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT g.name FROM {group} g JOIN {membership} m ON m.group_id = g.id WHERE m.user_id = %s",
            [user_id],
        )
        return {name for (name,) in cursor.fetchall()}


def users_with_role_q(role: Role) -> Q:
    """``role_of`` as a filter on the user model: the users whose ``role_of`` is ``role``.

    It must agree with ``role_of`` for every user (tests/access/test_roles.py checks both
    directions): active; in the role's group and in no narrower role's group, since the
    narrowest role wins; and, for bureau staff, also superusers in no role group. Lets a
    page or a mail find everyone holding a role in one query, where ``role_of`` asks per user.
    """
    condition = Q(is_active=True) & Q(_in_role_group(role))
    for narrower in _ROLE_PRECEDENCE[: _ROLE_PRECEDENCE.index(role)]:
        condition &= ~Q(_in_role_group(narrower))
    if role == Role.BUREAU_STAFF:
        in_no_role = Q(is_active=True, is_superuser=True)
        for other in _ROLE_PRECEDENCE:
            in_no_role &= ~Q(_in_role_group(other))
        condition |= in_no_role
    return condition


def _in_role_group(role: Role) -> Exists:
    User = get_user_model()
    return Exists(
        User.groups.through.objects.filter(user_id=OuterRef("pk"), group__name=ROLE_GROUP_NAMES[role])
    )


def profile_of(user):
    """The user's profile, or None if it has none."""
    from .models import UserProfile

    try:
        return user.profile
    except (UserProfile.DoesNotExist, AttributeError):
        return None


def enterprise_id_of(user) -> int | None:
    profile = profile_of(user)
    return profile.enterprise_id if profile else None


def branch_office_id_of(user) -> int | None:
    profile = profile_of(user)
    return profile.branch_office_id if profile else None


def region_scope_of(user) -> RegionScope:
    """The region whose records the user works with: their profile's county, prefecture or
    province (a branch office's staff and an enterprise's users: its county); the home county
    for a login with no profile (a superuser made by ``createsuperuser``). No query: the profile
    comes with the user."""
    profile = profile_of(user)
    return RegionScope(profile.region_id if profile and profile.region_id else home_region_code())


def works_in_a_county(user) -> bool:
    """Does the user work in one county's bureau (or an office or enterprise of one)? Those above
    it — a prefecture's or the province's staff and managers — read the counties under them and
    change nothing: records belong to a county."""
    return region_scope_of(user).is_county


# -- what each role may do ------------------------------------------------------------------
#
# The one table of who may do what. Every check outside this module asks one of the named
# capabilities below (or ``enterprise_scope``), never compares roles itself, so changing who
# may do something is one edit here; tests/access/test_capabilities.py states each answer per role.

_READS_STAFF_PAGES = frozenset({Role.BUREAU_STAFF, Role.BRANCH_STAFF, Role.MANAGER})
_REVIEWS = frozenset({Role.BUREAU_STAFF, Role.BRANCH_STAFF})
# The admin is where records are entered and corrected: those who write records work there;
# managers read the site's own pages (progress, lists) instead.
_ENTERS_RECORDS = frozenset({Role.BUREAU_STAFF, Role.BRANCH_STAFF})
# Logins decide who may act for an enterprise: the bureau's own staff alone hand them out.
_MANAGES_ACCOUNTS = frozenset({Role.BUREAU_STAFF})
# Schemes are the city's reference documents: only the bureau's own staff write and move them.
_MANAGES_SCHEMES = frozenset({Role.BUREAU_STAFF})
# Offices, industries, the plan and its quotas, standards of every kind.
_MANAGES_REFERENCE_DATA = frozenset({Role.BUREAU_STAFF})
# Who may import each kind (the keys of ``imports.kinds()``): reviewers keep their own
# enterprises, their declarations and quality records; the reference documents are the bureau's.
_IMPORTS: dict[str, frozenset[Role]] = {
    "enterprises": _REVIEWS,
    "standards": _MANAGES_REFERENCE_DATA,
    "schemes": _MANAGES_SCHEMES,
    "declarations": _REVIEWS,
    # The quality records are their enterprises' (scoping), kept as the enterprises are.
    "zhejiang_made": _REVIEWS,
    "pin_certificates": _REVIEWS,
    "belt_road_certificates": _REVIEWS,
}


def may_read_staff_pages(user) -> bool:
    """Progress, the lists and their exports, reports and the admin's records: bureau staff,
    branch-office staff and managers, each within their scope; never enterprise users."""
    return role_of(user) in _READS_STAFF_PAGES


def may_review(user) -> bool:
    """The review queue and its moves (publish, return, withdraw): bureau staff and
    branch-office staff; managers only read. Which enterprises' declarations: ``is_reviewer_for``."""
    return role_of(user) in _REVIEWS and works_in_a_county(user)


def may_enter_records(user) -> bool:
    """Work in the admin (数据录入与审核): enter and correct records within their scope.
    Bureau staff and branch-office staff; managers only read, on the staff pages."""
    return role_of(user) in _ENTERS_RECORDS and works_in_a_county(user)


def may_manage_accounts(user) -> bool:
    """Open enterprise logins, send their invitations, see and change users and their
    profiles, lift login lock-outs."""
    return role_of(user) in _MANAGES_ACCOUNTS and works_in_a_county(user)


def may_manage_schemes(user) -> bool:
    """Write technical schemes and their parts, publish and withdraw them."""
    return role_of(user) in _MANAGES_SCHEMES and works_in_a_county(user)


def may_manage_reference_data(user) -> bool:
    """Change offices, industries, the plan and its quotas, and standards of every kind."""
    return role_of(user) in _MANAGES_REFERENCE_DATA and works_in_a_county(user)


def may_import(user, kind: str) -> bool:
    """May ``user`` import records of ``kind`` (a key of ``imports.kinds()``)? Which rows
    of the file they may then write is their scope's business."""
    return role_of(user) in _IMPORTS[kind] and works_in_a_county(user)


def is_enterprise_user(user) -> bool:
    """Does this user act for an enterprise (the portal), rather than for the bureau?"""
    return is_enterprise_role(role_of(user))


def is_branch_office_staff(user) -> bool:
    """Does this user work in one branch office, seeing and entering that office's share?"""
    return is_branch_office_role(role_of(user))


def is_enterprise_role(role: Role | None) -> bool:
    """A login in ``role`` acts for one enterprise, named by its profile."""
    return role == Role.ENTERPRISE


def is_branch_office_role(role: Role | None) -> bool:
    """A login in ``role`` works in one branch office, named by its profile."""
    return role == Role.BRANCH_STAFF


def is_staff_role(role: Role) -> bool:
    """Django's ``is_staff`` for a login in ``role``: every role works in the admin but
    enterprise users, who use the portal."""
    return not is_enterprise_role(role)


def add_to_role(user, role: Role) -> None:
    """Put ``user`` in ``role`` (its group). A role is a group, so this is the one way in."""
    user.groups.add(Group.objects.get(name=ROLE_GROUP_NAMES[role]))


def set_only_role(user, role: Role) -> None:
    """Make ``role`` the user's one role: out of every other role's group, into its own."""
    others = [name for other, name in ROLE_GROUP_NAMES.items() if other != role]
    user.groups.remove(*Group.objects.filter(name__in=others))
    add_to_role(user, role)


def account_manager_group_names() -> list[str]:
    """The groups of the roles that ``may_manage_accounts``, for granting them Django
    permissions on what they manage (django-axes' lock-outs)."""
    return [ROLE_GROUP_NAMES[role] for role in _ROLE_PRECEDENCE if role in _MANAGES_ACCOUNTS]


# -- which enterprises ------------------------------------------------------------------------

# Filters that keep every row and none: a scope that needs no row-dependent test.
EVERYTHING = Q()
NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class EnterpriseScope:
    """The enterprises a user may see or change: a region's (a county's, or the counties under a
    prefecture or the province), one office's, one, or none. The one statement of that rule:
    ``covers`` asks it of the enterprise in hand, ``q`` turns it into the filter ``scoping``
    applies (tests/access/test_scope_agreement.py checks they agree for every demo login and
    enterprise)."""

    region: RegionScope | None = None
    branch_office_id: int | None = None
    enterprise_id: int | None = None

    @property
    def every_office(self) -> bool:
        """Every office of a region, rather than one office's share or one enterprise."""
        return self.region is not None

    def covers(self, enterprise) -> bool:
        return (
            (self.region is not None and self.region.covers(enterprise.region_id))
            or (self.branch_office_id is not None and self.branch_office_id == enterprise.branch_office_id)
            or (self.enterprise_id is not None and self.enterprise_id == enterprise.pk)
        )

    def q(self, prefix: str = "") -> Q:
        """``covers`` as a filter on ``prefix`` + enterprise (``"enterprise__"`` for its declarations)."""
        if self.region is not None:
            return self.region.q(f"{prefix}region")
        if self.branch_office_id is not None:
            return Q(**{f"{prefix}branch_office_id": self.branch_office_id})
        if self.enterprise_id is not None:
            return Q(**{f"{prefix}pk": self.enterprise_id})
        return NOTHING


def enterprise_scope(user, *, write: bool) -> EnterpriseScope:
    """Bureau staff: every enterprise of their county. Managers: the same, to read. A prefecture's
    or the province's staff and managers: every enterprise of the counties under them, to read.
    Branch-office staff: their own office's. Enterprise users: their own enterprise. Anyone else:
    none."""
    role = role_of(user)
    if role == Role.BUREAU_STAFF or (role == Role.MANAGER and not write):
        region = region_scope_of(user)
        if write and not region.is_county:
            return EnterpriseScope()
        return EnterpriseScope(region=region)
    if is_branch_office_role(role):
        return EnterpriseScope(branch_office_id=branch_office_id_of(user))
    if is_enterprise_role(role):
        return EnterpriseScope(enterprise_id=enterprise_id_of(user))
    return EnterpriseScope()


def is_reviewer_for(user, enterprise) -> bool:
    """May this user review (publish, return, withdraw) the enterprise's declarations?
    Bureau staff: every enterprise; branch-office staff: their own office's."""
    return may_review(user) and enterprise_scope(user, write=True).covers(enterprise)


def reviews_every_office(user) -> bool:
    """Does this user's review queue span every branch office (so it offers a choice of office)?"""
    return may_review(user) and enterprise_scope(user, write=True).every_office


def acts_for_enterprise(user, enterprise) -> bool:
    """Is this an enterprise user of exactly this enterprise?"""
    return is_enterprise_user(user) and enterprise_scope(user, write=True).covers(enterprise)


def reviewers_for_q(enterprise) -> Q:
    """``is_reviewer_for(user, enterprise)`` as a filter on the user model: whom to tell of a
    declaration waiting for review, in one query."""
    # ``region_scope_of``: a login with no profile works in the home county.
    in_county = Q(profile__region_id=enterprise.region_id)
    if enterprise.region_id == home_region_code():
        in_county |= Q(profile__isnull=True)
    return (users_with_role_q(Role.BUREAU_STAFF) & in_county) | (
        users_with_role_q(Role.BRANCH_STAFF) & Q(profile__branch_office_id=enterprise.branch_office_id)
    )


def acting_for_enterprise_q(enterprise) -> Q:
    """``acts_for_enterprise(user, enterprise)`` as a filter on the user model."""
    return users_with_role_q(Role.ENTERPRISE) & Q(profile__enterprise_id=enterprise.pk)


# -- API tokens -------------------------------------------------------------------------------


def may_use_api_as_staff(user) -> bool:
    """The staff part of the API (/api/v1/staff/): the users who read the staff pages."""
    return may_read_staff_pages(user)


def may_use_api_as_enterprise(user) -> bool:
    """The enterprise part of the API (/api/v1/enterprise/): users acting for one enterprise."""
    return is_enterprise_user(user) and enterprise_id_of(user) is not None


def may_manage_tokens_of(actor, user) -> bool:
    """Who may make and revoke ``user``'s API tokens: the user, if the API has a part for them;
    and staff who keep the records of the enterprise ``user`` acts for (an enterprise's software
    is often set up with the bureau's help)."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active or not user.is_active:
        return False
    if actor.pk == user.pk:
        return may_use_api_as_staff(user) or may_use_api_as_enterprise(user)
    return may_use_api_as_enterprise(user) and may_manage_enterprise_tokens(
        actor, profile_of(user).enterprise
    )


def may_manage_enterprise_tokens(actor, enterprise) -> bool:
    """Staff who may make and revoke the tokens of ``enterprise``'s logins: those who enter its
    records (and so link its 接口令牌 page from the enterprise's page)."""
    return may_enter_records(actor) and enterprise_scope(actor, write=True).covers(enterprise)
