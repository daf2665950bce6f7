"""Shared fixtures: one user per role, and a published scheme to declare against; for the
lists, their exports and the dashboard (its page and its selector), a one-indicator scheme,
``declare`` to publish against it at a chosen instant, and a 千项计划 with its records."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from benchmarking.choices import Direction, Role
from benchmarking.models import Plan, PlanQuota
from benchmarking.services.declarations import declaration_create, declaration_publish, declaration_withdraw
from benchmarking.services.schemes import scheme_publish
from tests.factories import (
    BranchOfficeFactory,
    EnterpriseFactory,
    IndicatorFactory,
    SchemeFactory,
    StandardFactory,
    make_user,
)

SH = ZoneInfo("Asia/Shanghai")


def sh(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    """An aware instant on a Shanghai wall clock."""
    return dt.datetime(year, month, day, hour, tzinfo=SH)


EARLY = sh(2024, 1, 10)


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` need PostgreSQL behaviour; skip them on SQLite. Every
    transactional test must restore what the migrations wrote (the role groups) after the
    flush that ends it, or the transactional tests after it start without them."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
            raise pytest.UsageError(
                f"{item.nodeid}: use django_db(transaction=True, serialized_rollback=True)"
            )

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
def database_sessions(settings):
    # The suite's query pins, outage drills and idle-timeout tests describe sessions read from
    # the database, one query a request. With REDIS_URL the app reads them from Redis first
    # (cached_db); tests/test_shared_cache.py tests that engine itself, where it differs.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    # Likewise the user, profile and role, read from the database (two queries a request);
    # tests/test_user_cache.py turns the shared cache's copy of them on.
    settings.BENCHMARKING_USER_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def jobs_run_at_once(settings):
    # Jobs (mails, exports) run as they are queued, with Django's own immediate backend: the
    # suite's mail and export tests describe what the job does. What the queue itself does
    # (waiting, workers, retries, a worker killed) is tested with the real database queue:
    # the ``job_queue`` fixture.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def job_queue(settings, monkeypatch):
    """The production queue (jobs wait in the database) and a function that runs what waits
    there, as ``manage.py run_jobs --batch`` does, in this process; it returns how many ran."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    # The worker drops stale connections between jobs, as Django does between requests; inside
    # a test's transaction that would drop the transaction, so, as Django's test client does
    # for requests, the test keeps its connection.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    from benchmarking.management.commands.run_jobs import RollCallWorker

    def run_queued_jobs(*, max_tasks: int | None = None) -> int:
        before = DBTaskResult.objects.finished().count()
        RollCallWorker(
            queue_names=["*"],
            excluded_queue_names=[],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=max_tasks,
            worker_id="test-worker",
        ).run()
        return DBTaskResult.objects.finished().count() - before

    return run_queued_jobs


@pytest.fixture(autouse=True)
def replica_unused(monkeypatch):
    # With DATABASE_REPLICA_URL set (CI's PostgreSQL leg), the replica alias is a test mirror: a
    # second connection to the test database, which cannot see the rows a test writes in its own
    # uncommitted transaction. So the suite reads the primary, as without a replica, while the
    # router stays installed; tests/test_read_replica.py overrides this fixture and gives the
    # replica a database of its own, to prove which reads go where.
    from benchmarking import replica

    monkeypatch.setattr(replica, "replica_configured", lambda: False)


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


# -- the lists, their exports and the dashboard ---------------------------------------------------


@pytest.fixture
def list_scheme(bureau_staff):
    """A scheme published long before every instant the tests ask about, with one
    higher-is-better indicator (benchmark 12): 13 grades 领先, 12 先进, 5 落后."""
    scheme = SchemeFactory(code="YKDB-LIST-001", title="保温杯对标技术方案", product_category="保温杯")
    IndicatorFactory(scheme=scheme, name="保温效能", benchmark_value=Decimal("12"))
    return scheme_publish(scheme=scheme, actor=bureau_staff, at=EARLY)


@pytest.fixture
def declare(list_scheme, executed_standard, bureau_staff):
    """declare(enterprise, model=…, value=…, published=instant or None, scheme=…, declared_on=…)
    -> a paper declaration entered by bureau staff; published at ``published`` unless None."""

    def make(
        enterprise,
        *,
        model: str,
        value: str = "13",
        published: dt.datetime | None = None,
        scheme=None,
        product_name: str = "真空保温杯",
        declared_on: dt.date | None = None,
    ):
        scheme = scheme or list_scheme
        indicator = scheme.indicators.get()
        declaration = declaration_create(
            actor=bureau_staff,
            enterprise=enterprise,
            scheme=scheme,
            product_name=product_name,
            product_model=model,
            executed_standard=executed_standard,
            declared_on=declared_on,
            values={indicator.pk: Decimal(value)},
            at=published or EARLY,
        )
        if published is None:
            return declaration
        return declaration_publish(declaration=declaration, actor=bureau_staff, at=published)

    return make


@pytest.fixture
def plan(office, other_office):
    """The active 千项计划, 2024–2026: 10 schemes, 6 enterprises, 12 results; quotas 东城 2
    enterprises and 4 results, 西城 4 and 8."""
    plan = Plan.objects.create(
        name="千项计划",
        starts_on=dt.date(2024, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        target_schemes=10,
        target_enterprises=6,
        target_results=12,
        is_active=True,
    )
    PlanQuota.objects.create(plan=plan, branch_office=office, enterprises=2, results=4)
    PlanQuota.objects.create(plan=plan, branch_office=other_office, enterprises=4, results=8)
    return plan


@pytest.fixture
def records(plan, enterprise, other_enterprise, declare, bureau_staff):
    """Before the plan: one result of enterprise A. In 2024: two more of A, one of B.
    In 2025: one of B, withdrawn in March 2025."""
    declare(enterprise, model="A-0", published=sh(2023, 11, 20))
    declare(enterprise, model="A-1", published=sh(2024, 3, 5))
    declare(enterprise, model="A-2", published=sh(2024, 8, 5))
    declare(other_enterprise, model="B-1", published=sh(2024, 9, 9))
    late = declare(other_enterprise, model="B-2", published=sh(2025, 1, 8))
    declaration_withdraw(declaration=late, actor=bureau_staff, comment="数据有误", at=sh(2025, 3, 3))
    declare(other_enterprise, model="B-DRAFT")  # never counts
    return plan
