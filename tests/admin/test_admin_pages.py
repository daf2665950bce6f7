"""Every admin page answers bureau staff, at a query cost that does not grow with the data."""

import warnings
from decimal import Decimal

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.paginator import UnorderedObjectListWarning
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarking import models
from benchmarking.choices import Direction, Role
from benchmarking.services.api_tokens import api_token_create
from benchmarking.services.declarations import declaration_create, declaration_publish
from benchmarking.services.schemes import scheme_publish
from tests.factories import (
    BranchOfficeFactory,
    EnterpriseFactory,
    IndicatorFactory,
    IndustryFactory,
    SchemeFactory,
    StandardFactory,
    make_user,
)

# No admin page may cost more than this, whatever the data size.
QUERY_CEILING = 40
PDF = b"%PDF-1.4\n%demo evidence\n"


def registered_models():
    return sorted(admin.site._registry, key=lambda model: model._meta.label)


def add_rows(n: int, staff) -> None:
    """Add ``n`` rows of every registered model, linked as real records are."""
    for _ in range(n):
        office = BranchOfficeFactory()
        industry = IndustryFactory()
        enterprise = EnterpriseFactory(branch_office=office, industry=industry)
        enterprise_login = make_user(Role.ENTERPRISE, enterprise=enterprise)
        standard = StandardFactory()
        scheme = SchemeFactory(industry=industry)
        models.SchemeBenchmark.objects.create(scheme=scheme, standard=standard)
        indicator = IndicatorFactory(scheme=scheme)
        models.IndicatorReferenceValue.objects.create(indicator=indicator, standard=standard, value="≥ 8")
        scheme = scheme_publish(scheme=scheme, actor=staff)
        declaration = declaration_create(
            actor=staff,
            enterprise=enterprise,
            scheme=scheme,
            product_name="保温杯",
            product_model="YK-1",
            executed_standard=standard,
            values={indicator.pk: Decimal("11")},
        )
        models.DeclarationEvidence.objects.create(
            declaration=declaration, title="检测报告", file=SimpleUploadedFile("r.pdf", PDF)
        )
        declaration_publish(declaration=declaration, actor=staff)
        plan = models.Plan.objects.create(
            name=f"计划{scheme.code}", starts_on="2024-01-01", ends_on="2026-12-31"
        )
        models.PlanQuota.objects.create(plan=plan, branch_office=office, enterprises=1, results=2)
        # django-axes' login records, which bureau staff read (and delete, to unlock) in the admin.
        who = {"username": f"user-of-{scheme.code}", "ip_address": "10.0.0.1", "user_agent": "pytest"}
        AccessAttempt.objects.create(**who, failures_since_start=5, get_data="", post_data="")
        AccessFailureLog.objects.create(**who, locked_out=True)
        AccessLog.objects.create(**who)
        # The quality records of the enterprise (docs/domain.md "Quality figures").
        zzb = models.ZhejiangMadeStandard.objects.create(title=f"标准{scheme.code}", stage="drafting")
        models.ZhejiangMadeDrafter.objects.create(standard=zzb, enterprise=enterprise, role="lead")
        dates = {"issued_on": "2025-01-10", "expires_on": "2028-01-09"}
        models.PinCertificate.objects.create(
            enterprise=enterprise, number=f"P-{scheme.code}", product="杯", **dates
        )
        models.BeltRoadCertificate.objects.create(
            enterprise=enterprise, number=f"B-{scheme.code}", product="杯", **dates
        )
        # An API token of the enterprise's login (read-only in the admin).
        api_token_create(actor=staff, user=enterprise_login, name=f"系统{scheme.code}", valid_days=30)


def page_urls(model, user) -> dict[str, str]:
    """The changelist, the change page of the newest row, and the add page where adding is allowed."""
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/")
    request.user = user
    urls = {
        "changelist": reverse(f"{info}_changelist"),
        "change": reverse(f"{info}_change", args=[model.objects.order_by("pk").last().pk]),
    }
    if model_admin.has_add_permission(request):
        urls["add"] = reverse(f"{info}_add")
    return urls


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.django_db
def test_every_admin_page_answers_with_a_query_cost_that_does_not_grow(
    client, bureau_staff, django_assert_max_num_queries
):
    """Every registered model's changelist, change and add page: 200 for bureau staff, and no more
    queries at 50 rows than at 5."""
    add_rows(5, bureau_staff)
    client.force_login(bureau_staff)
    bounds = {}
    for model in registered_models():
        for kind, url in page_urls(model, bureau_staff).items():
            bounds[model, kind] = count_queries(client, url)
            assert bounds[model, kind] <= QUERY_CEILING, (url, bounds[model, kind])
    pages_per_model = {kind for _, kind in bounds}
    assert pages_per_model == {"changelist", "change", "add"}

    add_rows(45, bureau_staff)
    checked = 0
    for model in registered_models():
        for kind, url in page_urls(model, bureau_staff).items():
            with django_assert_max_num_queries(bounds[model, kind]):
                response = client.get(url)
            assert response.status_code == 200, url
            checked += 1
    assert checked == len(bounds)


