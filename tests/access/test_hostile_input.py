"""The hostile-input matrix: no URL answers 5xx, whatever its query parameters carry.

Beside the permission matrix, and built from the same walk of the URL resolver and the same
sample records: for every GET URL of the project (the admin's included), each query
parameter it reads is sent each hostile value below, as a user who may open the page (the
most privileged one that may: bureau staff where they can). A parameter is found, not listed:

- every parameter the view reads, recorded from ``request.GET`` while it answers a plain
  request (the lists' FilterSets, paging, sorting, "as of" days, …);
- every admin list filter's parameters (``expected_parameters()`` of each filter the
  changelist builds) and the date hierarchy's ``__year`` / ``__month`` / ``__day``, with the
  search box, ordering and paging; and, as the admin accepts a lookup on any of the model's
  own fields, each field and each date field's ``__year`` / ``__month`` / ``__day``;
- for the admin's autocomplete, every ``autocomplete_fields`` of every registered admin and
  inline, each with its source parameters and a hostile ``term``.

A new URL, FilterSet field, list filter or autocomplete field is covered without editing this
test. It prints how many (URL, parameter, value) cases it checked. It runs on PostgreSQL, the
database that refuses most (NUL in text, numbers out of a column's range); the requests first
found answering 500 are pinned on both databases below.
"""

import contextlib
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db import models
from django.http import QueryDict
from django.test import RequestFactory
from django.urls import get_resolver, resolve

from tests.access.test_permission_matrix import OK, checks_for, walk

# Values an attacker (or a confused spreadsheet) sends. Each says what it probes.
HOSTILE = {
    "nul": "\x00",
    "nul inside": "2024\x0001",
    "control characters": "\x01\x08\x1b\x7f",
    "long": "长" * 10_000,
    "year 9999": "9999",
    "year 99999": "99999",
    "year 0": "0",
    "negative": "-1",
    "huge": "9" * 40,
    "float overflow": "1e309",
    "not a number": "abc",
    "impossible date": "2024-02-30",
    "date out of range": "99999-12-31",
    "odd unicode": "\u202e\ufeff\u200b𝔘𝔫𝔦",
    "sql-ish": "1' OR '1'='1'; --",
    "html": '<script>alert(1)</script>"><img src=x>',
}
# Roles in the order tried: the most privileged first.
ROLE_ORDER = ("bureau", "manager", "branch_same", "enterprise_a", "anonymous")


@contextlib.contextmanager
def reads_recorded():
    """Record every key read from a QueryDict (``request.GET``) while the block runs."""
    read: set[str] = set()
    originals = {name: getattr(QueryDict, name) for name in ("__getitem__", "get", "getlist", "__contains__")}

    def recording(name):
        original = originals[name]

        def method(self, key, *args, **kwargs):
            if isinstance(key, str):
                read.add(key)
            return original(self, key, *args, **kwargs)

        return method

    for name in originals:
        setattr(QueryDict, name, recording(name))
    try:
        yield read
    finally:
        for name, original in originals.items():
            setattr(QueryDict, name, original)


