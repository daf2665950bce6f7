"""The shared cache and session store: Redis when REDIS_URL is set, each process's own memory
otherwise. With Redis, what one app server caches another reads; a Redis that is away is a
cache miss, never a 500, and logs nobody out (sessions are written through to the database).

The tests marked by ``needs_redis`` run against a real Redis (CI sets REDIS_URL for its
PostgreSQL leg); the rest run everywhere.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarking.selectors.progress import cached_counts

ROOT = Path(__file__).resolve().parent.parent
needs_redis = pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (set REDIS_URL)")

# A Redis that is not there: nothing listens on port 1.
AWAY = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
    }
}


def settings_under(**env) -> dict:
    """The cache and session settings a process started with ``env`` gets."""
    clean = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps({'cache': settings.CACHES['default'], 'session': settings.SESSION_ENGINE}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "yongkang.settings", "DJANGO_DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_redis_each_process_keeps_its_own_cache_and_sessions_stay_in_the_database():
    chosen = settings_under()
    assert chosen["cache"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert chosen["session"] == "django.contrib.sessions.backends.db"


def test_redis_url_makes_the_cache_and_sessions_shared():
    chosen = settings_under(REDIS_URL="redis://127.0.0.1:6379/3")
    assert chosen["cache"]["BACKEND"] == "django_redis.cache.RedisCache"
    assert chosen["cache"]["LOCATION"] == "redis://127.0.0.1:6379/3"
    assert chosen["cache"]["OPTIONS"]["IGNORE_EXCEPTIONS"] is True
    assert chosen["session"] == "django.contrib.sessions.backends.cached_db"


@override_settings(CACHES=AWAY, SESSION_ENGINE="django.contrib.sessions.backends.cached_db")
def test_a_redis_that_is_away_is_a_cache_miss_not_an_error(client, manager, plan):
    # Logging in writes the session through to the database; the dashboard computes its figures.
    client.force_login(manager)
    response = client.get(reverse("progress-dashboard"))
    assert response.status_code == 200
    assert "对标达标千项计划进度" in response.content.decode()
    # Twice: nothing was cached, the second page is computed again, the same.
    assert client.get(reverse("progress-dashboard")).status_code == 200
    assert cached_counts("probe", lambda: 42) == 42


@needs_redis
def test_cached_figures_live_in_redis_where_every_app_server_reads_them(db):
    from django_redis import get_redis_connection

    assert cached_counts("probe", lambda: {"results": 480}) == {"results": 480}
    # Another app server is another client of the same Redis: a raw connection finds the entry.
    keys = [key.decode() for key in get_redis_connection("default").keys("*counts:*:probe")]
    assert len(keys) == 1, keys
    # And reads it, rather than computing it again.
    assert cached_counts("probe", lambda: pytest.fail("computed again")) == {"results": 480}


@needs_redis
@override_settings(SESSION_ENGINE="django.contrib.sessions.backends.cached_db")
def test_a_redis_restart_logs_nobody_out(client, manager):
    from django_redis import get_redis_connection

    client.force_login(manager)
    assert client.get(reverse("progress-dashboard")).status_code == 200
    get_redis_connection("default").flushdb()  # what a restart without persistence leaves
    response = client.get(reverse("progress-dashboard"))
    assert response.status_code == 200, "the session was read back from the database"
    assert response.wsgi_request.user == manager


@needs_redis
def test_the_test_run_uses_redis():
    # CI's Redis leg must really exercise Redis, not fall back to memory unnoticed.
    assert settings.CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    cache.set("probe", "ok", 5)
    from django_redis import get_redis_connection

    assert get_redis_connection("default").ping()
    assert cache.get("probe") == "ok"


def test_sessions_cached_in_the_shared_cache_save_a_query_on_every_page(settings, manager, plan):
    # cached_db against whatever the default cache is (Redis in production, memory here).
    url = reverse("progress-dashboard")

    def queries_of_a_page(engine: str) -> int:
        settings.SESSION_ENGINE = engine
        client = Client()  # its own middleware, which picks the session engine once
        client.force_login(manager)
        client.get(url)  # the first page after a login may write the session
        with CaptureQueriesContext(connection) as page:
            assert client.get(url).status_code == 200
        return len(page.captured_queries)

    from_database = queries_of_a_page("django.contrib.sessions.backends.db")
    from_cache = queries_of_a_page("django.contrib.sessions.backends.cached_db")
    assert from_cache == from_database - 1
