"""Shared fixtures: one user per role, and a published scheme to declare against."""

from decimal import Decimal

import pytest
from django.db import connection

from benchmarking.choices import Direction, Role
from benchmarking.services.schemes import scheme_publish
from tests.factories import (
    BranchOfficeFactory,
    EnterpriseFactory,
    IndicatorFactory,
    SchemeFactory,
    StandardFactory,
    make_user,
)


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` need PostgreSQL behaviour; skip them on SQLite. Every
    transactional test must restore what the migrations wrote (the role groups) after the
    flush that ends it, or the transactional tests after it start without them."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
            raise pytest.UsageError(f"{item.nodeid}: use django_db(transaction=True, serialized_rollback=True)")

    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashers are deliberately slow; tests create many users and never attack their hashes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    # Cached counts are keyed by the counts version, which each test's rolled-back database
    # may repeat: no test may read what another one cached.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    # Uploads made by a test land in its own folder, never in the project's media/.
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def office(db):
    return BranchOfficeFactory(name="东城市场监管所", code="DC")


@pytest.fixture
def other_office(db):
    return BranchOfficeFactory(name="西城市场监管所", code="XC")


@pytest.fixture
def enterprise(office):
    return EnterpriseFactory(name="永康甲杯业有限公司", branch_office=office)


@pytest.fixture
def other_enterprise(other_office):
    return EnterpriseFactory(name="永康乙门业有限公司", branch_office=other_office)


@pytest.fixture
def bureau_staff(db):
    return make_user(Role.BUREAU_STAFF, username="bureau")


@pytest.fixture
def branch_staff(office):
    return make_user(Role.BRANCH_STAFF, username="branch", branch_office=office)


@pytest.fixture
def other_branch_staff(other_office):
    return make_user(Role.BRANCH_STAFF, username="branch_other", branch_office=other_office)


@pytest.fixture
def manager(db):
    return make_user(Role.MANAGER, username="manager")


@pytest.fixture
def enterprise_user(enterprise):
    return make_user(Role.ENTERPRISE, username="ent_a", enterprise=enterprise)


@pytest.fixture
def other_enterprise_user(other_enterprise):
    return make_user(Role.ENTERPRISE, username="ent_b", enterprise=other_enterprise)


@pytest.fixture
def executed_standard(db):
    return StandardFactory(number="Q/YKJB 001—2024", title="企业标准 保温杯", kind="enterprise")


@pytest.fixture
def scheme(bureau_staff):
    """A published scheme with three indicators: two core numeric ones and a pass/fail one."""
    scheme = SchemeFactory()
    IndicatorFactory(
        scheme=scheme,
        name="保温效能",
        unit="h",
        order=1,
        is_core=True,
        direction=Direction.HIGHER_BETTER,
        benchmark_value=Decimal("12"),
    )
    IndicatorFactory(
        scheme=scheme,
        name="铅迁移量",
        unit="mg/dm²",
        order=2,
        is_core=True,
        direction=Direction.LOWER_BETTER,
        benchmark_value=Decimal("0.01"),
    )
    IndicatorFactory(
        scheme=scheme,
        name="外观",
        unit="",
        order=3,
        direction=Direction.PASS_FAIL,
        benchmark_value=None,
        requirement="无毛刺、无划痕",
    )
    return scheme_publish(scheme=scheme, actor=bureau_staff)


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"
