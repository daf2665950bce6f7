"""The read replica (yongkang/db_routers.py, benchmarking/replica.py): the dashboard, the home
page's figures and the lists read it; a browser that has just written reads the primary; a
replica that is away costs a page nothing but time; migrations never touch it.

The replica here is a second PostgreSQL database of its own: ``StandIn.catch_up()`` copies the
primary's test database into it (``CREATE DATABASE … TEMPLATE``), which is what a standby looks
like once it has replayed up to that moment. What the primary writes afterwards is not there,
like a replica lagging behind, and what is written into the copy alone is on the replica only:
a page showing either says which database it read.

Runs on PostgreSQL with DATABASE_REPLICA_URL set, as CI's PostgreSQL leg does; the database
that URL names is never touched (the alias is a test mirror until a test gives it the copy):

    DATABASE_URL=postgres://…/yongkang DATABASE_REPLICA_URL=postgres://…/yongkang_replica \\
        python3 scripts/dev.py test tests/test_read_replica.py
"""

import datetime as dt
import re
import time

import pytest
from django.apps import apps
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.management import call_command
from django.db import connections, router
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from benchmarking import replica
from benchmarking.choices import DeclarationStatus
from benchmarking.services.declarations import declaration_submit
from tests.factories import EnterpriseFactory
from yongkang.db_routers import REPLICA_DB_ALIAS

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        REPLICA_DB_ALIAS not in settings.DATABASES,
        reason="needs a replica: set DATABASE_REPLICA_URL (CI's PostgreSQL leg does)",
    ),
    pytest.mark.django_db(
        transaction=True, serialized_rollback=True, databases=["default", REPLICA_DB_ALIAS]
    ),
]

DECLARATIONS = reverse("declaration-list")
ENTERPRISES = reverse("enterprise-list")
DASHBOARD = reverse("progress-dashboard")


@pytest.fixture
def replica_unused():
    """Overrides tests/conftest.py's fixture of that name: here the replica is in use."""


@pytest.fixture(autouse=True)
def replica_not_away():
    replica.forget_replica_failure()
    yield
    replica.forget_replica_failure()


