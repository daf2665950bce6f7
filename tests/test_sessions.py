"""Sessions end after a spell of inactivity and when the browser closes; browsing does not
write the session on every page."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone


def stored_expiry(client):
    return Session.objects.get(session_key=client.cookies["sessionid"].value).expire_date


def session_writes(queries) -> list[str]:
    return [q["sql"] for q in queries if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")]


@pytest.mark.django_db
def test_activity_pushes_the_idle_expiry_back(client, bureau_staff, settings, monkeypatch):
    assert not settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    idle = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert idle == dt.timedelta(hours=2)  # DJANGO_SESSION_IDLE_SECONDS is unset in tests
    start = timezone.now()
    monkeypatch.setattr("django.utils.timezone.now", lambda: start)
    client.force_login(bureau_staff)

    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert abs(stored_expiry(client) - (start + idle)) < dt.timedelta(seconds=1)

    # An hour later, still working: the expiry moves to an idle period from now.
    later = start + dt.timedelta(hours=1)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    assert client.get(reverse("admin:index")).status_code == 200
    assert abs(stored_expiry(client) - (later + idle)) < dt.timedelta(seconds=1)

    # Then away from the desk for longer than the idle period: logged out.
    monkeypatch.setattr("django.utils.timezone.now", lambda: later + idle + dt.timedelta(minutes=1))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_pages_within_a_minute_write_no_session(client, bureau_staff, settings, monkeypatch):
    start = timezone.now()
    monkeypatch.setattr("django.utils.timezone.now", lambda: start)
    client.force_login(bureau_staff)
    login_expiry = stored_expiry(client)

    soon = start + dt.timedelta(seconds=settings.SESSION_TOUCH_SECONDS - 1)
    monkeypatch.setattr("django.utils.timezone.now", lambda: soon)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("progress-dashboard")).status_code == 200
    assert session_writes(queries) == []
    assert stored_expiry(client) == login_expiry

    # Once the touch interval has passed, the next page pushes the expiry back.
    touch = start + dt.timedelta(seconds=settings.SESSION_TOUCH_SECONDS)
    monkeypatch.setattr("django.utils.timezone.now", lambda: touch)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("progress-dashboard"))
    assert response.status_code == 200
    assert len(session_writes(queries)) == 1
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and not cookie["max-age"] and not cookie["expires"]  # ends with the browser
    assert stored_expiry(client) == touch + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)


@pytest.mark.django_db
def test_an_anonymous_visit_creates_no_session(client):
    response = client.get(reverse("public-results"))
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert not Session.objects.exists()


@pytest.mark.django_db
def test_logging_out_is_not_undone(client, bureau_staff):
    client.force_login(bureau_staff)
    key = client.cookies["sessionid"].value
    client.post(reverse("logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("progress-dashboard")).status_code == 302
