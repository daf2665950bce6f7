"""A user's role (benchmarking/access.py): ``role_of`` for one user in hand, and
``users_with_role_q``, the same rule as a filter, must name exactly the same users."""

from itertools import combinations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from benchmarking.access import ROLE_GROUP_NAMES, role_of, users_with_role_q
from benchmarking.choices import Role

User = get_user_model()
ROLES = list(Role)


def every_combination_of_roles():
    return [set(chosen) for size in range(len(ROLES) + 1) for chosen in combinations(ROLES, size)]


@pytest.fixture
def everyone(db):
    """One user for each set of role groups (none, one, several, all), each as a plain user
    and a superuser, active and inactive; half of them also in a group that is no role."""
    unrelated = Group.objects.create(name="档案管理")
    users = []
    for number, roles in enumerate(every_combination_of_roles()):
        for superuser in (False, True):
            for active in (True, False):
                user = User.objects.create_user(
                    f"u{number}-{'su' if superuser else 'plain'}-{'on' if active else 'off'}",
                    is_superuser=superuser,
                    is_staff=superuser,
                    is_active=active,
                )
                user.groups.add(*Group.objects.filter(name__in=[ROLE_GROUP_NAMES[r] for r in roles]))
                if number % 2:
                    user.groups.add(unrelated)
                users.append(user)
    # Fresh instances: role_of caches the role on the object it was asked about.
    return list(User.objects.order_by("pk"))


def named(*roles: Role, superuser=False, active=True) -> User:
    user = User.objects.create_user(
        f"n{User.objects.count()}", is_superuser=superuser, is_staff=superuser, is_active=active
    )
    user.groups.add(*Group.objects.filter(name__in=[ROLE_GROUP_NAMES[r] for r in roles]))
    return User.objects.get(pk=user.pk)


def holders(role: Role) -> set[int]:
    return set(User.objects.filter(users_with_role_q(role)).values_list("pk", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_filter_names_exactly_the_users_role_of_names(everyone, role):
    by_role_of = {user.pk for user in everyone if role_of(user) == role}
    assert by_role_of  # the comparison below is not between two empty sets
    assert holders(role) == by_role_of


@pytest.mark.django_db
def test_each_user_is_named_by_the_filter_of_its_own_role_only(everyone):
    named_by = {role: holders(role) for role in ROLES}
    for user in everyone:
        hits = [role for role in ROLES if user.pk in named_by[role]]
        assert hits == ([role_of(user)] if role_of(user) else []), user.username


@pytest.mark.django_db
@pytest.mark.parametrize(
    "user_kwargs, roles, expected",
    [
        ({}, (), None),
        ({}, (Role.ENTERPRISE, Role.BUREAU_STAFF), Role.ENTERPRISE),  # the narrowest role wins
        ({}, (Role.MANAGER, Role.BRANCH_STAFF), Role.MANAGER),
        ({}, (Role.BRANCH_STAFF, Role.BUREAU_STAFF), Role.BRANCH_STAFF),
        ({"superuser": True}, (), Role.BUREAU_STAFF),  # a superuser in no role group
        ({"superuser": True}, (Role.BRANCH_STAFF,), Role.BRANCH_STAFF),  # the group, not the flag
        ({"active": False}, (Role.BUREAU_STAFF,), None),
        ({"active": False, "superuser": True}, (), None),
    ],
)
def test_hand_picked_cases_on_both_sides(db, user_kwargs, roles, expected):
    user = named(*roles, **user_kwargs)
    assert role_of(user) == expected
    assert [role for role in ROLES if user.pk in holders(role)] == ([expected] if expected else [])


@pytest.mark.django_db
def test_the_role_costs_one_query_and_the_profile_none(everyone, django_assert_num_queries):
    """A page asks once who is there: the user and profile in one query (the login backend),
    the role in one more, the same answer role_of gives on a fresh instance."""
    from benchmarking.backends import ProfileLoadingModelBackend

    backend = ProfileLoadingModelBackend()
    for user in everyone:
        with django_assert_num_queries(1 if not user.is_active else 2):
            loaded = backend.get_user(user.pk)
            role = role_of(loaded) if loaded else None
            assert getattr(loaded, "profile", None) is None
        if user.is_active:
            assert role == role_of(User.objects.get(pk=user.pk)), user.username
        else:
            assert loaded is None  # ModelBackend's rule: an inactive user is logged out


@pytest.mark.django_db
def test_a_changed_role_holds_from_the_next_request(client):
    user = named(Role.BUREAU_STAFF)
    client.force_login(user)
    assert client.get("/progress/").status_code == 200
    user.groups.set(Group.objects.filter(name=ROLE_GROUP_NAMES[Role.ENTERPRISE]))
    assert client.get("/progress/").status_code == 403
