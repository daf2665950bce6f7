"""Who a user is to the bureau: their role and the office or enterprise they act for.

Roles are Django groups (created by a data migration, so every database has
them); a user's branch office or enterprise is a field of its profile.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.db import connection
from django.db.models import Exists, OuterRef, Q

from .choices import Role

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


@dataclass(frozen=True)
class EnterpriseScope:
    """The enterprises a user may see or change: all of them, one office's, one, or none.
    The one statement of that rule: ``scoping`` turns it into a filter, the services ask it
    of the enterprise in hand."""

    everything: bool = False
    branch_office_id: int | None = None
    enterprise_id: int | None = None

    def covers(self, enterprise) -> bool:
        return (
            self.everything
            or (self.branch_office_id is not None and self.branch_office_id == enterprise.branch_office_id)
            or (self.enterprise_id is not None and self.enterprise_id == enterprise.pk)
        )


def enterprise_scope(user, *, write: bool) -> EnterpriseScope:
    """Bureau staff: every enterprise. Managers: every enterprise, to read. Branch-office staff:
    their own office's. Enterprise users: their own enterprise. Anyone else: none."""
    role = role_of(user)
    if role == Role.BUREAU_STAFF or (role == Role.MANAGER and not write):
        return EnterpriseScope(everything=True)
    if role == Role.BRANCH_STAFF:
        return EnterpriseScope(branch_office_id=branch_office_id_of(user))
    if role == Role.ENTERPRISE:
        return EnterpriseScope(enterprise_id=enterprise_id_of(user))
    return EnterpriseScope()


def is_reviewer_for(user, enterprise) -> bool:
    """May this user review (publish, return, withdraw) the enterprise's declarations?
    Bureau staff: every enterprise; branch-office staff: their own office's."""
    return role_of(user) in (Role.BUREAU_STAFF, Role.BRANCH_STAFF) and enterprise_scope(
        user, write=True
    ).covers(enterprise)


def acts_for_enterprise(user, enterprise) -> bool:
    """Is this an enterprise user of exactly this enterprise?"""
    return role_of(user) == Role.ENTERPRISE and enterprise_scope(user, write=True).covers(enterprise)
