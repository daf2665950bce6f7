"""Cached counts are never stale: the database raises the counts version on every write
that can change a count, whoever makes it, and the dashboard's cache is keyed by it."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarking.models import BranchOffice, Declaration, Enterprise, Plan, TechnicalScheme
from benchmarking.selectors.progress import cached_counts, counts_version
from benchmarking.services.declarations import declaration_update, declaration_withdraw
from tests.conftest import sh
from tests.factories import BranchOfficeFactory, IndustryFactory, SchemeFactory

URL = reverse("progress-dashboard")


@pytest.fixture
def published(enterprise, declare):
    return declare(enterprise, model="P-1", published=sh(2024, 3, 5))


def shown_count(response, measure: str) -> int:
    """The big figure the page shows for one measure (it is cached as HTML, so read the HTML)."""
    match = re.search(
        rf'data-measure="{measure}".*?<p class="figure"><a [^>]*>(\d+)</a>', response.content.decode(), re.S
    )
    return int(match.group(1))


def office_results(response, name: str) -> int:
    """The results figure in an office's row of the 考核 table."""
    match = re.search(
        rf'<td>{name}</td>\s*<td class="num"><a [^>]*>\d+</a>[^<]*</td>\s*<td class="num"><a [^>]*>(\d+)</a>',
        response.content.decode(),
    )
    return int(match.group(1))


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


def test_moving_an_enterprise_raises_it_renaming_does_not(published, enterprise, other_enterprise):
    # Renaming one with no published result changes no figure and no public page; renaming
    # one whose result the public pages show raises it (tests/views/test_public_cache.py).
    assert not raises_version(
        lambda: Enterprise.objects.filter(pk=other_enterprise.pk).update(name="改名后的企业")
    )
    assert raises_version(lambda: Enterprise.objects.filter(pk=enterprise.pk).update(name="改名后的企业"))
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
        return shown_count(client.get(URL), "results")

    assert results() == 1
    assert results() == 1
    declare(enterprise, model="P-2", published=sh(2024, 6, 1))
    assert results() == 2

    other = BranchOfficeFactory(name="南城市场监管所", code="NC")
    enterprise.branch_office = other
    enterprise.save()
    page = client.get(URL)
    assert office_results(page, "南城市场监管所") == 2
    assert office_results(page, office.name) == 0


@pytest.fixture
def plan(office):
    plan = Plan.objects.create(
        name="千项计划",
        starts_on=dt.date(2024, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        target_schemes=10,
        target_enterprises=6,
        target_results=12,
        is_active=True,
    )
    plan.quotas.create(branch_office=office, enterprises=2, results=4)
    return plan


def test_a_new_target_or_name_shows_at_once(client, manager, published, plan, office):
    """Targets, quotas and names are on the cached page too: writing them raises the version."""
    client.force_login(manager)
    assert "/ 12</span>" in client.get(URL).content.decode()

    assert raises_version(lambda: Plan.objects.filter(pk=plan.pk).update(target_results=20))
    assert "/ 20</span>" in client.get(URL).content.decode()

    assert raises_version(lambda: plan.quotas.update(results=9))
    assert "/ 9</td>" in client.get(URL).content.decode()

    assert raises_version(lambda: BranchOffice.objects.filter(pk=office.pk).update(name="更名后的监管所"))
    assert "<td>更名后的监管所</td>" in client.get(URL).content.decode()


def test_a_cached_dashboard_skips_the_counting_queries(client, manager, published):
    client.force_login(manager)
    with CaptureQueriesContext(connection) as cold:
        client.get(URL)
    with CaptureQueriesContext(connection) as warm:
        response = client.get(URL)

    assert any("c.n0" in q["sql"] for q in cold.captured_queries)
    assert not any("c.n0" in q["sql"] for q in warm.captured_queries)
    # The session, the user (with profile: benchmarking.backends), their role groups and the
    # counts version: nothing else.
    assert len(warm.captured_queries) == 4
    assert shown_count(response, "results") == 1


def test_the_cached_page_carries_nothing_of_its_first_viewer(client, manager, published):
    """The page around the cached content is each viewer's own: name and CSRF token."""
    manager.first_name, manager.last_name = "", "王经理"
    manager.save()
    client.force_login(manager)
    first = client.get(URL).content.decode()

    other = type(manager).objects.create_user("manager2", last_name="李科长")
    other.groups.set(manager.groups.all())
    other_client = type(client)()
    other_client.force_login(other)
    second = other_client.get(URL).content.decode()

    assert "王经理" in first and "李科长" in second
    assert "王经理" not in second

    def token(html):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    assert token(first) != token(second)


def test_a_branch_office_never_gets_the_citys_page(
    client, manager, branch_staff, published, declare, other_enterprise
):
    declare(other_enterprise, model="O-1", published=sh(2024, 6, 1))
    client.force_login(manager)
    assert shown_count(client.get(URL), "results") == 2

    client.force_login(branch_staff)
    assert shown_count(client.get(URL), "results") == 1
