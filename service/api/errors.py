"""The one place where Narrate's errors become HTTP answers."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from workers.errors import NarrateError, QuotaExceeded, RangeNotSatisfiable, Unauthorized

log = logging.getLogger(__name__)


def status_for(exc: NarrateError) -> tuple[int, str | None]:
    """(HTTP status, field): both are the error's own (`workers.errors` draws the mapping)."""
    return exc.http_status, exc.field


def _error_type(exc: Exception) -> str:
    name = type(exc).__name__
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
    body = {"type": _error_type(exc), "message": str(exc), "field": field}
    return JSONResponse(body, status_code=status, headers=headers)


def _field_of(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {
            "field": _field_of(tuple(e.get("loc", ()))),
            "message": e.get("msg", ""),
            "type": e["type"],
        }
        for e in exc.errors()
    ]
    first = errors[0] if errors else {"field": "body", "message": "invalid request"}
    message = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
    body = {
        "type": "validation_error",
        "message": message,
        "field": first["field"],
        "errors": errors,
    }
    return JSONResponse(body, status_code=422)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and request.method in ("POST", "PUT", "PATCH"):
        # FastAPI answers 400 for a body it cannot decode (binary garbage): invalid JSON is
        # a validation error of the body like any other.
        body = {"type": "validation_error", "message": "body: not valid JSON", "field": "body"}
        return JSONResponse(body, status_code=422)
    if wants_html(request):
        return error_page(exc.status_code, str(exc.detail))
    body = {"type": "http_error", "message": str(exc.detail), "field": None}
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(NarrateError, narrate_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
