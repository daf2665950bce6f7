"""The read replica's router (yongkang/db_routers.py) and settings, on any database: which alias
each query is sent to, and what DATABASE_REPLICA_URL adds to the settings (nothing without it).
Where the reads really go, against a second PostgreSQL database: tests/test_read_replica.py."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session

from benchmarking.models import Declaration, Enterprise
from yongkang.db_routers import REPLICA_DB_ALIAS, ReplicaRouter, reads_from_replica, replica_reads_active

ROOT = Path(__file__).resolve().parent.parent
ROUTER = ReplicaRouter()


def test_reads_go_to_the_replica_inside_the_scope_only():
    assert ROUTER.db_for_read(Enterprise) == "default"
    with reads_from_replica():
        assert replica_reads_active()
        assert ROUTER.db_for_read(Enterprise) == REPLICA_DB_ALIAS
        assert ROUTER.db_for_read(get_user_model()) == REPLICA_DB_ALIAS
        # The session says who is logged in: always the primary (a login is a second old).
        assert ROUTER.db_for_read(Session) == "default"
        with reads_from_replica():  # nested: still the replica, and the outer scope survives
            assert ROUTER.db_for_read(Declaration) == REPLICA_DB_ALIAS
        assert ROUTER.db_for_read(Declaration) == REPLICA_DB_ALIAS
    assert not replica_reads_active()
    assert ROUTER.db_for_read(Enterprise) == "default"


def test_the_scope_ends_when_the_page_raises():
    with pytest.raises(RuntimeError), reads_from_replica():
        raise RuntimeError
    assert ROUTER.db_for_read(Enterprise) == "default"


def test_writes_always_go_to_the_primary():
    assert ROUTER.db_for_write(Enterprise) == "default"
    with reads_from_replica():
        assert ROUTER.db_for_write(Enterprise) == "default"
        assert ROUTER.db_for_write(Session) == "default"


def test_a_record_read_from_the_replica_reads_its_relations_from_the_primary_after_the_scope():
    """Django follows an instance hint to the database the instance came from unless a router
    names one: this one names the primary outside the scope."""
    record = Enterprise(name="副本读出的企业")
    record._state.db = REPLICA_DB_ALIAS
    assert ROUTER.db_for_read(Enterprise, instance=record) == "default"
    on_primary = Enterprise(name="主库的企业")
    on_primary._state.db = "default"
    assert ROUTER.allow_relation(record, on_primary) is True


def test_migrations_are_for_the_primary_only():
    assert ROUTER.allow_migrate(REPLICA_DB_ALIAS, "benchmarking", "enterprise") is False
    assert ROUTER.allow_migrate(REPLICA_DB_ALIAS, "auth") is False
    # The primary: the router has no opinion, so Django migrates it as before.
    assert ROUTER.allow_migrate("default", "benchmarking", "enterprise") is None


def settings_of(env: dict[str, str], *expressions: str) -> list:
    """The values of ``expressions`` (over ``settings``) in a process started with ``env``."""
    script = (
        "import json, django\n"
        "django.setup()\n"
        "from django.conf import settings\n"
        f"print(json.dumps([{', '.join(expressions)}], default=str))\n"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "yongkang.settings", "DJANGO_DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_without_a_replica_url_nothing_changes(tmp_path):
    aliases, routers = settings_of(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"},
        "sorted(settings.DATABASES)",
        "settings.DATABASE_ROUTERS",
    )
    assert aliases == ["default"]
    assert routers == []


def test_a_replica_url_adds_the_replica_alias_and_the_router(tmp_path):
    replica, default, routers, sticky = settings_of(
        {
            "DATABASE_URL": "postgres://app:secret@db.example:5432/yongkang",
            "DATABASE_REPLICA_URL": "postgres://reader:secret@standby.example:5432/yongkang",
            "DJANGO_CONN_MAX_AGE": "30",
            "DATABASE_REPLICA_STICKY_SECONDS": "15",
        },
        "settings.DATABASES['replica']",
        "settings.DATABASES['default']",
        "settings.DATABASE_ROUTERS",
        "settings.DATABASE_REPLICA_STICKY_SECONDS",
    )
    assert (replica["HOST"], replica["USER"], replica["NAME"]) == ("standby.example", "reader", "yongkang")
    # The primary's connection options: kept open as long, health-checked the same.
    assert replica["CONN_MAX_AGE"] == default["CONN_MAX_AGE"] == 30
    assert replica["CONN_HEALTH_CHECKS"] is True
    # A replica that does not answer is given up after 2 s (the page is read from the primary).
    assert replica["OPTIONS"]["connect_timeout"] == 2
    # Tests never open the replica the URL names: the alias mirrors the test database.
    assert replica["TEST"]["MIRROR"] == "default"
    assert routers == ["yongkang.db_routers.ReplicaRouter"]
    assert sticky == 15


def test_the_deploy_checks_stay_clean_with_a_replica(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env |= {
        "DJANGO_SECRET_KEY": "production-like-" + "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "tracker.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DATABASE_REPLICA_URL": f"sqlite:///{tmp_path / 'replica.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_readiness_reports_no_replica_as_not_configured(client):
    body = client.get("/readyz/").json()
    assert body["checks"]["replica"] == {
        "ok": None,
        "configured": False,
        "message": "未配置（所有读取由主库承担）",
    }
    assert "replica" not in body.get("degraded", [])
