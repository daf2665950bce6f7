"""Sessions end after a spell of inactivity and when the browser closes."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone


def stored_expiry(client):
    return Session.objects.get(session_key=client.cookies["sessionid"].value).expire_date


@pytest.mark.django_db
def test_every_request_pushes_the_idle_expiry_back(client, bureau_staff, settings, monkeypatch):
    assert settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    idle = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert idle == dt.timedelta(hours=2)  # DJANGO_SESSION_IDLE_SECONDS is unset in tests
    client.force_login(bureau_staff)
    start = timezone.now()

    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert abs(stored_expiry(client) - (start + idle)) < dt.timedelta(seconds=30)
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and not cookie["max-age"] and not cookie["expires"]  # ends with the browser

    # An hour later, still working: the expiry moves to an idle period from now.
    later = start + dt.timedelta(hours=1)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    assert client.get(reverse("admin:index")).status_code == 200
    assert abs(stored_expiry(client) - (later + idle)) < dt.timedelta(seconds=30)

    # Then away from the desk for longer than the idle period: logged out.
    monkeypatch.setattr("django.utils.timezone.now", lambda: later + idle + dt.timedelta(minutes=1))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
