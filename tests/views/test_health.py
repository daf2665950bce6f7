"""The liveness check (benchmarking/views/health.py): "ok" as plain text for anyone, with no
database query, no cookie, nothing cached between, and over plain http in production."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

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


def test_production_answers_over_plain_http_while_other_pages_redirect_to_https():
    """The container probes http://127.0.0.1:8000/healthz/ from inside, not through the TLS
    proxy: settings.SECURE_REDIRECT_EXEMPT keeps it from being redirected like every other page."""
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "client = Client()\n"
        "print(client.get('/healthz/').status_code, client.get('/public/results/').status_code)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "yongkang.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "production-like-" + "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_SITE_URL": "https://tracker.example.org",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["200", "301"]
