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

import os
from decimal import Decimal

import pytest
import schemathesis
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

from benchmarking.choices import Role
from benchmarking.services.declarations import declaration_create, declaration_publish
from tests.api.conftest import token_for
from tests.factories import make_user

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "15"))
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
    """A published scheme, a published result and a draft of the enterprise, so that the lists
    and details have something to show in every role."""
    values = {indicator.pk: Decimal("13") for indicator in scheme.indicators.exclude(direction="pass_fail")}
    values |= {indicator.pk: True for indicator in scheme.indicators.filter(direction="pass_fail")}
    published = declaration_create(
        actor=bureau_staff,
        enterprise=enterprise,
        scheme=scheme,
        product_name="真空保温杯",
        product_model="FUZZ-1",
        executed_standard=executed_standard,
        values=values,
    )
    declaration_publish(declaration=published, actor=bureau_staff)
    declaration_create(
        actor=enterprise_user,
        enterprise=enterprise,
        scheme=scheme,
        product_name="草稿杯",
        product_model="FUZZ-2",
        executed_standard=executed_standard,
        values={},
    )
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
    for result in schema.get_all_operations():
        operation = result.ok()
        counts["operations"] += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            checks = [*CHECKS, negative_data_rejection] if mode == GenerationMode.NEGATIVE else CHECKS
            try:
                _cases(operation, mode, headers, checks, counts)()
            except Exception as error:  # each operation's first failure, all reported together
                failures.append(f"{operation.label} ({mode.value}): {error}")
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


def test_roles_exist_as_the_fixtures_say(world):
    # The tokens above act for users of these roles (a fixture change would otherwise go unseen).
    from benchmarking.access import role_of

    assert role_of(world["staff"]) == Role.BUREAU_STAFF
    assert role_of(world["enterprise"]) == Role.ENTERPRISE
    assert role_of(make_user(Role.MANAGER, username="m2")) == Role.MANAGER
