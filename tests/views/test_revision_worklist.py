"""The 待修订方案 worklist, the 修订 button, and the scheme list's 需修订 / 已修订 badges."""

import pytest
from django.urls import reverse

from benchmarking.choices import StandardStatus
from benchmarking.models import SchemeBenchmark, TechnicalScheme
from benchmarking.services.schemes import scheme_publish, start_revision
from tests.conftest import sh
from tests.factories import IndicatorFactory, SchemeFactory, StandardFactory


def _outdated_schemes(n, bureau_staff):
    old, new = StandardFactory(number="GB/T 1234—2015"), StandardFactory(number="GB/T 1234—2025")
    schemes = []
    for _ in range(n):
        scheme = SchemeFactory()
        SchemeBenchmark.objects.create(scheme=scheme, standard=old)
        IndicatorFactory(scheme=scheme)
        schemes.append(scheme_publish(scheme=scheme, actor=bureau_staff, at=sh(2024, 3, 1)))
    old.status, old.withdrawn_on = StandardStatus.REPLACED, sh(2025, 1, 1).date()
    old.save()
    new.replaces.add(old)
    return schemes


@pytest.mark.parametrize("n", [1, 12])
def test_worklist_costs_a_fixed_number_of_queries(client, bureau_staff, django_assert_max_num_queries, n):
    schemes = _outdated_schemes(n, bureau_staff)
    start_revision(schemes[0], actor=bureau_staff)
    client.force_login(bureau_staff)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("scheme-revision-worklist"))
    page = response.content.decode()
    assert page.count("需修订") >= n
    assert "GB/T 1234—2015 被 GB/T 1234—2025 代替" in page
    assert f"修订稿 {schemes[0].code}-R1" in page


def test_roles(client, bureau_staff, branch_staff, manager, enterprise_user):
    (scheme,) = _outdated_schemes(1, bureau_staff)
    url = reverse("scheme-revision-worklist")
    for user in (branch_staff, manager):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert scheme.code in page and "scheme-revision-start" not in page and "revise/" not in page
        assert client.post(reverse("scheme-revision-start", args=[scheme.pk])).status_code == 403
    client.force_login(enterprise_user)
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_revise_button_opens_the_new_draft_and_second_click_the_same(client, bureau_staff):
    (scheme,) = _outdated_schemes(1, bureau_staff)
    client.force_login(bureau_staff)
    assert "revise/" in client.get(reverse("scheme-revision-worklist")).content.decode()
    response = client.post(reverse("scheme-revision-start", args=[scheme.pk]))
    revision = TechnicalScheme.objects.get(supersedes=scheme)
    assert response.url == reverse("admin:benchmarking_technicalscheme_change", args=[revision.pk])
    again = client.post(reverse("scheme-revision-start", args=[scheme.pk]))
    assert again.url == response.url
    assert TechnicalScheme.objects.filter(supersedes=scheme).count() == 1
    assert client.get(response.url).status_code == 200
    assert client.post(reverse("scheme-revision-start", args=[999999])).status_code == 404


def test_scheme_list_badges(client, bureau_staff, django_assert_max_num_queries):
    first, second = _outdated_schemes(2, bureau_staff)
    revision = scheme_publish(scheme=start_revision(second, actor=bureau_staff), actor=bureau_staff)
    client.force_login(bureau_staff)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("scheme-list")).content.decode()
    assert 'title="GB/T 1234—2015 被 GB/T 1234—2025 代替"' in page
    assert reverse("admin:benchmarking_technicalscheme_change", args=[revision.pk]) in page
    assert "已修订" in page
    admin_page = client.get(
        reverse("admin:benchmarking_technicalscheme_change", args=[first.pk])
    ).content.decode()
    assert "需修订" in admin_page and "GB/T 1234—2025" in admin_page


def test_another_countys_bureau_neither_lists_nor_revises_yongkangs(client, bureau_staff):
    from benchmarking.choices import Role
    from tests.factories import make_user

    (scheme,) = _outdated_schemes(1, bureau_staff)
    dongyang = make_user(Role.BUREAU_STAFF, region="330783")
    client.force_login(dongyang)
    assert scheme.code not in client.get(reverse("scheme-revision-worklist")).content.decode()
    assert client.post(reverse("scheme-revision-start", args=[scheme.pk])).status_code == 404
    assert not TechnicalScheme.objects.filter(supersedes=scheme).exists()
