"""Schemathesis against the API's own OpenAPI schema, as anonymous, staff and enterprise.

For every operation of the schema, Schemathesis generates requests from the schema — valid ones
(positive) and ones that break it (negative: wrong types, missing fields, odd strings) — sends
them through the app (in process, over WSGI, with a real token of each role) and checks each
answer: no server error, a status the schema lists, the content type and body the schema
describes, and invalid input refused with a 4xx. The number of cases run per role is printed at
the end of the test run (``pytest_terminal_summary`` in tests/api/conftest.py).

Deterministic (``derandomize``) so that CI runs the same cases each time; SCHEMATHESIS_EXAMPLES
raises the examples per operation and mode for a longer local run.
"""

import datetime as dt
import os
from decimal import Decimal

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from benchmarking.choices import Role, StandardStatus
from benchmarking.models import Declaration, Enterprise, SchemeBenchmark, Standard, TechnicalScheme
from benchmarking.services.declarations import (
    declaration_attach_evidence,
    declaration_create,
    declaration_publish,
    declaration_return,
    declaration_submit,
    declaration_withdraw,
)
from benchmarking.services.schemes import start_revision
from tests.api.conftest import token_for
from tests.factories import StandardFactory

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
CASES_RUN: dict[str, dict[str, int]] = {}

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def world(scheme, enterprise, executed_standard, bureau_staff, enterprise_user, branch_staff, manager):
    """Records in every state the answers describe, so that the lists and details show each kind
    of value (nulls and blanks included): a published result, a returned declaration with its
    reason and evidence, a draft with no values, a withdrawn result, an outdated benchmark
    standard with its successor, and a revision of the scheme (one that supersedes another)."""
    values = {indicator.pk: Decimal("13") for indicator in scheme.indicators.exclude(direction="pass_fail")}
    values |= {indicator.pk: True for indicator in scheme.indicators.filter(direction="pass_fail")}

    def declare(model, **extra):
        return declaration_create(
            actor=bureau_staff,
            enterprise=enterprise,
            scheme=scheme,
            product_name="真空保温杯",
            product_model=model,
            executed_standard=executed_standard,
            values=values,
            **extra,
        )

    declaration_publish(declaration=declare("FUZZ-PUBLISHED"), actor=bureau_staff)
    gone = declaration_publish(declaration=declare("FUZZ-WITHDRAWN"), actor=bureau_staff)
    declaration_withdraw(declaration=gone, actor=bureau_staff, comment="数据有误")
    returned = declaration_submit(declaration=declare("FUZZ-RETURNED"), actor=bureau_staff)
    declaration_return(declaration=returned, actor=bureau_staff, comment="请补充检测报告")
    declaration_attach_evidence(
        declaration=returned,
        actor=enterprise_user,
        files=[SimpleUploadedFile("检测报告.pdf", b"%PDF-1.4\n%fuzz\n", "application/pdf")],
    )
    declaration_create(
        actor=enterprise_user,
        enterprise=enterprise,
        scheme=scheme,
        product_name="草稿杯",
        product_model="FUZZ-DRAFT",
        executed_standard=executed_standard,
        values={},
    )
    # The scheme's benchmark standard replaced: the scheme needs revision; its revision is a
    # draft that supersedes it.
    benchmark = StandardFactory(number="GB/T 29606—2013", title="不锈钢真空杯", kind="national")
    SchemeBenchmark.objects.create(scheme=scheme, standard=benchmark)
    successor = StandardFactory(number="GB/T 29606—2025", title="不锈钢真空杯", kind="national")
    successor.replaces.add(benchmark)
    Standard.objects.filter(pk=benchmark.pk).update(
        status=StandardStatus.REPLACED, withdrawn_on=dt.date(2026, 1, 1)
    )
    start_revision(scheme, actor=bureau_staff)
    return {"staff": bureau_staff, "enterprise": enterprise_user, "branch": branch_staff, "manager": manager}


def run_schema(headers: dict[str, str]) -> dict[str, int]:
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
    # The token goes in every request (``headers``), never mutated: a negative case that dropped
    # it would be sent with it all the same and read as "invalid data accepted". Unknown query
    # parameters are left out too: only the lists refuse them (test_staff_api / the filters),
    # a detail ignores them, as HTTP caches and proxies expect.
    schema.config.generation.update(with_security_parameters=False, allow_extra_parameters=False)
    counts = {"operations": 0, "cases": 0}
    failures = []
    known_ids = sorted(
        {
            pk
            for model in (Declaration, Enterprise, Standard, TechnicalScheme)
            for pk in model.objects.values_list("pk", flat=True)
        }
    )
    for result in schema.get_all_operations():
        operation = result.ok()
        counts["operations"] += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            checks = [*CHECKS, negative_data_rejection] if mode == GenerationMode.NEGATIVE else CHECKS
            try:
                _cases(operation, mode, headers, checks, counts)()
            except Exception as error:  # each operation's first failure, all reported together
                failures.append(f"{operation.label} ({mode.value}): {error}")
            if (
                mode == GenerationMode.POSITIVE
                and operation.method.upper() == "GET"
                and operation.path_parameters
            ):
                # Generated ids seldom name a record: the world's own ids are asked for too, so
                # each detail answers for every real record (and 404 where the id is another kind's).
                for pk in known_ids:
                    case = operation.Case(
                        path_parameters={parameter.name: pk for parameter in operation.path_parameters}
                    )
                    counts["cases"] += 1
                    try:
                        case.call_and_validate(headers=headers, checks=CHECKS)
                    except Exception as error:
                        failures.append(f"{operation.label} with id {pk}: {error}")
                        break
    assert not failures, "\n\n".join(failures)
    return counts


def _cases(operation, mode, headers, checks, counts):
    """The Hypothesis test of one operation in one generation mode."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        counts["cases"] += 1
        case.call_and_validate(headers=headers, checks=checks)

    return run


@pytest.mark.parametrize("role", ["anonymous", "staff", "enterprise"])
def test_every_operation_answers_as_its_schema_says(world, role):
    headers = {} if role == "anonymous" else {"Authorization": f"Bearer {token_for(world[role])}"}
    CASES_RUN[role] = run_schema(headers)
    assert CASES_RUN[role]["cases"] >= CASES_RUN[role]["operations"]


def test_a_branch_office_and_a_manager_token_too(world):
    # Scoped staff roles: fewer examples, the same checks.
    for role in ("branch", "manager"):
        CASES_RUN[role] = run_schema({"Authorization": f"Bearer {token_for(world[role])}"})


def test_the_world_holds_what_the_answers_describe(world):
    # The runs above mean something only if the tokens act for these roles and the records are
    # in every state the answers describe: a fixture change would otherwise go unseen.
    from benchmarking.access import role_of
    from benchmarking.models import DeclarationEvidence

    assert [role_of(world[key]) for key in ("staff", "branch", "manager", "enterprise")] == [
        Role.BUREAU_STAFF,
        Role.BRANCH_STAFF,
        Role.MANAGER,
        Role.ENTERPRISE,
    ]
    assert set(Declaration.objects.values_list("status", flat=True)) == {
        "draft",
        "returned",
        "published",
        "withdrawn",
    }
    assert DeclarationEvidence.objects.exists()
    assert TechnicalScheme.objects.filter(supersedes__isnull=False).exists()
    assert Standard.objects.filter(status=StandardStatus.REPLACED).exists()