class StandIn:
    """The replica's database: a copy of the primary's test database, taken when asked."""

    def __init__(self):
        self.primary = connections["default"]
        self.replica = connections[REPLICA_DB_ALIAS]
        self.mirrored_name = self.replica.settings_dict["NAME"]
        self.source = self.primary.settings_dict["NAME"]
        self.name = f"{self.source}_replica"

    def _maintenance(self, *statements: str) -> None:
        with self.primary._nodb_cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    def catch_up(self) -> None:
        """The replica now holds everything the primary committed until now."""
        # A template database may have no other session: close this process's two.
        self.primary.close()
        self.replica.close()
        for attempt in range(20):
            try:
                self._maintenance(
                    f'DROP DATABASE IF EXISTS "{self.name}"',
                    f'CREATE DATABASE "{self.name}" TEMPLATE "{self.source}" STRATEGY FILE_COPY',
                )
                break
            except Exception as error:  # another session still closing: try again shortly
                if "being accessed by other users" not in str(error) or attempt == 19:
                    raise
                time.sleep(0.25)
        self.replica.settings_dict["NAME"] = self.name

    def execute(self, sql: str, params=()) -> None:
        """A write on the replica alone (a real replica refuses them; the copy does not)."""
        with self.replica.cursor() as cursor:
            cursor.execute(sql, params)

    def go_away(self) -> None:
        """The replica's server is gone: its database dropped under the open connection."""
        self._maintenance(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def remove(self) -> None:
        self.replica.close()
        self.go_away()
        self.replica.settings_dict["NAME"] = self.mirrored_name


@pytest.fixture
def stand_in():
    copy = StandIn()
    yield copy
    copy.remove()


def logged_in(user) -> Client:
    """A browser of its own, logged in without a request (so without a write mark)."""
    client = Client()
    client.force_login(user)
    return client


def tables_read(queries) -> str:
    return " ".join(query["sql"] for query in queries)


def listed(response) -> list:
    assert response.status_code == 200
    return list(response.context["object_list"])


# -- reads go to the replica ----------------------------------------------------------------------


def test_the_lists_read_the_replica(stand_in, bureau_staff, office, enterprise):
    stand_in.catch_up()
    # On the primary only: written after the replica's copy was taken.
    EnterpriseFactory(name="只在主库的企业", branch_office=office)
    # On the replica only.
    stand_in.execute(
        "UPDATE benchmarking_enterprise SET name = %s WHERE id = %s", ["只在副本的企业名", enterprise.pk]
    )
    client = logged_in(bureau_staff)

    with (
        CaptureQueriesContext(connections["default"]) as on_primary,
        CaptureQueriesContext(connections[REPLICA_DB_ALIAS]) as on_replica,
    ):
        response = client.get(ENTERPRISES)

    names = [row.name for row in listed(response)]
    assert names == ["只在副本的企业名"]
    page = response.content.decode()
    assert "只在副本的企业名" in page and "只在主库的企业" not in page
    # The rows, their count and the filter's choices came from the replica; the primary only
    # said who is asking (session, user, role).
    assert '"benchmarking_enterprise"' in tables_read(on_replica.captured_queries)
    assert '"benchmarking_enterprise"' not in tables_read(on_primary.captured_queries)
    assert '"django_session"' in tables_read(on_primary.captured_queries)
    assert '"django_session"' not in tables_read(on_replica.captured_queries)

    # The other two lists too.
    for url in (reverse("scheme-list"), DECLARATIONS):
        with CaptureQueriesContext(connections[REPLICA_DB_ALIAS]) as on_replica:
            assert client.get(url).status_code == 200
        assert on_replica.captured_queries, url


def test_an_export_reads_the_primary(stand_in, bureau_staff, office):
    """A list's file streams after the view has returned: it reads one database, the primary."""
    stand_in.catch_up()
    EnterpriseFactory(name="只在主库的企业", branch_office=office)
    client = logged_in(bureau_staff)

    with CaptureQueriesContext(connections[REPLICA_DB_ALIAS]) as on_replica:
        response = client.get(reverse("enterprise-export", kwargs={"fmt": "csv"}))
        content = b"".join(response.streaming_content).decode("utf-8-sig")

    assert "只在主库的企业" in content
    assert not on_replica.captured_queries


@pytest.fixture
def waiting(declare, enterprise, bureau_staff):
    """A declaration of 甲 submitted for review (the records' scheme, entered by staff)."""
    return declaration_submit(declaration=declare(enterprise, model="REPLICA-1"), actor=bureau_staff)


def test_a_browser_that_wrote_reads_the_primary_and_everyone_else_the_replica(
    stand_in, records, waiting, bureau_staff, manager
):
    stand_in.catch_up()
    reviewer = logged_in(bureau_staff)
    published = {"status": DeclarationStatus.PUBLISHED, "q": "REPLICA-1"}
    assert listed(reviewer.get(DECLARATIONS, published)) == []  # the replica, before the move
    before = figures(logged_in(manager).get(DASHBOARD))

    response = reviewer.post(reverse("review-publish", args=[waiting.pk]), {"comment": "材料齐全"})

    assert response.status_code == 302
    mark = response.cookies[replica.WROTE_COOKIE]
    assert mark["max-age"] == settings.DATABASE_REPLICA_STICKY_SECONDS == 10
    assert mark["httponly"] and mark["samesite"] == "Lax"
    # The reviewer's next pages read the primary: the result they published is there.
    with CaptureQueriesContext(connections[REPLICA_DB_ALIAS]) as on_replica:
        assert [d.pk for d in listed(reviewer.get(DECLARATIONS, published))] == [waiting.pk]
        dashboard = reviewer.get(DASHBOARD)
        home = reviewer.get(reverse("home"))
    assert not on_replica.captured_queries
    assert figures(dashboard) == {**before, "results": before["results"] + 1}
    assert pending(home) == 0

    # Everyone else reads the replica, which has not got the move yet: another user, and the
    # same reviewer in another browser (the mark is the browser's, not the account's).
    cache.clear()  # computed afresh, not the content cached for the manager above
    assert figures(logged_in(manager).get(DASHBOARD)) == before
    other_browser = logged_in(bureau_staff)
    assert listed(other_browser.get(DECLARATIONS, published)) == []
    assert pending(other_browser.get(reverse("home"))) == 1

    # Once the window has passed the reviewer reads the replica again.
    reviewer.cookies[replica.WROTE_COOKIE] = signed_mark(age=11)
    assert listed(reviewer.get(DECLARATIONS, published)) == []
    reviewer.cookies[replica.WROTE_COOKIE] = signed_mark(age=9)
    assert len(listed(reviewer.get(DECLARATIONS, published))) == 1
    # A mark that is not ours (forged, or signed with another key) counts for nothing.
    reviewer.cookies[replica.WROTE_COOKIE] = "1"
    assert listed(reviewer.get(DECLARATIONS, published)) == []


def figures(response) -> dict[str, int]:
    """The dashboard's three figures as the page shows them (its content may come from the cache)."""
    assert response.status_code == 200
    found = re.findall(
        r'data-measure="(\w+)">.*?<p class="figure"><a [^>]*>(\d+)</a>', response.content.decode(), re.S
    )
    assert len(found) == 3, found
    return {key: int(count) for key, count in found}


def pending(response) -> int:
    """The home page's 待审核 figure."""
    assert response.status_code == 200
    found = re.search(
        r'data-tile="pending">.*?<span class="home-tile-figure">(\d+)</span>', response.content.decode(), re.S
    )
    assert found
    return int(found[1])


def signed_mark(*, age: float) -> str:
    """The cookie's value as the middleware signs it, ``age`` seconds ago."""
    signer = signing.get_cookie_signer(salt=replica.WROTE_COOKIE + replica.WROTE_COOKIE_SALT)
    signer.timestamp = lambda: signing.b62_encode(int(time.time() - age))
    return signer.sign("1")


def test_a_failed_post_marks_the_browser_too(stand_in, bureau_staff, waiting):
    """A refused form may have written nothing, but telling which requests wrote would cost a
    look at every query: any request that may write keeps the browser on the primary."""
    stand_in.catch_up()
    client = logged_in(bureau_staff)
    response = client.post(reverse("review-return", args=[waiting.pk]), {"reason": ""})
    assert response.status_code == 200  # the form, with its error
    assert replica.WROTE_COOKIE in response.cookies
    assert replica.WROTE_COOKIE not in client.get(DECLARATIONS).cookies  # reading marks nothing


# -- a replica that is away ---------------------------------------------------------------------


def test_a_replica_that_goes_away_costs_the_page_nothing(stand_in, bureau_staff, office, caplog):
    stand_in.catch_up()
    EnterpriseFactory(name="只在主库的企业", branch_office=office)
    client = logged_in(bureau_staff)
    assert listed(client.get(ENTERPRISES)) == []  # the replica, connected

    # Its server goes: the open connection is cut. The page is read again from the primary.
    stand_in.go_away()
    response = client.get(ENTERPRISES)
    assert [row.name for row in listed(response)] == ["只在主库的企业"]
    assert "read replica unavailable" in caplog.text
    assert replica.replica_away()

    # Meanwhile this process does not try it (no connection attempt, no delay) …
    assert client.get(DASHBOARD).status_code == 200
    assert stand_in.replica.connection is None
    # … and the readiness check reports it, degraded: the app serves from the primary.
    ready = client.get(reverse("readyz"))
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "ready" and body["degraded"] == ["replica"]
    assert body["checks"]["replica"] == {
        "ok": False,
        "ms": body["checks"]["replica"]["ms"],
        "message": "只读副本无法访问，由主库读取",
    }
    assert stand_in.name not in ready.content.decode()

    # After the retry time it is tried again; a replica that refuses the connection outright
    # (the database gone) is the same fallback.
    replica.forget_replica_failure()
    caplog.clear()
    assert [row.name for row in listed(client.get(ENTERPRISES))] == ["只在主库的企业"]
    assert "read replica unavailable" in caplog.text

    # Back: the next copy serves again once the retry time has passed.
    stand_in.catch_up()
    replica.forget_replica_failure()
    with CaptureQueriesContext(connections[REPLICA_DB_ALIAS]) as on_replica:
        assert [row.name for row in listed(client.get(ENTERPRISES))] == ["只在主库的企业"]
    assert on_replica.captured_queries
    ready = client.get(reverse("readyz")).json()
    assert ready["checks"]["replica"]["ok"] is True and "degraded" not in ready


def test_an_error_of_the_primary_is_not_blamed_on_the_replica(stand_in, bureau_staff, monkeypatch):
    """Only the replica's failures are retried on the primary; the primary's stay an outage
    (503 from benchmarking.outages), and the replica stays in use."""
    from django.db import OperationalError

    stand_in.catch_up()
    client = logged_in(bureau_staff)
    client.get(ENTERPRISES)  # user, session: loaded

    from benchmarking.views import lists

    def primary_fails(self, *args, **kwargs):
        connections["default"].errors_occurred = True
        raise OperationalError("the primary is away")

    monkeypatch.setattr(lists.StaffListView, "get_context_data", primary_fails)
    assert client.get(ENTERPRISES).status_code == 503
    assert not replica.replica_away()


# -- migrations and writes ------------------------------------------------------------------------


def test_migrations_never_touch_the_replica(stand_in):
    for model in apps.get_models():
        assert router.allow_migrate_model("default", model), model
        assert not router.allow_migrate_model(REPLICA_DB_ALIAS, model), model
        # Writes go to the primary, even inside a replica-reading page.
        assert router.db_for_write(model) == "default"

    # Asked outright to migrate the replica's (empty) database, migrate creates none of the tables.
    stand_in._maintenance(f'DROP DATABASE IF EXISTS "{stand_in.name}"', f'CREATE DATABASE "{stand_in.name}"')
    stand_in.replica.close()
    stand_in.replica.settings_dict["NAME"] = stand_in.name
    call_command("migrate", database=REPLICA_DB_ALIAS, verbosity=0)
    tables = set(stand_in.replica.introspection.table_names())
    app_tables = {model._meta.db_table for model in apps.get_models()}
    assert not tables & app_tables, sorted(tables & app_tables)


def test_the_dashboard_reads_the_replica_for_the_figures_it_caches(stand_in, records, manager, declare):
    """The dashboard's cached content is keyed by the counts version read from the replica, so
    a replica behind the primary serves (and caches) its own figures, never newer ones under
    an older version."""
    stand_in.catch_up()
    from benchmarking.models import Enterprise

    client = logged_in(manager)
    before = figures(client.get(DASHBOARD))
    declare(
        Enterprise.objects.first(), model="NEW-ON-PRIMARY", published=timezone.now() - dt.timedelta(hours=1)
    )
    cache.clear()

    with (
        CaptureQueriesContext(connections["default"]) as on_primary,
        CaptureQueriesContext(connections[REPLICA_DB_ALIAS]) as on_replica,
    ):
        shown = figures(client.get(DASHBOARD))
    assert shown == before
    assert "benchmarking_countsversion" in tables_read(on_replica.captured_queries)
    assert '"benchmarking_declaration"' in tables_read(on_replica.captured_queries)
    assert "benchmarking_countsversion" not in tables_read(on_primary.captured_queries)
    assert "benchmarking_declaration" not in tables_read(on_primary.captured_queries)
    # The primary's figures are one result more: what a browser that has just written is shown.
    client.cookies[replica.WROTE_COOKIE] = signed_mark(age=0)
    assert figures(client.get(DASHBOARD))["results"] == before["results"] + 1
