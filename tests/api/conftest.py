"""API test helpers: a client that sends a real token of a given user, made by the service."""

import pytest
from rest_framework.test import APIClient

from benchmarking.services.api_tokens import api_token_create


def token_for(user, *, name="测试", valid_days=30) -> str:
    """A new token of ``user``, made by the user themselves, as on the tokens page."""
    _token, raw = api_token_create(actor=user, user=user, name=name, valid_days=valid_days)
    return raw


def client_with_token(raw: str | None = None) -> APIClient:
    client = APIClient()
    if raw is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def api_as():
    """``api_as(user)``: an API client acting for ``user`` by a token; ``api_as(None)``: anonymous."""

    def make(user):
        return client_with_token(None if user is None else token_for(user))

    return make


@pytest.fixture(autouse=True)
def generous_api_limits(settings):
    # Tests make many requests a minute; tests/api/test_tokens_and_limits.py sets its own small limits.
    settings.BENCHMARKING_API_RATES = {"token": "100000/min", "anonymous": "100000/min"}


def pytest_terminal_summary(terminalreporter):
    """The Schemathesis cases run, per role (tests/api/test_schemathesis.py). A role is recorded
    only when its run ended without a failure, so "0" below is what was found, not a hope."""
    from tests.api.test_schemathesis import CASES_RUN

    if CASES_RUN:
        terminalreporter.section("Schemathesis")
        for role, counts in CASES_RUN.items():
            terminalreporter.write_line(
                f"{role}: {counts['operations']} operations, {counts['cases']} cases, "
                "0 server errors, 0 schema violations"
            )
