"""The sample world of the access tests: one record of every kind, enterprise A's and B's
users, staff of each kind. The permission matrix and the hostile-input matrix open every URL
over it."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from benchmarking import models
from benchmarking.services.declarations import declaration_create
from tests.factories import IndicatorFactory, SchemeFactory

PDF = b"%PDF-1.4\n%matrix\n"


@pytest.fixture
def world(
    db,
    office,
    other_office,
    enterprise,
    other_enterprise,
    enterprise_user,
    other_enterprise_user,
    branch_staff,
    other_branch_staff,
    manager,
    bureau_staff,
    executed_standard,
):
    scheme = SchemeFactory()
    IndicatorFactory(scheme=scheme, name="保温效能", benchmark_value=Decimal("12"))
    models.SchemeBenchmark.objects.create(scheme=scheme, standard=executed_standard)
    indicator = scheme.indicators.get()
    reference_value = models.IndicatorReferenceValue.objects.create(
        indicator=indicator, standard=executed_standard, value="≥ 10 h"
    )
    from benchmarking.services.schemes import scheme_publish

    scheme = scheme_publish(scheme=scheme, actor=bureau_staff)
    declaration = declaration_create(
        actor=enterprise_user,
        enterprise=enterprise,
        scheme=scheme,
        product_name="真空杯",
        product_model="A-1",
        executed_standard=executed_standard,
        values={indicator.pk: Decimal("13")},
    )
    evidence = models.DeclarationEvidence.objects.create(
        declaration=declaration, title="检测报告", file=SimpleUploadedFile("report.pdf", PDF)
    )
    plan = models.Plan.objects.create(
        name="千项计划", starts_on="2024-01-01", ends_on="2026-12-31", is_active=True
    )
    quota = models.PlanQuota.objects.create(plan=plan, branch_office=office, enterprises=10, results=20)
    users = {
        "anonymous": None,
        "enterprise_a": enterprise_user,
        "enterprise_b": other_enterprise_user,
        "branch_other": other_branch_staff,
        "branch_same": branch_staff,
        "manager": manager,
        "bureau": bureau_staff,
    }
    samples = {
        "office_a": office,
        "industry": enterprise.industry,
        "standard": executed_standard,
        "scheme": scheme,
        "scheme_benchmark": models.SchemeBenchmark.objects.get(scheme=scheme),
        "indicator": indicator,
        "reference_value": reference_value,
        "plan": plan,
        "quota": quota,
        "enterprise_a": enterprise,
        "declaration_a": declaration,
        "item_a": declaration.items.get(),
        "evidence_a": evidence,
        "event_a": declaration.events.get(),
        "profile_a": enterprise_user.profile,
        "user_a": enterprise_user,
        "group": Group.objects.get(name="企业用户"),
        "region": models.Region.objects.get(code="330784"),  # loaded by the data migration
        "api_token_a": _api_token(enterprise_user),
        **_quality_samples(enterprise),
        **_axes_samples(enterprise_user.username),
    }
    return {"users": users, "samples": samples}


def _api_token(user):
    from benchmarking.services.api_tokens import api_token_create

    token, _secret = api_token_create(actor=user, user=user, name="企业质检系统", valid_days=30)
    return token


def _quality_samples(enterprise):
    standard = models.ZhejiangMadeStandard.objects.create(title="真空保温杯", stage="drafting")
    models.ZhejiangMadeDrafter.objects.create(standard=standard, enterprise=enterprise, role="lead")
    dates = {"issued_on": "2025-01-10", "expires_on": "2028-01-09"}
    return {
        "zhejiang_made_a": standard,
        "pin_a": models.PinCertificate.objects.create(
            enterprise=enterprise, number="PZB-0001", product="保温杯", **dates
        ),
        "belt_road_a": models.BeltRoadCertificate.objects.create(
            enterprise=enterprise, number="BR-0001", product="保温杯", **dates
        ),
    }


def _axes_samples(username):
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    who = {"username": username, "ip_address": "10.0.0.1", "user_agent": "pytest"}
    return {
        "access_attempt": AccessAttempt.objects.create(
            **who, failures_since_start=5, get_data="", post_data=""
        ),
        "access_failure": AccessFailureLog.objects.create(**who, locked_out=True),
        "access_log": AccessLog.objects.create(**who),
    }
