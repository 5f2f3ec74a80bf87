"""The one place where Narrate's errors become HTTP answers, and where the OpenAPI spec is
told so: every 4xx and 5xx is an `ErrorOut` (`type`, `message`, `field`, `errors`)."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from http import HTTPStatus
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.api.schemas import LANGUAGE_PATTERN, SLUG_PATTERN, ErrorOut
from workers.errors import NarrateError, QuotaExceeded, RangeNotSatisfiable, Unauthorized
from workers.pipeline import ISO_DATE_PATTERN

log = logging.getLogger(__name__)

BODY: Final = "body"
"""The `field` of an error about the request body as a whole."""
LISTED_IN_MESSAGE: Final = 3
"""The top-level message names at most this many errors; `errors` has them all."""
ERROR_REF: Final = "#/components/schemas/ErrorOut"
_LOCATIONS: Final = ("body", "query", "path", "header", "cookie")
_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_PREFIXES: Final = re.compile(r"^(Value error|Assertion failed), ")
_SHOULD: Final = re.compile(r"^(Input|String|List|Value|Dictionary|Tuple|Set|Object) should ")
_HUMAN: Final = {
    "missing": "is required",
    "extra_forbidden": "is not a field of this request",
    "model_attributes_type": "must be a JSON object",
    "model_type": "must be a JSON object",
    "dict_type": "must be a JSON object",
}
_FORMS: Final = {
    f"^{ISO_DATE_PATTERN}$": "must be a date: YYYY-MM-DD, YYYY-MM or YYYY",
    SLUG_PATTERN: "must be a slug: lowercase letters, digits and '-', at most 63 characters",
    LANGUAGE_PATTERN: "must be a language tag such as 'en' or 'en-GB'",
}
"""What a pattern means, for the patterns the API's schemas use."""


def error_body(type_: str, message: str, field: str | None = None) -> dict[str, Any]:
    """The JSON of an answer with one error (`ErrorOut`)."""
    one = {"type": type_, "message": message, "field": field}
    return {**one, "errors": [one]}


OPENAI_PATHS: Final = ("/v1/audio/", "/v1/models")
"""The OpenAI-compatible routes (`service.api.speech`): their errors are shaped as OpenAI's."""


def _answer(request: Request, body: dict[str, Any], status: int, **kwargs: Any) -> JSONResponse:
    """`body` as it is, or in OpenAI's shape (`{"error": {message, type, param, code}}`)
    on the OpenAI-compatible routes, so OpenAI's clients raise with the message."""
    if request.url.path.startswith(OPENAI_PATHS):
        body = {
            "error": {
                "message": body["message"],
                "type": body["type"],
                "param": body.get("field"),
                "code": body["type"],
            }
        }
    return JSONResponse(body, status_code=status, **kwargs)


def status_for(exc: NarrateError) -> tuple[int, str | None]:
    """(HTTP status, field): both are the error's own (`workers.errors` draws the mapping)."""
    return exc.http_status, exc.field


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


API_PREFIXES = ("/v1/", "/listen/", "/healthz", "/readyz", "/metrics", "/oembed")


def wants_html(request: Request) -> bool:
    """A browser asking for a page (not an API client, not the player's own fetches)."""
    accept = request.headers.get("accept", "")
    return "text/html" in accept and not request.url.path.startswith(API_PREFIXES)


def error_page(status: int, message: str) -> HTMLResponse:
    from service.web.pages import error_page_html

    return HTMLResponse(error_page_html(status, message), status_code=status)


async def narrate_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, NarrateError)
    status, field = status_for(exc)
    if wants_html(request) and status < 500:
        return error_page(status, str(exc))
    headers: dict[str, str] = {}
    if isinstance(exc, Unauthorized):
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(exc, RangeNotSatisfiable):
        headers["Content-Range"] = f"bytes */{exc.size}"
    if isinstance(exc, QuotaExceeded):
        headers["Retry-After"] = str(exc.retry_after)
    if status >= 500:
        log.error("%s %s failed: %s", request.method, request.url.path, exc)
    body = error_body(_snake(type(exc).__name__), str(exc), field)
    return _answer(request, body, status, headers=headers)


def field_path(loc: tuple[Any, ...]) -> str:
    """A validation error's location as a path into the body: names joined by dots, list
    indexes as numbers (`lexicon.0.word`), any other key quoted (`["odd key"]`); or the
    parameter's name; `body` for the body as a whole."""
    steps = list(loc[1:] if loc and loc[0] in _LOCATIONS else loc)
    path = ""
    for step in steps:
        if isinstance(step, int):
            path += f".{step}" if path else f"[{step}]"
        elif isinstance(step, str) and _NAME.fullmatch(step):
            path += f".{step}" if path else step
        else:
            path += f"[{json.dumps(str(step), ensure_ascii=False)}]"
    return path or BODY


