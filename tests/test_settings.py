"""Settings come from the environment, and production refuses to start without a secret key
or without an address for the links in its mails."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_check(**env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env |= {"DJANGO_SETTINGS_MODULE": "yongkang.settings", **env_overrides}
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_without_secret_key_says_what_to_do():
    result = run_check(DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_with_secret_key_starts():
    result = run_check(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 60)
    assert result.returncode == 0, result.stderr


def test_language_and_time_zone(settings):
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True


PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "production-like-" + "k" * 50,
    "DJANGO_ALLOWED_HOSTS": "tracker.example.org",
}


def run_manage(*args, **env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env |= {"DJANGO_SETTINGS_MODULE": "yongkang.settings", **env_overrides}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_under_production_settings_has_no_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_cookies_are_secure_and_http_only():
    names = ["SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_HTTPONLY"]
    code = f"from django.conf import settings; print(*[getattr(settings, n) for n in {names!r}])"
    result = run_manage("shell", "-c", code, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["True"] * 4


def test_the_configured_default_password_hasher_is_argon2(settings):
    from django.contrib.auth.hashers import check_password, get_hasher, make_password

    from yongkang import settings as configured

    # tests/conftest.py swaps in MD5 for speed; put the project's real list back.
    settings.PASSWORD_HASHERS = configured.PASSWORD_HASHERS
    assert get_hasher("default").algorithm == "argon2"
    encoded = make_password("Demo-Bureau-2026")
    assert encoded.startswith("argon2$argon2id$")
    assert check_password("Demo-Bureau-2026", encoded)


def test_uploads_live_outside_the_static_files():
    from yongkang import settings as configured

    media = configured.MEDIA_ROOT.resolve()
    for static in [configured.STATIC_ROOT, *configured.STATICFILES_DIRS]:
        static = Path(static).resolve()
        assert not media.is_relative_to(static) and not static.is_relative_to(media)


def test_an_older_pbkdf2_password_is_upgraded_to_argon2_at_login(settings, client, enterprise_user):
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from yongkang import settings as configured

    settings.PASSWORD_HASHERS = configured.PASSWORD_HASHERS
    # A hash as an earlier deployment stored it (few iterations, to keep the test quick).
    enterprise_user.password = PBKDF2PasswordHasher().encode("Old-Password-1", "somesalt", iterations=1000)
    enterprise_user.save()
    response = client.post(
        "/accounts/login/", {"username": enterprise_user.username, "password": "Old-Password-1"}
    )
    assert response.status_code == 302
    enterprise_user.refresh_from_db()
    assert enterprise_user.password.startswith("argon2$")


def site_url_under(**env) -> str:
    result = run_manage("shell", "-c", "from django.conf import settings; print(settings.SITE_URL)", **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[-1]


def test_in_production_mail_links_default_to_https_on_the_first_allowed_host():
    # Not to localhost: a forgotten DJANGO_SITE_URL must not send every mail's link there.
    assert site_url_under(**PRODUCTION) == "https://tracker.example.org"
    hosts = ".yk.example.gov.cn,tracker.example.org"
    assert site_url_under(**PRODUCTION | {"DJANGO_ALLOWED_HOSTS": hosts}) == "https://yk.example.gov.cn"


def test_a_set_site_url_wins_and_loses_its_trailing_slash():
    env = PRODUCTION | {"DJANGO_ALLOWED_HOSTS": "*", "DJANGO_SITE_URL": "https://dbdb.yk.example.gov.cn/"}
    assert site_url_under(**env) == "https://dbdb.yk.example.gov.cn"


def test_while_debugging_mail_links_default_to_the_development_server():
    assert (
        site_url_under(DJANGO_DEBUG="1", DJANGO_ALLOWED_HOSTS="tracker.example.org")
        == "http://127.0.0.1:8000"
    )


@pytest.mark.parametrize("hosts", ["*", "", "*,tracker.example.org"])
def test_production_without_a_host_to_link_to_says_to_set_site_url(hosts):
    result = run_check(**PRODUCTION | {"DJANGO_ALLOWED_HOSTS": hosts})
    assert result.returncode != 0
    assert "DJANGO_SITE_URL is not set" in result.stderr
    assert "Set DJANGO_SITE_URL" in result.stderr
