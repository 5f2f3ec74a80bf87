"""Property-based fuzzing of every operation in the OpenAPI schema (schemathesis):
whatever it sends, the API never answers 5xx, and the schema's own responses conform."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.utils.services import Stack

pytestmark = pytest.mark.slow

EXAMPLES_PER_OPERATION = 25


def test_no_5xx_anywhere(make_stack: Callable[..., Stack]) -> None:
    stack = make_stack(max_article_chars=5_000)
    stack.start_api()
    stack.submit(text="A job that exists.")  # so some ids resolve; no worker runs it
    schema = schemathesis.openapi.from_url(f"{stack.api.url}/openapi.json")
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case: schemathesis.Case) -> None:
            response = case.call(timeout=30)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} → {response.status_code}")

        call()
    assert operations >= 9
    assert failures == []
    assert stack.http.get("/healthz").status_code == 200