def _scheme_with_indicators(k: int, staff, *, publish: bool):
    scheme = SchemeFactory()
    for i in range(k):
        standard = StandardFactory()
        models.SchemeBenchmark.objects.create(scheme=scheme, standard=standard, order=i)
        indicator = IndicatorFactory(
            scheme=scheme, direction=Direction.HIGHER_BETTER, benchmark_value=Decimal(i)
        )
        models.IndicatorReferenceValue.objects.create(indicator=indicator, standard=standard, value=str(i))
    if publish:
        scheme = scheme_publish(scheme=scheme, actor=staff)
    return scheme


def _declaration_with_items(k: int, staff):
    scheme = _scheme_with_indicators(k, staff, publish=True)
    enterprise = EnterpriseFactory()
    declaration = declaration_create(
        actor=staff,
        enterprise=enterprise,
        scheme=scheme,
        product_name="保温杯",
        product_model=f"M{k}",
        executed_standard=StandardFactory(),
        values={pk: Decimal("5") for pk in scheme.indicators.values_list("pk", flat=True)},
    )
    for i in range(k):
        models.DeclarationEvidence.objects.create(
            declaration=declaration, title=f"报告{i}", file=SimpleUploadedFile(f"r{i}.pdf", PDF)
        )
    return declaration


def _plan_with_quotas(k: int, staff):
    plan = models.Plan.objects.create(name=f"计划{k}", starts_on="2024-01-01", ends_on="2026-12-31")
    for _ in range(k):
        models.PlanQuota.objects.create(
            plan=plan, branch_office=BranchOfficeFactory(), enterprises=1, results=2
        )
    return plan


CHILDREN_BUILDERS = {
    "draft scheme with k indicators and benchmarks": (
        "benchmarking_technicalscheme",
        lambda k, staff: _scheme_with_indicators(k, staff, publish=False),
    ),
    "published scheme with k indicators": (
        "benchmarking_technicalscheme",
        lambda k, staff: _scheme_with_indicators(k, staff, publish=True),
    ),
    "declaration with k items and k evidence files": ("benchmarking_declaration", _declaration_with_items),
    "plan with k branch quotas": ("benchmarking_plan", _plan_with_quotas),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", CHILDREN_BUILDERS)
def test_change_page_cost_does_not_grow_with_inline_rows(
    client, bureau_staff, django_assert_max_num_queries, case
):
    url_name, build = CHILDREN_BUILDERS[case]
    client.force_login(bureau_staff)
    small = build(5, bureau_staff)
    bound = count_queries(client, reverse(f"admin:{url_name}_change", args=[small.pk]))
    large = build(50, bureau_staff)
    with django_assert_max_num_queries(bound):
        response = client.get(reverse(f"admin:{url_name}_change", args=[large.pk]))
    assert response.status_code == 200
    # The page really shows the 50 rows it was measured with.
    assert response.content.decode().count('class="form-row') >= 50


def autocomplete_fields():
    """Every (model, field) an admin page or inline offers an autocomplete for."""
    for model, model_admin in admin.site._registry.items():
        for page in (model_admin, *(inline(model, admin.site) for inline in model_admin.inlines)):
            for field_name in page.autocomplete_fields:
                yield page.model, field_name


@pytest.mark.django_db
@pytest.mark.parametrize(
    "model, field_name", list(autocomplete_fields()), ids=lambda v: getattr(v, "__name__", v)
)
def test_every_autocomplete_pages_an_ordered_list(client, bureau_staff, model, field_name):
    """The autocomplete pages its target admin's ``get_queryset``: unordered (an annotation's GROUP
    BY drops Meta.ordering), a choice could show on two pages and another on none."""
    add_rows(2, bureau_staff)
    client.force_login(bureau_staff)
    params = {
        "app_label": model._meta.app_label,
        "model_name": model._meta.model_name,
        "field_name": field_name,
    }
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnorderedObjectListWarning)
        response = client.get(reverse("admin:autocomplete"), params)
    assert response.status_code == 200
    assert response.json()["results"], params
