"""Declaring again against a scheme's revision: a new draft of the same product, the old result
untouched and still counted; another enterprise's is a 404; refused without a revision."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from benchmarking.choices import DeclarationStatus
from benchmarking.models import Declaration
from benchmarking.selectors.progress import progress_as_of
from tests.views.test_standard_updated_marks import outdate_benchmark, publish_revision


@pytest.fixture
def result(declare, enterprise):
    return declare(enterprise, model="YK-1", published=timezone.now() - dt.timedelta(days=1))


def url(declaration):
    return reverse("portal-declaration-declare-again", args=[declaration.pk])


def test_declaring_again_makes_a_draft_against_the_revision(
    client, result, list_scheme, bureau_staff, enterprise_user, executed_standard
):
    before = progress_as_of().results
    outdate_benchmark(list_scheme)
    revision = publish_revision(list_scheme, bureau_staff)
    client.force_login(enterprise_user)
    response = client.post(url(result))
    draft = Declaration.objects.exclude(pk=result.pk).get()
    assert response.status_code == 302
    assert response.url == reverse("portal-declaration-edit", args=[draft.pk])
    assert draft.scheme_id == revision.pk
    assert draft.status == DeclarationStatus.DRAFT
    assert (draft.product_name, draft.product_model, draft.executed_standard_id) == (
        result.product_name,
        result.product_model,
        executed_standard.pk,
    )
    # nothing else carried over: the revision's indicators are unanswered
    assert [item.value for item in draft.items.all()] == [None]
    assert draft.events.count() == 1  # created, as any new draft
    result.refresh_from_db()
    assert result.status == DeclarationStatus.PUBLISHED
    assert progress_as_of().results == before  # the old result keeps counting


def test_another_enterprises_declaration_is_a_404(
    client, result, list_scheme, bureau_staff, other_enterprise_user
):
    publish_revision(list_scheme, bureau_staff)
    client.force_login(other_enterprise_user)
    assert client.post(url(result)).status_code == 404
    assert Declaration.objects.count() == 1


def test_refused_without_a_published_revision(client, result, list_scheme, enterprise_user):
    outdate_benchmark(list_scheme)  # needs revision, none published
    client.force_login(enterprise_user)
    response = client.post(url(result), follow=True)
    assert "尚无已发布的修订版，暂不能重新申报" in response.content.decode()
    assert Declaration.objects.count() == 1


def test_a_get_is_not_allowed(client, result, enterprise_user):
    client.force_login(enterprise_user)
    assert client.get(url(result)).status_code == 405
