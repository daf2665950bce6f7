"""The liveness check (benchmarking/views/health.py): "ok" as plain text for anyone, with no
database query, no cookie, nothing cached between, and over plain http in production. And the
readiness check beside it: the database and the cache asked, a 503 naming what is down."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import InterfaceError, OperationalError, connection, connections
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from benchmarking.models import JobWorker
from benchmarking.views import health

ROOT = Path(__file__).resolve().parent.parent.parent


def test_the_url():
    assert reverse("healthz") == "/healthz/"


@pytest.mark.django_db
def test_anonymous_gets_ok_without_a_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    # Every probe reaches a worker: no proxy or browser cache may answer for it.
    assert "no-store" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]
    # No session or CSRF cookie for a probe that sends none back.
    assert not response.cookies


@pytest.mark.django_db
def test_through_the_whole_middleware_stack(client):
    response = client.get("/healthz/")
    # Set by the security, CSP and clickjacking middleware, as on every page.
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in response
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_a_logged_in_user_gets_the_same(client, manager):
    client.force_login(manager)
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_head_is_answered_and_writes_are_not(client):
    assert client.head("/healthz/").status_code == 200
    assert client.post("/healthz/").status_code == 405


def statuses_under_production(tmp_path, *paths: str) -> list[str]:
    """The status codes of ``paths`` in a process started with production settings (DEBUG off,
    https redirect on), on a database of its own (a probe's SELECT 1 needs no tables)."""
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "client = Client()\n"
        f"print(*(client.get(path).status_code for path in {list(paths)!r}))\n"
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_") and k not in {"DATABASE_URL", "DATABASE_REPLICA_URL"}
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "yongkang.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "production-like-" + "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_SITE_URL": "https://tracker.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_production_answers_over_plain_http_while_other_pages_redirect_to_https(tmp_path):
    """The container probes http://127.0.0.1:8000/healthz/ from inside, not through the TLS
    proxy: settings.SECURE_REDIRECT_EXEMPT keeps it from being redirected like every other page."""
    assert statuses_under_production(tmp_path, "/healthz/", "/public/results/") == ["200", "301"]


# -- the readiness check: GET /readyz/ -----------------------------------------------------------
#
# 200 "ready" while the database and the cache answer; 503 naming the one that does not, with a
# fixed Chinese message and nothing of the error's text; never a 500, never cached.

# What a real driver's error carries, and the body must never repeat.
LEAKY_HOST = "db-primary.internal.example"
LEAKY_PASSWORD = "hunter2-s3cret"
LEAKY_NAME = "yk_production_db"
LEAKY_DSN = f"postgres://yk:{LEAKY_PASSWORD}@{LEAKY_HOST}:5432/{LEAKY_NAME}"


def _lose(error):
    def fail(*args, **kwargs):
        raise error

    return fail


def _assert_no_secret(response, settings) -> None:
    body = response.content.decode()
    database = settings.DATABASES["default"]
    secrets = [LEAKY_HOST, LEAKY_PASSWORD, LEAKY_NAME, "hunter2", "5432", "postgres://", "redis://"]
    secrets += [str(database.get(key)) for key in ("NAME", "HOST", "PASSWORD", "USER") if database.get(key)]
    for secret in secrets:
        assert secret not in body, secret
    assert "Error" not in body and "Traceback" not in body


def test_the_readiness_url():
    assert reverse("readyz") == "/readyz/"


@pytest.mark.django_db
def test_ready_on_a_working_database_and_cache(client):
    response = client.get("/readyz/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ready"
    assert "failing" not in body
    checks = body["checks"]
    assert checks["database"]["ok"] is True
    assert checks["cache"]["ok"] is True
    for name in ("database", "cache"):
        assert isinstance(checks[name]["ms"], float) and checks[name]["ms"] >= 0
    # Every probe reaches a worker; no session or CSRF cookie for a probe that sends none back.
    assert "no-store" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]
    assert not response.cookies


@pytest.mark.django_db
def test_a_local_memory_cache_is_reported_as_such_and_is_not_a_failure(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    response = client.get("/readyz/")
    assert response.status_code == 200
    assert response.json()["checks"]["cache"] == {
        "ok": True,
        "ms": response.json()["checks"]["cache"]["ms"],
        "message": "本机内存（未配置 Redis）",
    }


@pytest.mark.django_db
def test_an_empty_job_queue_is_ready_and_says_how_many_workers_are_alive(client, job_queue):
    JobWorker.objects.create(
        worker_id="w1", hostname="app1", pid=1, started_at=timezone.now(), seen_at=timezone.now()
    )
    JobWorker.objects.create(  # stopped beating a minute ago: not counted
        worker_id="w2",
        hostname="app2",
        pid=2,
        started_at=timezone.now(),
        seen_at=timezone.now() - dt.timedelta(minutes=1),
    )
    response = client.get("/readyz/")
    assert response.status_code == 200
    check = response.json()["checks"]["job_queue"]
    assert check["ok"] is True
    assert check["message"] == "没有等待的任务；在线工作进程 1 个"


@pytest.mark.django_db
def test_a_job_waiting_too_long_is_reported_degraded_with_its_age(client, job_queue):
    from benchmarking.tasks import send_declaration_mail

    result = send_declaration_mail.enqueue(declaration_id=1, action="submit")
    DBTaskResult.objects.filter(pk=result.id).update(enqueued_at=timezone.now() - dt.timedelta(minutes=5))
    response = client.get("/readyz/")
    assert response.status_code == 200  # pages still work; exports and mails are late
    body = response.json()
    assert body["status"] == "ready"
    assert body["degraded"] == ["job_queue"]
    assert body["checks"]["job_queue"]["ok"] is False
    assert body["checks"]["job_queue"]["message"] == "后台任务积压或任务队列无法访问"


@pytest.mark.django_db
def test_a_job_waiting_a_moment_is_fine_and_its_age_is_shown(client, job_queue):
    from benchmarking.tasks import send_declaration_mail

    result = send_declaration_mail.enqueue(declaration_id=1, action="submit")
    DBTaskResult.objects.filter(pk=result.id).update(enqueued_at=timezone.now() - dt.timedelta(seconds=40))
    check = client.get("/readyz/").json()["checks"]["job_queue"]
    assert check["ok"] is True
    assert check["message"].startswith("等待最久的任务已等 4")  # 40 s, or 41 on a slow run
    assert check["message"].endswith("在线工作进程 0 个")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "error",
    [
        OperationalError(f'connection to server at "{LEAKY_HOST}" failed: password authentication failed'),
        InterfaceError(f"connection already closed ({LEAKY_DSN})"),
    ],
    ids=type,
)
def test_a_database_that_is_down_is_a_503_naming_it(client, monkeypatch, settings, error):
    # As tests/test_outages.py does: the connection fails as a lost server makes it fail.
    monkeypatch.setattr(connections["default"], "cursor", _lose(error))
    client.raise_request_exception = False  # as a real server: a crash would be a 500 response
    response = client.get("/readyz/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"  # the probe's own answer, not the 503 page
    body = response.json()
    assert body["status"] == "not_ready"
    assert body["failing"] == ["database"]
    assert body["checks"]["database"]["ok"] is False
    assert body["checks"]["database"]["message"] == "数据库无法访问"
    assert body["checks"]["cache"]["ok"] is True  # the others are still reported
    assert "no-store" in response["Cache-Control"]
    _assert_no_secret(response, settings)


@pytest.mark.django_db
def test_a_cache_backend_that_raises_is_reported_degraded_but_still_ready(client, monkeypatch, settings):
    # The app serves every page from the database meanwhile: no reason to pull it from traffic.
    cache_class = type(caches["default"])
    monkeypatch.setattr(
        cache_class,
        "set",
        _lose(ConnectionError(f"Error 111 connecting to redis://:{LEAKY_PASSWORD}@{LEAKY_HOST}")),
    )
    client.raise_request_exception = False
    response = client.get("/readyz/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready" and "failing" not in body
    assert body["degraded"] == ["cache"]
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["cache"]["message"] == "缓存无法读写"
    assert body["checks"]["database"]["ok"] is True
    _assert_no_secret(response, settings)


@pytest.mark.django_db
def test_a_cache_that_swallows_its_errors_is_still_seen_to_be_down(client, monkeypatch):
    """django-redis with IGNORE_EXCEPTIONS (as settings configure it) answers None instead of
    raising: the probe reads back what it wrote, so that is a failure too."""
    monkeypatch.setattr(type(caches["default"]), "get", lambda self, key, default=None, version=None: default)
    response = client.get("/readyz/")
    assert response.status_code == 200
    assert response.json()["degraded"] == ["cache"]
    assert response.json()["checks"]["cache"]["ok"] is False


@pytest.mark.django_db
def test_the_database_down_is_not_ready_and_the_cache_down_is_named_beside_it(client, monkeypatch):
    monkeypatch.setattr(connections["default"], "cursor", _lose(OperationalError("gone")))
    monkeypatch.setattr(type(caches["default"]), "set", _lose(ConnectionError("gone")))
    client.raise_request_exception = False
    response = client.get("/readyz/")
    assert response.status_code == 503
    assert response.json()["failing"] == ["database"]
    # The job queue lives in that database: it cannot be read either, named but not "failing".
    assert response.json()["degraded"] == ["cache", "job_queue"]


def _django_redis(location: str) -> dict:
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "yk-readyz-test",
            # As settings configure it: errors swallowed, a second at most per attempt.
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }


def _redis_is_running() -> bool:
    try:
        import redis

        return bool(redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping())
    except Exception:
        return False


@pytest.mark.django_db
def test_redis_answering_is_ready(client, settings):
    pytest.importorskip("django_redis")
    if not _redis_is_running():
        pytest.skip("no Redis at 127.0.0.1:6379")
    settings.CACHES = _django_redis("redis://127.0.0.1:6379/0")
    response = client.get("/readyz/")
    assert response.status_code == 200
    cache = response.json()["checks"]["cache"]
    assert cache["ok"] is True and cache["message"] == "Redis"


@pytest.mark.django_db
def test_redis_unreachable_is_reported_degraded_without_its_address(client, settings):
    pytest.importorskip("django_redis")
    # Nothing listens on port 1: the connection is refused at once, as when Redis is down.
    settings.CACHES = _django_redis("redis://:hunter2-s3cret@127.0.0.1:1/0")
    response = client.get("/readyz/")
    assert response.status_code == 200
    body = response.json()
    assert body["degraded"] == ["cache"]
    assert "127.0.0.1" not in response.content.decode()
    _assert_no_secret(response, settings)


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_postgresql_statement_timeout_bounds_the_probe_and_ends_with_it(client, monkeypatch):
    """A database that hangs is down too: past the probe's timeout PostgreSQL cancels the query.
    The timeout is for that query only: the connection's own setting is the same afterwards."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        before = cursor.fetchone()[0]
    monkeypatch.setattr(health, "DATABASE_PROBE_TIMEOUT_MS", 50)
    monkeypatch.setattr(health, "DATABASE_PROBE_SQL", "SELECT pg_sleep(2)")
    response = client.get("/readyz/")
    assert response.status_code == 503
    assert response.json()["failing"] == ["database"]
    assert response.json()["checks"]["database"]["ms"] < 1500
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == before
    # And a working database is ready again on the same connection, its setting untouched.
    monkeypatch.setattr(health, "DATABASE_PROBE_SQL", "SELECT 1")
    assert client.get("/readyz/").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == before


@pytest.mark.django_db
def test_readiness_head_is_answered_and_writes_are_not(client):
    head = client.head("/readyz/")
    assert head.status_code == 200
    assert head.content == b""
    assert client.post("/readyz/").status_code == 405
    assert client.put("/readyz/").status_code == 405


@pytest.mark.django_db
def test_a_logged_in_user_gets_the_same_readiness(client, manager):
    client.force_login(manager)
    response = client.get("/readyz/")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"


def test_production_answers_readiness_over_plain_http(tmp_path):
    """Probed from inside the container over plain http, as /healthz/ is (SECURE_REDIRECT_EXEMPT)."""
    assert statuses_under_production(tmp_path, "/readyz/", "/public/results/") == ["200", "301"]
