"""The dashboard, the lists and their exports cost the same number of queries at demo
size and at ten times demo size: a page's cost must not grow with the number of records.

Each factor is generated once, inside a transaction rolled back when its tests are done (generate_scale writes N copies of the demo with bulk inserts: factor 10 is 2,680
enterprises and 5,220 declarations). The bounds are exact and the same at both sizes.
"""

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from benchmarking.choices import Role
from benchmarking.demo.scale import generate_scale
from benchmarking.models import BranchOffice, Industry
from tests.factories import make_user

# Every page a manager reads, with the exact number of queries it costs at any size.
# The dashboard is measured cold (nothing cached): the cost that grows with data if anything does.
# Browsing writes no session (benchmarking.sessions), and the user comes with their profile
# (benchmarking.backends): these are the page's own reads plus three (session, user, role).
PAGES = {
    # The counts version is read once for the page and its figures (views.dashboard), and a
    # branch office (none for a manager) only to render. The county's rank statements cost three,
    # whatever the number of counties: the county tree, then every county's figures of the day
    # (schemes, then results and enterprises; selectors.ranks), shared by every county's page.
    # The 质量强市 card costs three: standards, 品字标 enterprises, 一带一路 certificates
    # (selectors.quality.quality_figures).
    "dashboard": (lambda ids: reverse("progress-dashboard"), 18),
    # A past day also reads what records entered since changed in its figures: two queries
    # (results and enterprises, then schemes; progress.entered_later).
    "dashboard as of": (lambda ids: reverse("progress-dashboard") + "?as_of=2025-06-30", 20),
    "dashboard report": (lambda ids: reverse("progress-report"), 15),
    "schemes": (lambda ids: reverse("scheme-list") + f"?industry={ids['industry']}&sort=-published_at", 7),
    "enterprises": (lambda ids: reverse("enterprise-list") + "?counted_on=2026-06-30&sort=name", 7),
    "declarations": (
        lambda ids: reverse("declaration-list") + f"?branch_office={ids['office']}&status=published&page=2",
        8,
    ),
    # The exports built in the request (the queue's threshold lifted: exports_built_at_once),
    # each first counting its records (services.exports decides on that COUNT).
    # One row per indicator: the schemes, then their indicators and benchmark standards.
    "schemes xlsx": (lambda ids: reverse("scheme-export", kwargs={"fmt": "xlsx"}), 7),
    "enterprises csv": (lambda ids: reverse("enterprise-export", kwargs={"fmt": "csv"}), 5),
    # The declarations, then every exported item's value in one query (the 指标N / 声明值N pairs).
    "declarations xlsx": (lambda ids: reverse("declaration-export", kwargs={"fmt": "xlsx"}), 6),
    "declarations csv": (
        lambda ids: reverse("declaration-export", kwargs={"fmt": "csv"}) + "?counted_on=2026-06-30",
        6,
    ),
}


@pytest.fixture(scope="module", params=[1, 10], ids=["demo size", "10x demo size"])
def scaled(request, django_db_setup, django_db_blocker):
    """``generate_scale(factor)`` once per factor, rolled back when its tests are done."""
    with django_db_blocker.unblock(), transaction.atomic():
        result = generate_scale(request.param, with_items=False)
        yield request.param, result
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def exports_built_at_once(monkeypatch):
    # At 10 × an export would be queued (tests/test_export_jobs.py pins
    # the request that queues); here the file is built in the request, to pin what building costs.
    from benchmarking.services import exports

    monkeypatch.setattr(exports, "EXPORT_AT_ONCE_MAX_ROWS", 10**9)


@pytest.mark.parametrize("page", list(PAGES))
def test_page_costs_its_pinned_queries_at_any_size(scaled, db, client, page, django_assert_num_queries):
    factor, result = scaled
    assert result.progress.results == 480 * factor
    client.force_login(make_user(Role.MANAGER, username="manager_at_scale"))
    ids = {
        "office": BranchOffice.objects.order_by("code").first().pk,
        "industry": Industry.objects.first().pk,
    }
    url, expected = PAGES[page]
    cache.clear()
    with django_assert_num_queries(expected):
        response = client.get(url(ids))
        # A streamed CSV runs its queries while it is read.
        content = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200
    assert content
