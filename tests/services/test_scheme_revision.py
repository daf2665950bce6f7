"""Revising a scheme: 需修订 from a standard's status, start_revision, and publishing the revision."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from benchmarking.choices import SchemeStatus, StandardStatus
from benchmarking.models import IndicatorReferenceValue, SchemeBenchmark, TechnicalScheme
from benchmarking.selectors.lifecycle import schemes_needing_revision
from benchmarking.selectors.revisions import needing_revision_worklist
from benchmarking.services.errors import WorkflowError
from benchmarking.services.schemes import scheme_publish, scheme_withdraw, start_revision
from tests.conftest import sh
from tests.factories import IndicatorFactory, SchemeFactory, StandardFactory


def _replace(old, *, by):
    old.status = StandardStatus.REPLACED
    old.withdrawn_on = sh(2025, 6, 1).date()
    old.save()
    by.replaces.add(old)


@pytest.fixture
def outdated(bureau_staff):
    """A published scheme on two standards, one of them then replaced by a newer edition."""
    old, kept, new = (
        StandardFactory(number="GB/T 1234—2015"),
        StandardFactory(number="ISO 8442-1:2008", kind="international"),
        StandardFactory(number="GB/T 1234—2025"),
    )
    scheme = SchemeFactory(code="YKDB-2024-001")
    SchemeBenchmark.objects.create(scheme=scheme, standard=old, order=1)
    SchemeBenchmark.objects.create(scheme=scheme, standard=kept, order=2)
    indicator = IndicatorFactory(scheme=scheme, name="保温效能")
    IndicatorReferenceValue.objects.create(indicator=indicator, standard=old, value="≥ 10 h")
    IndicatorReferenceValue.objects.create(indicator=indicator, standard=kept, value="≥ 12 h")
    scheme = scheme_publish(scheme=scheme, actor=bureau_staff, at=sh(2024, 3, 1))
    _replace(old, by=new)
    return scheme, old, kept, new


def test_a_replaced_standard_marks_published_schemes_only(outdated, bureau_staff):
    scheme, old, *_ = outdated
    draft = SchemeFactory()
    SchemeBenchmark.objects.create(scheme=draft, standard=old)
    withdrawn = SchemeFactory()
    SchemeBenchmark.objects.create(scheme=withdrawn, standard=old)
    IndicatorFactory(scheme=withdrawn)
    scheme_publish(scheme=withdrawn, actor=bureau_staff, at=sh(2024, 1, 2))
    scheme_withdraw(scheme=withdrawn, actor=bureau_staff, reason="停用", at=sh(2024, 2, 2))
    assert list(schemes_needing_revision()) == [scheme]

    (row,) = needing_revision_worklist(bureau_staff)
    assert row == scheme and row.draft_revision_pk is None
    assert [b.sentence for b in row.outdated] == ["GB/T 1234—2015 被 GB/T 1234—2025 代替"]


def test_start_revision_copies_the_scheme_and_swaps_the_standard(outdated, bureau_staff):
    scheme, _old, kept, new = outdated
    revision = start_revision(scheme, actor=bureau_staff)
    assert (revision.code, revision.status, revision.supersedes) == (
        "YKDB-2024-001-R1",
        SchemeStatus.DRAFT,
        scheme,
    )
    assert (revision.title, revision.industry_id, revision.publisher) == (
        scheme.title,
        scheme.industry_id,
        scheme.publisher,
    )
    assert list(revision.benchmark_standards.order_by("schemebenchmark__order")) == [new, kept]
    assert list(revision.indicators.values_list("name", flat=True)) == ["保温效能"]
    # The outdated standard's value is not carried over to its successor.
    assert list(
        IndicatorReferenceValue.objects.filter(indicator__scheme=revision).values_list("standard", "value")
    ) == [(kept.pk, "≥ 12 h")]
    assert revision.history.get().history_user == bureau_staff
    # The old scheme still needs revision (and counts) until the revision is published.
    assert list(schemes_needing_revision()) == [scheme]
    (row,) = needing_revision_worklist(bureau_staff)
    assert row.draft_revision_pk == revision.pk


def test_start_revision_refuses_twice_and_names_the_draft(outdated, bureau_staff):
    scheme, *_ = outdated
    draft = start_revision(scheme, actor=bureau_staff)
    with pytest.raises(WorkflowError, match="已有修订稿 YKDB-2024-001-R1") as refused:
        start_revision(scheme, actor=bureau_staff)
    assert refused.value.draft == draft
    assert TechnicalScheme.objects.filter(supersedes=scheme).count() == 1


def test_start_revision_refuses_drafts_and_non_bureau(outdated, bureau_staff, branch_staff):
    scheme, *_ = outdated
    with pytest.raises(WorkflowError, match="市局工作人员"):
        start_revision(scheme, actor=branch_staff)
    with pytest.raises(WorkflowError, match="只有已发布"):
        start_revision(SchemeFactory(), actor=bureau_staff)


def test_publishing_the_revision_supersedes_the_old_scheme(outdated, bureau_staff):
    scheme, *_ = outdated
    revision = scheme_publish(scheme=start_revision(scheme, actor=bureau_staff), actor=bureau_staff)
    scheme.refresh_from_db()
    assert scheme.superseded_at == revision.published_at
    assert scheme.status == SchemeStatus.PUBLISHED
    assert scheme.history.latest().history_user == bureau_staff
    assert not schemes_needing_revision().exists()
    with pytest.raises(ValidationError, match="已被修订"):
        start_revision(scheme, actor=bureau_staff)
    # Withdrawing the revision does not bring the old one back …
    scheme_withdraw(scheme=revision, actor=bureau_staff, reason="有误")
    scheme.refresh_from_db()
    assert scheme.superseded_at == revision.published_at
    # … but the old one may be revised again, the new revision taking the withdrawn one's place;
    # the old scheme stopped counting at the first revision and stays stopped from then.
    again = scheme_publish(scheme=start_revision(scheme, actor=bureau_staff), actor=bureau_staff)
    assert (again.code, again.supersedes_id) == ("YKDB-2024-001-R2", scheme.pk)
    scheme.refresh_from_db()
    assert scheme.superseded_at == revision.published_at


def test_a_chain_of_replacements_is_followed_to_the_standard_in_force(outdated, bureau_staff):
    scheme, _old, kept, new = outdated
    newest = StandardFactory(number="GB/T 1234—2026")
    _replace(new, by=newest)  # 2015 被 2025 代替, 2025 被 2026 代替
    revision = start_revision(scheme, actor=bureau_staff)
    assert list(revision.benchmark_standards.order_by("schemebenchmark__order")) == [newest, kept]


def test_a_revision_code_too_long_is_refused_in_words(outdated, bureau_staff, client):
    scheme, *_ = outdated
    TechnicalScheme.objects.filter(pk=scheme.pk).update(code="X" * 39)
    with pytest.raises(WorkflowError) as refused:
        start_revision(scheme, actor=bureau_staff)
    assert "超过 40 个字符：请先在后台缩短方案" in refused.value.messages[0]
    client.force_login(bureau_staff)
    response = client.post(reverse("scheme-revision-start", args=[scheme.pk]), follow=True)
    assert response.status_code == 200 and "超过 40 个字符" in response.content.decode()
    assert not TechnicalScheme.objects.filter(supersedes=scheme).exists()