def admin_changelist_parameters(model_admin, user) -> set[str]:
    """The parameters of one admin changelist, from the admin class itself."""
    request = RequestFactory().get("/")
    request.user = user
    changelist: ChangeList = model_admin.get_changelist_instance(request)
    parameters = {"q", "o", "p", "all", "e"}
    for spec in changelist.filter_specs:
        parameters.update(spec.expected_parameters())
    if model_admin.date_hierarchy:
        parameters.update(f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day"))
    # The admin also accepts a lookup on any of the model's own fields in the address.
    for field in model_admin.model._meta.concrete_fields:
        parameters.add(field.attname)
        if isinstance(field, models.DateField):  # DateTimeField too
            parameters.update(f"{field.name}__{part}" for part in ("year", "month", "day"))
    return parameters


def autocomplete_sources() -> list[dict[str, str]]:
    """Every autocomplete field of every registered admin and of its inlines."""
    sources = []
    for model, model_admin in admin.site._registry.items():
        holders = [(model, model_admin.autocomplete_fields)]
        holders += [(inline.model, inline.autocomplete_fields) for inline in model_admin.inlines]
        for holder, fields in holders:
            for field_name in fields:
                sources.append(
                    {
                        "app_label": holder._meta.app_label,
                        "model_name": holder._meta.model_name,
                        "field_name": field_name,
                    }
                )
    return sources


def opener(expected: dict) -> str:
    """Who sends the hostile requests: the most privileged role that opens the page, else
    bureau staff (a page that needs parameters to answer, such as the admin's autocomplete)."""
    return next((role for role in ROLE_ORDER if expected.get(role) == OK), "bureau")


def cases_for(client, world, url: str) -> list[tuple[str, dict[str, str], str]]:
    """(url without query, its base parameters, parameter to make hostile) for one page."""
    parts = urlsplit(url)
    path, base = parts.path, dict(parse_qsl(parts.query))
    match = resolve(path)
    if match.url_name == "autocomplete":
        return [
            (path, source, parameter)
            for source in autocomplete_sources()
            for parameter in ("term", "app_label", "model_name", "field_name", "page")
        ]
    with reads_recorded() as read:
        client.get(url)
    parameters = set(read)
    model_admin = getattr(match.func, "model_admin", None)
    if model_admin is not None and (match.url_name or "").endswith("_changelist"):
        parameters |= admin_changelist_parameters(model_admin, world["users"]["bureau"])
    return [(path, base, parameter) for parameter in sorted(parameters)]


@pytest.mark.postgres
@pytest.mark.django_db
def test_no_url_answers_5xx_to_hostile_query_parameters(client, world, capsys):
    names = sorted({name for name, _ in walk(get_resolver().url_patterns)})
    failures, checked, urls = [], 0, 0
    for name in names:
        for url, expected in checks_for(world, name):
            role = opener(expected)
            client.logout()
            if world["users"][role] is not None:
                client.force_login(world["users"][role])
            client.raise_request_exception = False  # as a real server: a crash is a 500 response
            urls += 1
            for path, base, parameter in cases_for(client, world, url):
                for label, value in HOSTILE.items():
                    query = urlencode({**base, parameter: value})
                    status = client.get(f"{path}?{query}").status_code
                    checked += 1
                    if status >= 500:
                        failures.append(f"{status} {role} GET {path} {parameter}={label!r}")
    with capsys.disabled():
        print(
            f"\nhostile-input matrix: {checked} (URL, parameter, value) cases over {urls} URLs, 0 allowed 5xx"
        )
    assert not failures, f"{len(failures)} answers were 5xx:\n" + "\n".join(failures)
    assert checked > 1000


# The requests an outside attack run found answering 500, each pinned on both databases.
FOUND_BY_ATTACK = [
    "/admin/benchmarking/declaration/?grade__exact=%00",
    "/admin/benchmarking/declaration/?status__exact=%00",
    "/admin/benchmarking/technicalscheme/?status__exact=%00",
    "/admin/benchmarking/standard/?kind__exact=%00",
    "/admin/benchmarking/declarationevent/?action__exact=%00",
    "/admin/benchmarking/declaration/?declared_on__year=99999",
    "/admin/benchmarking/declaration/?created_at__year=0",
    "/admin/benchmarking/technicalscheme/?declared_on__year=99999",
    "/admin/benchmarking/technicalscheme/?created_at__year=0",
    "/admin/benchmarking/declaration/?published_at__year=9999&published_at__month=12&published_at__day=31",
    *(
        f"/admin/autocomplete/?app_label=benchmarking&model_name={model}&field_name={field}&term=%00"
        for model, field in (
            ("declaration", "enterprise"),
            ("declaration", "scheme"),
            ("declaration", "executed_standard"),
            ("userprofile", "user"),
            ("userprofile", "enterprise"),
            ("enterprise", "industry"),
            ("technicalscheme", "industry"),
            ("indicator", "scheme"),
        )
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", FOUND_BY_ATTACK)
def test_the_requests_found_answering_500_answer_a_normal_page(client, bureau_staff, url):
    client.force_login(bureau_staff)
    client.raise_request_exception = False
    response = client.get(url)
    if "%00" in url:
        # A NUL in the address: refused, saying why.
        assert response.status_code == 400
        assert "空字符" in response.content.decode()
    else:
        # A value the database cannot compare: the list again without its filters, with the
        # admin's own notice (?e=1), as for any unusable filter.
        assert response.status_code == 302
        assert response["Location"].endswith("?e=1")
        assert client.get(response["Location"]).status_code == 200
