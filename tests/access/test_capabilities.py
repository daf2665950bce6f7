"""Each capability of benchmarking/access.py, answered for every role: the table of who may do
what, written out once more by hand, so that changing a rule is a decision a test records."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group

from benchmarking.access import (
    account_manager_group_names,
    is_branch_office_staff,
    is_enterprise_user,
    is_staff_role,
    may_enter_records,
    may_import,
    may_manage_accounts,
    may_manage_reference_data,
    may_manage_schemes,
    may_read_staff_pages,
    may_review,
    reviews_every_office,
)
from benchmarking.choices import Role
from benchmarking.imports import importable_kinds, kinds
from tests.factories import make_user

User = get_user_model()

CAPABILITIES = (
    may_read_staff_pages,
    may_review,
    may_enter_records,
    reviews_every_office,
    may_manage_accounts,
    may_manage_schemes,
    may_manage_reference_data,
    is_enterprise_user,
    is_branch_office_staff,
)
ALL_KINDS = (
    "enterprises",
    "standards",
    "schemes",
    "declarations",
    "zhejiang_made",
    "pin_certificates",
    "belt_road_certificates",
)
# The kinds branch-office staff import: their own enterprises' records.
OWN_ENTERPRISES_KINDS = (
    "enterprises",
    "declarations",
    "zhejiang_made",
    "pin_certificates",
    "belt_road_certificates",
)

# user fixture -> (the capabilities above that answer yes, the kinds it may import)
EXPECTED = {
    "bureau_staff": (
        {
            may_read_staff_pages,
            may_review,
            may_enter_records,
            reviews_every_office,
            may_manage_accounts,
            may_manage_schemes,
            may_manage_reference_data,
        },
        ALL_KINDS,
    ),
    # A superuser in no role group works as bureau staff (access.role_of).
    "superuser_in_no_role": (
        {
            may_read_staff_pages,
            may_review,
            may_enter_records,
            reviews_every_office,
            may_manage_accounts,
            may_manage_schemes,
            may_manage_reference_data,
        },
        ALL_KINDS,
    ),
    "branch_staff": (
        {may_read_staff_pages, may_review, may_enter_records, is_branch_office_staff},
        OWN_ENTERPRISES_KINDS,
    ),
    "manager": ({may_read_staff_pages}, ()),
    # Another county's bureau works as ours does, in its county.
    "other_county_bureau_staff": (
        {
            may_read_staff_pages,
            may_review,
            may_enter_records,
            reviews_every_office,
            may_manage_accounts,
            may_manage_schemes,
            may_manage_reference_data,
        },
        ALL_KINDS,
    ),
    # Above a county, bureau staff and managers alike read the counties under them and change nothing.
    "prefecture_bureau_staff": ({may_read_staff_pages}, ()),
    "prefecture_manager": ({may_read_staff_pages}, ()),
    "province_bureau_staff": ({may_read_staff_pages}, ()),
    "province_manager": ({may_read_staff_pages}, ()),
    "enterprise_user": ({is_enterprise_user}, ()),
    "user_in_no_role": (set(), ()),
    "inactive_bureau_staff": (set(), ()),
    "anonymous": (set(), ()),
}


@pytest.fixture
def superuser_in_no_role(db):
    return User.objects.create_user("root", is_superuser=True, is_staff=True)


@pytest.fixture
def user_in_no_role(db):
    return User.objects.create_user("nobody", is_staff=True)


@pytest.fixture
def inactive_bureau_staff(db):
    return make_user(Role.BUREAU_STAFF, username="gone", is_active=False)


@pytest.fixture
def other_county_bureau_staff(db):
    return make_user(Role.BUREAU_STAFF, username="dongyang", region="330783")


@pytest.fixture
def prefecture_bureau_staff(db):
    return make_user(Role.BUREAU_STAFF, username="jinhua_staff", region="330700")


@pytest.fixture
def prefecture_manager(db):
    return make_user(Role.MANAGER, username="jinhua", region="330700")


@pytest.fixture
def province_bureau_staff(db):
    return make_user(Role.BUREAU_STAFF, username="zhejiang_staff", region="330000")


@pytest.fixture
def province_manager(db):
    return make_user(Role.MANAGER, username="zhejiang", region="330000")


@pytest.fixture
def anonymous():
    return AnonymousUser()


def test_the_table_names_every_importable_kind():
    assert set(kinds()) == set(ALL_KINDS)


@pytest.mark.django_db
@pytest.mark.parametrize("who", EXPECTED)
def test_each_capability_per_role(request, who):
    user = request.getfixturevalue(who)
    allowed, importable = EXPECTED[who]
    answers = {capability for capability in CAPABILITIES if capability(user)}
    assert {c.__name__ for c in answers} == {c.__name__ for c in allowed}
    assert {kind for kind in ALL_KINDS if may_import(user, kind)} == set(importable)
    assert [kind.key for kind in importable_kinds(user)] == [k for k in kinds() if k in importable]
    # Each kind's own answer is the same rule (the import command and page ask the kind).
    assert all(kind.may_import(user) == may_import(user, key) for key, kind in kinds().items())


@pytest.mark.django_db
def test_axes_unlock_rights_go_to_the_groups_of_those_who_manage_accounts(bureau_staff, manager):
    assert account_manager_group_names()
    for name in account_manager_group_names():
        assert Group.objects.filter(name=name).exists()
    managing = {user.username for user in (bureau_staff, manager) if may_manage_accounts(user)}
    in_groups = set(
        User.objects.filter(groups__name__in=account_manager_group_names()).values_list("username", flat=True)
    )
    assert managing == in_groups == {"bureau"}


def test_only_enterprise_logins_stay_out_of_the_admin():
    assert {role for role in Role if not is_staff_role(role)} == {Role.ENTERPRISE}
