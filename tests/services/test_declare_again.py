"""Declaring again against a scheme's revision: a new draft of the same product, the old result
untouched and still counted; another enterprise's is a 404; refused without a revision."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from benchmarking.choices import DeclarationStatus
from benchmarking.models import Declaration
from benchmarking.selectors.portal import published_schemes_for
from benchmarking.selectors.progress import progress_as_of
from benchmarking.services.declarations import declaration_create, declaration_publish, declaration_submit
from tests.views.test_standard_updated_marks import outdate_benchmark, publish_revision, withdraw_standard


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


def test_declaring_again_twice_opens_the_draft_already_made(
    client, result, list_scheme, bureau_staff, enterprise_user
):
    publish_revision(list_scheme, bureau_staff)
    client.force_login(enterprise_user)
    first = client.post(url(result))
    response = client.post(url(result), follow=True)
    draft = Declaration.objects.exclude(pk=result.pk).get()  # one draft, not two
    assert first.url == reverse("portal-declaration-edit", args=[draft.pk])
    assert response.redirect_chain[-1][0] == reverse("portal-declaration-edit", args=[draft.pk])
    assert "已为您打开" in response.content.decode()


def test_a_replaced_executed_standard_is_carried_over_as_its_successor(
    client, result, list_scheme, bureau_staff, enterprise_user, executed_standard
):
    withdraw_standard(executed_standard, by="Q/YKJB 001—2026")
    publish_revision(list_scheme, bureau_staff)
    client.force_login(enterprise_user)
    response = client.post(url(result), follow=True)
    draft = Declaration.objects.exclude(pk=result.pk).get()
    assert draft.executed_standard.number == "Q/YKJB 001—2026"
    assert "原执行标准 Q/YKJB 001—2024 已被代替，草稿中已改为 Q/YKJB 001—2026" in response.content.decode()


def test_a_revised_scheme_takes_no_new_declarations_and_no_submissions(
    client, declare, enterprise, list_scheme, bureau_staff, enterprise_user, executed_standard
):
    draft = declare(enterprise, model="YK-DRAFT")
    in_review = declare(enterprise, model="YK-REVIEW")
    declaration_submit(declaration=in_review, actor=bureau_staff)
    revision = publish_revision(list_scheme, bureau_staff)
    list_scheme.refresh_from_db()
    refusal = f"技术方案“{list_scheme.code}”已修订为“{revision.code}”，请按修订后的方案作出声明。"
    with pytest.raises(ValidationError) as refused:
        declaration_create(
            actor=enterprise_user,
            enterprise=enterprise,
            scheme=list_scheme,
            product_name="真空保温杯",
            product_model="YK-NEW",
            executed_standard=executed_standard,
        )
    assert refused.value.messages == [refusal]
    with pytest.raises(ValidationError) as refused:
        declaration_submit(declaration=draft, actor=enterprise_user)
    assert refused.value.messages == [refusal]
    # What is already in review is decided as it was: staff may still publish it.
    assert (
        declaration_publish(declaration=in_review, actor=bureau_staff).status == DeclarationStatus.PUBLISHED
    )
    # The portal offers the revision, and an old link to the old scheme's form leads to it.
    client.force_login(enterprise_user)
    assert list(published_schemes_for(enterprise_user)) == [revision]
    response = client.get(reverse("portal-declaration-create", args=[list_scheme.pk]))
    assert response.url == reverse("portal-declaration-create", args=[revision.pk])


def test_a_paper_declaration_dated_before_the_revision_is_still_entered(
    declare, enterprise, list_scheme, bureau_staff
):
    publish_revision(list_scheme, bureau_staff)
    before = timezone.now() - dt.timedelta(days=30)
    assert declare(enterprise, model="YK-PAPER", published=before).status == DeclarationStatus.PUBLISHED
