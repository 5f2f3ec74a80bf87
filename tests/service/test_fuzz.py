"""Property-based fuzzing of every operation in the OpenAPI schema (schemathesis), with
valid and invalid requests: whatever it sends, the API never answers 5xx, and every error
answer is one the schema documents for that operation, with the documented body
(`ErrorOut`). schemathesis's own conformance checks are the oracle."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.utils.services import Stack

pytestmark = pytest.mark.slow

EXAMPLES = {GenerationMode.POSITIVE: 25, GenerationMode.NEGATIVE: 10}
"""Per operation: valid requests reach the routes' own refusals (404, 409, 416); invalid
bodies the validation errors (422). Invalid ids and headers mostly answer 404 like valid
ones, so only operations with a body get invalid requests (cheaper by half)."""
ERROR_CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance]


def test_no_5xx_and_every_error_as_documented(make_stack: Callable[..., Stack]) -> None:
    stack = make_stack(max_article_chars=5_000)
    stack.start_api()
    stack.submit(text="A job that exists.")  # so some ids resolve; no worker runs it
    schema = schemathesis.openapi.from_url(f"{stack.api.url}/openapi.json")
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode, examples in EXAMPLES.items():
            if mode is GenerationMode.NEGATIVE and not len(operation.body):
                continue

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=examples,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def call(case: schemathesis.Case) -> None:
                response = case.call(timeout=30)
                where = f"{case.method} {case.formatted_path} → {response.status_code}"
                if response.status_code >= 500:
                    failures.append(where)
                if response.status_code >= 400:
                    try:
                        case.validate_response(response, checks=ERROR_CHECKS)
                    except FailureGroup as group:
                        failures.extend(f"{where}: {f.title}" for f in group.exceptions)

            call()
    assert operations >= 9
    assert failures == []
    assert stack.http.get("/healthz").status_code == 200
