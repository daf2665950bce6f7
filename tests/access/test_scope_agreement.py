"""The two forms of each access rule agree on the demo Yongkang: ``EnterpriseScope.covers``
(asked of the enterprise in hand by services and imports) and the queryset filter of
``scoping`` (every page and export), for read and write; ``is_reviewer_for`` and
``acts_for_enterprise`` and their user filters (whom the mails go to).

Every demo login, plus the users at the edges of the rules (no role, inactive, a superuser in
no role group, a branch login with no office, an enterprise login with no enterprise), against
every enterprise and declaration ``seed_demo`` writes. Seeding takes a while, so the module
seeds once inside a transaction rolled back when it ends.
"""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from benchmarking.access import (
    acting_for_enterprise_q,
    acts_for_enterprise,
    add_to_role,
    enterprise_scope,
    is_reviewer_for,
    reviewers_for_q,
    role_of,
)
from benchmarking.choices import Role
from benchmarking.models import Declaration, Enterprise, UserProfile
from benchmarking.scoping import editable_by, visible_to

User = get_user_model()
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEMO_LOGINS = ("bureau", "branch", "manager", "enterprise_a", "enterprise_b", "jinhua", "zhejiang")
EDGE_USERS = (
    "no_role",
    "inactive_branch",
    "superuser_no_role",
    "branch_no_office",
    "enterprise_no_enterprise",
)
USERNAMES = DEMO_LOGINS + EDGE_USERS


def _edge_users() -> None:
    """The users at the edges of the rules, beside the demo's logins."""
    office_id = UserProfile.objects.get(user__username="branch").branch_office_id
    User.objects.create_user("no_role", is_staff=True)
    User.objects.create_user("superuser_no_role", is_staff=True, is_superuser=True)
    inactive = User.objects.create_user("inactive_branch", is_staff=True, is_active=False)
    add_to_role(inactive, Role.BRANCH_STAFF)
    UserProfile.objects.create(user=inactive, branch_office_id=office_id)
    add_to_role(User.objects.create_user("branch_no_office", is_staff=True), Role.BRANCH_STAFF)
    no_enterprise = User.objects.create_user("enterprise_no_enterprise")
    add_to_role(no_enterprise, Role.ENTERPRISE)
    UserProfile.objects.create(user=no_enterprise)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        call_command("seed_demo", stdout=io.StringIO())
        _edge_users()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db):
    return None


def user(username: str):
    # A fresh instance for every question: role_of caches the role on the object it was asked.
    return User.objects.select_related("profile").get(username=username)


def pks(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


@pytest.mark.parametrize("write", [False, True], ids=["read", "write"])
@pytest.mark.parametrize("username", USERNAMES)
def test_covers_and_the_filter_name_the_same_enterprises_and_declarations(demo, username, write):
    someone = user(username)
    scope = enterprise_scope(someone, write=write)
    rows = visible_to if not write else editable_by

    enterprises = list(Enterprise.objects.all())
    assert len(enterprises) > 230
    assert {e.pk for e in enterprises if scope.covers(e)} == pks(rows(someone, Enterprise))

    declarations = list(Declaration.objects.select_related("enterprise"))
    assert len(declarations) > 480
    assert {d.pk for d in declarations if scope.covers(d.enterprise)} == pks(rows(someone, Declaration))


# How many of the demo's enterprises each user's scope holds (read, write): the agreement
# above is then between the sets it should be, not two empty ones. ``county`` is Yongkang's
# (the home county's) enterprises, ``prefecture`` 金华's, ``everyone`` the province's.
def _expected_share(
    username: str, everyone: int, prefecture: int, county: int, office: int
) -> tuple[int, int]:
    return {
        "bureau": (county, county),
        "superuser_no_role": (county, county),
        "manager": (county, 0),
        "jinhua": (prefecture, 0),
        "zhejiang": (everyone, 0),
        "branch": (office, office),
        "enterprise_a": (1, 1),
        "enterprise_b": (1, 1),
    }.get(username, (0, 0))


@pytest.mark.parametrize("username", USERNAMES)
def test_each_scope_holds_what_the_role_says(demo, username):
    someone = user(username)
    everyone = Enterprise.objects.count()
    prefecture = Enterprise.objects.filter(region__parent__code="330700").count()
    county = Enterprise.objects.filter(region="330784").count()
    office = Enterprise.objects.filter(branch_office__code="DC").count()
    assert 0 < office < county < prefecture < everyone
    read = sum(enterprise_scope(someone, write=False).covers(e) for e in Enterprise.objects.all())
    write = sum(enterprise_scope(someone, write=True).covers(e) for e in Enterprise.objects.all())
    assert (read, write) == _expected_share(username, everyone, prefecture, county, office)


def test_the_reviewers_and_the_enterprise_logins_filters_agree_with_the_checks(demo):
    users = [user(name) for name in USERNAMES]
    assert [role_of(u) for u in users[:5]] == [
        Role.BUREAU_STAFF,
        Role.BRANCH_STAFF,
        Role.MANAGER,
        Role.ENTERPRISE,
        Role.ENTERPRISE,
    ]
    ours = {u.pk for u in users}
    reviewed_by_branch = acted_for = 0
    for enterprise in Enterprise.objects.all():
        reviewers = {u.pk for u in users if is_reviewer_for(u, enterprise)}
        assert reviewers == pks(User.objects.filter(reviewers_for_q(enterprise))) & ours, enterprise
        logins = {u.pk for u in users if acts_for_enterprise(u, enterprise)}
        assert logins == pks(User.objects.filter(acting_for_enterprise_q(enterprise))) & ours, enterprise
        reviewed_by_branch += users[1].pk in reviewers
        acted_for += bool(logins)
    assert reviewed_by_branch == Enterprise.objects.filter(branch_office__code="DC").count()
    assert acted_for == 2
