"""One error shape everywhere: every refusal is an `ErrorOut` (`type`, `message`, `field` as
a path into the request, `errors`), worded for a person, and the OpenAPI spec documents
exactly that model for each status a route sends. The oracle for the shape is the served
spec's own JSON Schema, checked by jsonschema_rs (not by the models that made the answer)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, Final

import httpx
import jsonschema_rs
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from service.api.errors import OPENAI_ERROR_SCHEMA, OPENAI_PATHS
from service.api.schemas import ArticleIn
from tests.utils.services import SHORT_ARTICLE, Stack

pytestmark = pytest.mark.slow

LEAKS: Final = (
    "Value error",
    "Assertion failed",
    "Input should",
    "String should",
    "Field required",
    "JSON decode error",
    "body:",
    "[type=",
    "pydantic",
    "model_attributes_type",
)
"""Validator wording that must not reach a user (issue 13: `body: Value error, ...`)."""
QUOTED: Final = r'\["(?:[^"\\]|\\.)*"\]|\[\d+\]'
FIELD_PATH: Final = re.compile(
    rf"(?P<first>[A-Za-z_][\w-]*|{QUOTED})(\.([A-Za-z_][\w-]*|\d+)|{QUOTED})*"
)
"""`field`: `speed`, `lexicon.0.word`, `["odd key"].x`; never a bare byte offset."""
ARTICLE_FIELDS: Final = sorted(ArticleIn.model_fields)
FEED: Final = {
    "slug": "shapes",
    "title": "Shapes",
    "description": "Errors, all alike.",
    "author": "Desk",
    "owner_name": "Desk",
    "owner_email": "desk@example.org",
}


@pytest.fixture
def api(make_stack: Callable[..., Stack]) -> Stack:
    stack = make_stack(submits_per_minute=0, max_active_jobs_per_key=0)  # no 429s here
    stack.start_api()
    return stack


@pytest.fixture
def spec(api: Stack) -> dict[str, Any]:
    return api.http.get("/openapi.json").json()


def error_validator(spec: dict[str, Any]) -> Any:
    ref = {"$ref": "#/components/schemas/ErrorOut", "components": spec["components"]}
    return jsonschema_rs.validator_for(ref)


def documented(spec: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    """The responses the spec documents for the operation that serves `path`."""
    for template, operations in spec["paths"].items():
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, path) and method.lower() in operations:
            return operations[method.lower()]["responses"]
    raise AssertionError(f"no operation for {method} {path}")


def assert_error_shape(validator: Any, response: httpx.Response, fields: list[str]) -> None:
    """An `ErrorOut` by the spec's schema, human wording, `field` a path into the request
    (its first step one of `fields`: the model's, or those sent)."""
    body = response.json()
    errors = list(validator.iter_errors(body))
    assert not errors, (body, [str(e) for e in errors])
    assert body["errors"] and body["errors"][0]["field"] == body["field"], body
    for error in (body, *body["errors"]):
        assert error["message"].strip(), body
        assert not [w for w in LEAKS if w in error["message"]], body
        field = error["field"]
        if field is not None:
            path = FIELD_PATH.fullmatch(field)
            assert path, body
            first = path["first"]
            first = json.loads(first[1:-1]) if first.startswith("[") else first  # key sent
            assert first in [*fields, "body"], body


def test_the_spec_documents_error_out_for_every_error(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas
    assert set(schemas["ErrorOut"]["required"]) == {"type", "message", "field", "errors"}
    checked = 0
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            for code, response in responses.items():
                if code[0] in "45":
                    schema = response["content"]["application/json"]["schema"]
                    if path.startswith(OPENAI_PATHS):  # OpenAI's clients read OpenAI's shape
                        assert schema == OPENAI_ERROR_SCHEMA, (path, code)
                        assert schema["required"] == ["error"]
                    else:
                        assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (path, code)
                    checked += 1
            if "requestBody" in operation:
                assert {"413", "422"} <= set(responses), (method, path)
            if path.startswith("/v1/feeds/{slug}"):
                assert "404" in responses, (method, path)
    assert spec["paths"]["/v1/feeds"]["post"]["responses"]["409"]
    assert checked >= 40


def test_each_refusal_is_documented_and_shaped(api: Stack, spec: dict[str, Any]) -> None:
    """One real request per kind of refusal: its status is documented for its route."""
    validator = error_validator(spec)
    job = api.submit(text=SHORT_ARTICLE)  # no worker: it stays queued, so it has no audio
    assert api.http.post("/v1/feeds", json=FEED).status_code == 201
    json_type = {"Content-Type": "application/json"}
    refusals: list[tuple[str, str, dict[str, Any], int]] = [
        ("POST", "/v1/jobs", {"content": b'{"text": "x",, }', "headers": json_type}, 422),
        ("POST", "/v1/jobs", {"json": {"text": "   "}}, 422),
        ("POST", "/v1/jobs", {"json": {"text": "x", "date": "yesterday"}}, 422),
        ("POST", "/v1/jobs", {"json": {"text": "x", "feed": "nope"}}, 422),
        ("GET", "/v1/jobs/nope", {}, 404),
        ("GET", f"/v1/jobs/{job['id']}/audio", {}, 409),
        ("POST", "/v1/feeds", {"json": FEED}, 409),
        ("POST", "/v1/feeds", {"json": {**FEED, "slug": "other", "language": "x"}}, 422),
        ("GET", "/v1/feeds/nope", {}, 404),
        ("PATCH", "/v1/feeds/nope", {"json": {"title": "x"}}, 404),
        ("PATCH", "/v1/feeds/shapes", {"json": {"owner_email": "no"}}, 422),
        ("DELETE", "/v1/feeds/nope", {}, 404),
        ("PUT", "/v1/feeds/shapes/image", {"content": b"not an image"}, 422),
        ("PUT", "/v1/feeds/shapes/image", {"content": b"\xff" * 1_000_001}, 413),
        ("POST", "/v1/feeds/shapes/episodes", {"json": {"job_id": job["id"]}}, 409),
        ("POST", "/v1/feeds/shapes/episodes", {"json": {"job_id": "nope"}}, 404),
        ("DELETE", "/v1/feeds/shapes/episodes/nope", {}, 404),
        ("GET", "/listen/nope/status", {}, 404),
        ("GET", "/v1/voices/xx_XX-nobody-low/preview", {}, 404),
    ]
    fields = [*ARTICLE_FIELDS, *FEED, "language", "owner_email", "image", "job_id", "feed"]
    for method, path, request, status in refusals:
        response = api.http.request(method, path, **request)
        assert response.status_code == status, (method, path, response.text)
        assert str(status) in documented(spec, method, path), (method, path, status)
        assert_error_shape(validator, response, fields)


def test_bad_json_names_no_field_it_does_not_have(api: Stack, spec: dict[str, Any]) -> None:
    response = api.http.post(
        "/v1/jobs", content=b'{"text": "x",, }', headers={"Content-Type": "application/json"}
    )
    body = response.json()
    assert response.status_code == 422 and body["field"] == "body", body
    assert body["message"].startswith("the request body is not valid JSON"), body
    empty = api.http.post("/v1/jobs", json={"text": "   "}).json()
    assert empty["message"] == "'text' is empty", empty  # not "body: Value error, ..."
    date = api.http.post("/v1/jobs", json={"text": "x", "date": "yesterday"}).json()
    assert date["field"] == "date" and "YYYY-MM-DD" in date["message"], date
    unknown = api.http.get("/no/such/path").json()
    assert unknown["type"] == "not_found" and unknown["field"] is None, unknown
    assert error_validator(spec).is_valid(unknown)


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.integers()
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=6,
)
ARTICLE_BODIES = (
    st.dictionaries(st.sampled_from([*ARTICLE_FIELDS, "colour"]), JSON_VALUES, max_size=4)
    | JSON_VALUES
)


def test_every_refused_article_is_an_error_out(api: Stack, spec: dict[str, Any]) -> None:
    """Any JSON body, or any bytes at all: a 4xx answer is an `ErrorOut` in human words."""
    validator = error_validator(spec)

    @given(body=ARTICLE_BODIES)
    @example(body={"text": "x", "lexicon": [{"word": "x"}]})
    @example(body={"text": "x", "speed": "fast", "format": "flac", "colour": 1})
    @example(body=[1, 2, 3])
    @settings(max_examples=60, deadline=None, database=None, suppress_health_check=[*HealthCheck])
    def submit_json(body: Any) -> None:
        response = api.http.post("/v1/jobs", json=body)
        assert response.status_code < 500, response.text
        if response.status_code >= 400:
            sent = list(body) if isinstance(body, dict) else []
            assert_error_shape(validator, response, [*ARTICLE_FIELDS, *sent])

    @given(raw=st.binary(max_size=64))
    @example(raw=b'{"text": "x",, }')
    @example(raw=b"")
    @settings(max_examples=30, deadline=None, database=None, suppress_health_check=[*HealthCheck])
    def submit_bytes(raw: bytes) -> None:
        try:
            json.loads(raw)
            return  # valid JSON: the case above
        except ValueError:
            pass
        response = api.http.post(
            "/v1/jobs", content=raw, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 422, response.text
        assert_error_shape(validator, response, ARTICLE_FIELDS)
        answer = response.json()
        assert answer["field"] == "body"
        wanted = "the request body is not valid JSON" if raw else "the request body is required"
        assert answer["message"].startswith(wanted), answer

    submit_json()
    submit_bytes()
