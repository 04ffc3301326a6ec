"""Schemathesis against the served OpenAPI document: for generated requests (valid and
not), every answer is one the document promises, never a server error."""

from __future__ import annotations

from collections.abc import Iterator

import hypothesis
import pytest
import schemathesis
from schemathesis import checks

from liveclips.api.app import app
from tests.support import bearer, unlimited_rates

pytestmark = pytest.mark.integration
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture(scope="module")
def as_admin(emulators) -> Iterator[dict[str, str]]:
    # An admin reaches every route's logic; per-role answers are test_api_roles.py's job.
    # Thousands of requests from one user and address: limits are test_auth.py's job.
    with unlimited_rates():
        yield bearer("contract-admin", "admin")


@schema.parametrize()
@hypothesis.settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    derandomize=True,
)
def test_every_answer_matches_the_served_document(case, as_admin):
    case.call_and_validate(
        headers=as_admin,
        checks=[
            checks.not_a_server_error,
            checks.status_code_conformance,
            checks.content_type_conformance,
            checks.response_schema_conformance,
            checks.response_headers_conformance,
        ],
    )
