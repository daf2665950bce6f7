"""Cached counts are never stale: the database raises the counts version on every write
that can change a count, whoever makes it, and the dashboard's cache is keyed by it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarking.models import Declaration, Enterprise, TechnicalScheme
from benchmarking.selectors.progress import cached_counts, counts_version
from benchmarking.services.declarations import declaration_update, declaration_withdraw
from tests.factories import BranchOfficeFactory, IndustryFactory, SchemeFactory

from .conftest import sh

URL = reverse("progress-dashboard")


@pytest.fixture
def published(enterprise, declare):
    return declare(enterprise, model="P-1", published=sh(2024, 3, 5))


def raises_version(write) -> bool:
    before = counts_version()
    write()
    return counts_version() > before


def test_publishing_and_withdrawing_raise_the_version(enterprise, declare, bureau_staff):
    draft = declare(enterprise, model="D-1")
    assert raises_version(lambda: declare(enterprise, model="P-2", published=sh(2024, 3, 5)))
    published = Declaration.objects.get(product_model="P-2")
    assert raises_version(
        lambda: declaration_withdraw(
            declaration=published, actor=bureau_staff, comment="更正", at=sh(2024, 4, 1)
        )
    )
    assert draft.published_at is None


def test_editing_a_draft_leaves_the_version_alone(enterprise, declare, bureau_staff):
    draft = declare(enterprise, model="D-1")
    assert not raises_version(
        lambda: declaration_update(
            declaration=draft, actor=bureau_staff, expected_version=draft.version, product_name="新名称"
        )
    )


def test_moving_an_enterprise_raises_it_renaming_does_not(published, enterprise):
    assert not raises_version(lambda: Enterprise.objects.filter(pk=enterprise.pk).update(name="改名后的企业"))
    other = BranchOfficeFactory(name="南城市场监管所", code="NC")
    assert raises_version(lambda: Enterprise.objects.filter(pk=enterprise.pk).update(branch_office=other))
    assert raises_version(
        lambda: Enterprise.objects.filter(pk=enterprise.pk).update(industry=IndustryFactory())
    )


def test_schemes_publishing_and_changing_industry_raise_it(list_scheme, bureau_staff):
    draft = SchemeFactory(code="YKDB-DRAFT-9")
    assert not raises_version(lambda: TechnicalScheme.objects.filter(pk=draft.pk).update(title="改名"))
    assert raises_version(
        lambda: TechnicalScheme.objects.filter(pk=list_scheme.pk).update(industry=IndustryFactory())
    )


def test_bulk_and_raw_writes_raise_it_too(published):
    # Imports and bulk loads bypass save() and signals; the triggers still see them.
    assert raises_version(
        lambda: Declaration.objects.filter(pk=published.pk).update(
            withdrawn_at=sh(2024, 5, 1), status="withdrawn"
        )
    )
    table = Declaration._meta.db_table
    with connection.cursor() as cursor:
        assert raises_version(
            lambda: cursor.execute(f"UPDATE {table} SET withdrawn_at = NULL, status = 'published'")
        )


def test_cached_counts_compute_once_per_version(published, enterprise, declare):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert cached_counts("t", compute) == 1
    assert cached_counts("t", compute) == 1  # from the cache
    declare(enterprise, model="P-2", published=sh(2024, 6, 1))
    assert cached_counts("t", compute) == 2  # a new version: computed afresh


def test_the_dashboard_never_shows_a_stale_figure(client, manager, published, enterprise, declare, office):
    client.force_login(manager)

    def results():
        return client.get(URL).context["dashboard"].measure("results").count

    assert results() == 1
    assert results() == 1
    declare(enterprise, model="P-2", published=sh(2024, 6, 1))
    assert results() == 2

    other = BranchOfficeFactory(name="南城市场监管所", code="NC")
    enterprise.branch_office = other
    enterprise.save()
    rows = {row.office: row for row in client.get(URL).context["dashboard"].offices}
    assert rows[other].results == 2 and rows[office].results == 0


def test_a_cached_dashboard_skips_the_counting_queries(client, manager, published):
    client.force_login(manager)
    with CaptureQueriesContext(connection) as cold:
        client.get(URL)
    with CaptureQueriesContext(connection) as warm:
        response = client.get(URL)

    assert any("c.n0" in q["sql"] for q in cold.captured_queries)
    assert not any("c.n0" in q["sql"] for q in warm.captured_queries)
    assert len(warm.captured_queries) < len(cold.captured_queries)
    assert response.context["dashboard"].measure("results").count == 1
