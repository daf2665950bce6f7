"""The logged-in user, profile and role from the shared cache (benchmarking.user_cache): a warm
page asks the database nothing about who is there, and every change to who someone is takes
effect on their very next request, whichever side it was made from.

Run with the cache on (as production with Redis has it), in this process's memory: the
invalidation is the same code whatever the backend; tests/test_shared_cache.py checks Redis.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarking.access import ROLE_GROUP_NAMES, set_only_role
from benchmarking.choices import Role
from benchmarking.models import UserProfile
from benchmarking.user_cache import cache_key, cached_user

ROOT = Path(__file__).resolve().parent.parent
needs_redis = pytest.mark.skipif(not django_settings.REDIS_URL, reason="needs Redis (set REDIS_URL)")
DASHBOARD = reverse("progress-dashboard")
QUEUE = reverse("review-queue")


@pytest.fixture(autouse=True)
def user_cache_on(settings):
    settings.BENCHMARKING_USER_CACHE_SECONDS = 300


def warm(client, user, url=DASHBOARD):
    """Logged in, the page opened once (the user is cached, the session touched)."""
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    assert cache.get(cache_key(user.pk)) is not None
    return response


def user_queries(captured) -> list[str]:
    return [
        q["sql"] for q in captured.captured_queries if "auth_user" in q["sql"] or "auth_group" in q["sql"]
    ]


def test_a_warm_page_asks_the_database_nothing_about_the_user(client, manager, plan):
    warm(client, manager)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(DASHBOARD).status_code == 200
    # Sessions are read from the database in the suite (conftest); the user, the profile and
    # the role groups are not.
    assert user_queries(captured) == []


def test_the_cache_holds_the_profile_and_the_role(branch_staff, office):
    cached_user(branch_staff.pk)
    copy = cache.get(cache_key(branch_staff.pk))
    assert copy.profile.branch_office_id == office.pk
    assert copy._benchmarking_role == Role.BRANCH_STAFF


def test_without_the_setting_nothing_is_cached(settings, client, manager, plan):
    settings.BENCHMARKING_USER_CACHE_SECONDS = 0
    client.force_login(manager)
    assert client.get(DASHBOARD).status_code == 200
    assert cache.get(cache_key(manager.pk)) is None


def test_a_deactivated_user_is_logged_out_at_once(client, manager, plan):
    warm(client, manager)
    manager.is_active = False
    manager.save()
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_changed_password_ends_the_other_sessions_at_once(client, manager, plan):
    warm(client, manager)
    manager.set_password("Another-Password-2026")
    manager.save()
    assert client.get(DASHBOARD).status_code == 302


def test_a_changed_role_counts_at_once(client, branch_staff, plan):
    warm(client, branch_staff, QUEUE)
    set_only_role(branch_staff, Role.MANAGER)
    # A manager only reads: the review queue is refused on the very next request.
    assert client.get(QUEUE).status_code == 403


def test_a_role_taken_away_from_the_groups_side_counts_at_once(client, branch_staff, plan):
    warm(client, branch_staff, QUEUE)
    Group.objects.get(name=ROLE_GROUP_NAMES[Role.BRANCH_STAFF]).user_set.remove(branch_staff)
    assert client.get(QUEUE).status_code == 403


def test_a_group_emptied_counts_at_once(client, branch_staff, plan):
    warm(client, branch_staff, QUEUE)
    Group.objects.get(name=ROLE_GROUP_NAMES[Role.BRANCH_STAFF]).user_set.clear()
    assert client.get(QUEUE).status_code == 403


def test_a_role_given_from_the_groups_side_counts_at_once(client, manager, plan):
    warm(client, manager)
    assert client.get(QUEUE).status_code == 403
    manager.groups.clear()
    Group.objects.get(name=ROLE_GROUP_NAMES[Role.BUREAU_STAFF]).user_set.add(manager)
    assert client.get(QUEUE).status_code == 200


def test_a_renamed_group_counts_at_once(client, branch_staff, plan):
    warm(client, branch_staff, QUEUE)
    group = Group.objects.get(name=ROLE_GROUP_NAMES[Role.BRANCH_STAFF])
    group.name = "已停用的分组"
    group.save()
    # In no role group any more: no staff pages.
    assert client.get(QUEUE).status_code == 403
    assert client.get(DASHBOARD).status_code == 403


def test_a_deleted_group_counts_at_once(client, branch_staff, plan):
    warm(client, branch_staff, QUEUE)
    Group.objects.get(name=ROLE_GROUP_NAMES[Role.BRANCH_STAFF]).delete()
    assert client.get(QUEUE).status_code == 403


def test_a_moved_branch_login_sees_its_new_office_at_once(client, branch_staff, other_office, plan):
    assert "东城市场监管所" in warm(client, branch_staff).content.decode()
    profile = branch_staff.profile
    profile.branch_office = other_office
    profile.save()
    html = client.get(DASHBOARD).content.decode()
    assert "西城市场监管所" in html and "对标达标千项计划进度 · 东城市场监管所" not in html


def test_a_deleted_profile_counts_at_once(client, branch_staff, plan):
    warm(client, branch_staff)
    UserProfile.objects.filter(user=branch_staff).get().delete()
    # A branch login tied to no office has no share to show.
    assert client.get(DASHBOARD).status_code == 403


def test_a_deleted_user_is_logged_out_at_once(client, manager, plan):
    warm(client, manager)
    manager.delete()
    assert client.get(DASHBOARD).status_code == 302


def test_a_copy_read_while_the_change_was_written_is_dropped_after_the_commit(
    manager, django_capture_on_commit_callbacks
):
    cached_user(manager.pk)
    with django_capture_on_commit_callbacks(execute=True):
        manager.is_active = False
        manager.save()
        assert cache.get(cache_key(manager.pk)) is None
        # A request that read the row before this transaction commits caches the old copy …
        stale = type(manager).objects.get(pk=manager.pk)
        stale.is_active = True
        cache.set(cache_key(manager.pk), stale, 300)
    # … and the commit drops it again.
    assert cache.get(cache_key(manager.pk)) is None
    assert cached_user(manager.pk).is_active is False


def user_cache_seconds_under(**env) -> int:
    """BENCHMARKING_USER_CACHE_SECONDS of a process started with ``env``."""
    clean = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_USER_CACHE_SECONDS")}
    code = "import django; django.setup(); from django.conf import settings; print(settings.BENCHMARKING_USER_CACHE_SECONDS)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "yongkang.settings", "DJANGO_DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return int(result.stdout.strip().splitlines()[-1])


def test_the_copy_is_kept_only_where_every_app_server_shares_the_cache():
    # Each process's own memory could not forget a copy another process was told to forget.
    assert user_cache_seconds_under() == 0
    assert user_cache_seconds_under(REDIS_URL="redis://127.0.0.1:6379/3") == 60


@needs_redis
def test_the_copy_lives_in_redis_where_a_change_removes_it_for_every_app_server(manager):
    from django_redis import get_redis_connection

    cached_user(manager.pk)
    raw = get_redis_connection("default")  # another app server is another client of it
    assert raw.keys(f"*{cache_key(manager.pk)}")
    manager.is_active = False
    manager.save()
    assert not raw.keys(f"*{cache_key(manager.pk)}")