def human_message(error: dict[str, Any]) -> str:
    """What one pydantic error says, without the validator's own wording ("Value error,",
    "Input should be")."""
    kind = error.get("type", "")
    if kind in _HUMAN:
        return _HUMAN[kind]
    message = _PREFIXES.sub("", str(error.get("msg", "is not valid")))
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        return _FORMS.get(pattern, f"does not have the expected form ({pattern})")
    return _SHOULD.sub("must ", message)


def _detail(error: dict[str, Any]) -> dict[str, Any]:
    loc = tuple(error.get("loc", ()))
    if error.get("type") == "json_invalid":
        # pydantic puts the byte offset of the fault in `loc`: it is no field of the body.
        reason = error.get("ctx", {}).get("error", "")
        where = f" at character {loc[-1]}" if loc and isinstance(loc[-1], int) else ""
        message = f"the request body is not valid JSON ({reason}{where})".replace(" ()", "")
        return {"type": "json_invalid", "message": message, "field": BODY}
    field = field_path(loc)
    text = human_message(error)
    verb = text.startswith(("must ", "is ", "does "))
    if field != BODY:
        text = f"'{field}'{' ' if verb else ': '}{text}"
    elif verb:
        text = f"the request body {text}"
    return {"type": error.get("type", "invalid"), "message": text, "field": field}


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [_detail(e) for e in exc.errors()] or [
        {"type": "invalid", "message": "the request is not valid", "field": BODY}
    ]
    message = "; ".join(e["message"] for e in errors[:LISTED_IN_MESSAGE])
    if len(errors) > LISTED_IN_MESSAGE:
        message += f" (and {len(errors) - LISTED_IN_MESSAGE} more)"
    body = {"type": "validation_error", "message": message, "field": errors[0]["field"]}
    return _answer(request, {**body, "errors": errors}, 422)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and request.method in ("POST", "PUT", "PATCH"):
        # A body FastAPI cannot decode at all: invalid JSON, like any other.
        body = error_body("json_invalid", "the request body is not valid JSON", BODY)
        return _answer(request, body, 422)
    if wants_html(request):
        return error_page(exc.status_code, str(exc.detail))
    try:
        kind = _snake(HTTPStatus(exc.status_code).phrase.replace(" ", "").replace("-", ""))
    except ValueError:
        kind = "http_error"
    message = str(exc.detail)
    if exc.status_code == 404:
        message = f"nothing at {request.url.path}"
    elif exc.status_code == 405:
        message = f"{request.method} is not allowed on {request.url.path}"
    body = error_body(kind, message)
    return _answer(request, body, exc.status_code, headers=exc.headers)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(NarrateError, narrate_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    document_errors(app)


def document_errors(app: FastAPI) -> None:
    """Make the app's OpenAPI spec say what the handlers above send: `ErrorOut` for every
    error status (not FastAPI's `HTTPValidationError` for 422), and 413 wherever a request
    body can be over the limit (`BodyLimit`)."""
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            errors_in_spec(build())
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


OPENAI_ERROR_SCHEMA: Final[dict[str, Any]] = {
    "type": "object",
    "title": "OpenAIError",
    "description": "OpenAI's error shape, on the OpenAI-compatible routes.",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["message", "type"],
            "properties": {
                "message": {"type": "string"},
                "type": {"type": "string"},
                "param": {"type": ["string", "null"]},
                "code": {"type": ["string", "null"]},
            },
        }
    },
}


def errors_in_spec(spec: dict[str, Any]) -> None:
    """Rewrite `spec` in place: every 4xx/5xx response is an `ErrorOut` (OpenAI's error
    shape on the OpenAI-compatible routes, as `_answer` sends them)."""
    content = {"application/json": {"schema": {"$ref": ERROR_REF}}}
    openai_content = {"application/json": {"schema": OPENAI_ERROR_SCHEMA}}
    for path, operations in spec.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if "requestBody" in operation:
                responses.setdefault("413", {"description": "The request body is too large."})
            for code, response in responses.items():
                if not code.startswith(("4", "5")):
                    continue
                response["content"] = openai_content if path.startswith(OPENAI_PATHS) else content
                if code == "422" and response.get("description") == "Validation Error":
                    response["description"] = (
                        "The request is not valid: `field` says where, `errors` lists all."
                    )
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    if "ErrorOut" not in schemas:  # no route named it: add it (and what it refers to)
        template = "#/components/schemas/{model}"
        generated = ErrorOut.model_json_schema(ref_template=template)
        schemas.update(generated.pop("$defs", {}))
        schemas["ErrorOut"] = generated
