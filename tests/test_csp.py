"""The Content-Security-Policy forbids inline scripts and every third-party origin."""

import base64
import hashlib
import re

import pytest
from django.urls import reverse

KEYWORDS = {"'self'", "'none'"}


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["login", "home", "admin:login"])
def test_pages_carry_a_policy_without_inline_scripts_or_other_origins(client, url_name):
    directives = policy(client.get(reverse(url_name)))
    assert directives["script-src"] == ["'self'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    for name, sources in directives.items():
        assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources, name
        # Only this site itself, data: images (the admin's icons) and hashed style attributes;
        # no host, scheme or wildcard.
        allowed = KEYWORDS | ({"data:"} if name == "img-src" else set())
        if name == "style-src":
            allowed |= {"'unsafe-hashes'"} | {
                s for s in sources if re.fullmatch(r"'sha256-[A-Za-z0-9+/]+={0,2}'", s)
            }
        assert set(sources) <= allowed, (name, sources)


@pytest.mark.django_db
def test_the_style_hash_is_that_of_simple_historys_inline_style(client):
    """The one hashed style attribute is the one django-simple-history's history list has;
    if the library changes it, this says so instead of a silent console violation."""
    from django.template.loader import get_template

    source = get_template("simple_history/object_history_list.html").template.source
    attributes = re.findall(r'style="([^"]*)"', source)
    assert attributes == ["border-top: 0"]
    digest = base64.b64encode(hashlib.sha256(attributes[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in policy(client.get(reverse("login")))["style-src"]


@pytest.mark.django_db
def test_admin_pages_carry_the_policy_too(client, bureau_staff):
    client.force_login(bureau_staff)
    response = client.get(reverse("admin:benchmarking_declaration_changelist"))
    assert response.status_code == 200
    assert policy(response)["script-src"] == ["'self'"]


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["login", "home"])
def test_site_pages_have_no_inline_script_or_style(client, enterprise_user, url_name):
    for who in (None, enterprise_user):
        if who:
            client.force_login(who)
        page = client.get(reverse(url_name)).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)", page)
        assert "<style" not in page and " style=" not in page
        assert not re.search(r"\son[a-z]+\s*=\s*[\"']", page)  # no inline event handlers either
