"""HTTP details the pages and feeds share: public URLs behind proxies, conditional GET."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from fastapi import Request, Response


def public_base_url(request: Request, configured: str | None) -> str:
    """The configured public base URL; else the one the client used, as a proxy reports it
    (`X-Forwarded-Proto` / `X-Forwarded-Host`, first hop), else the request's own."""
    if configured:
        return configured.rstrip("/")
    headers = request.headers
    proto = headers.get("x-forwarded-proto", "").split(",")[0].strip() or request.url.scheme
    host = (
        headers.get("x-forwarded-host", "").split(",")[0].strip()
        or headers.get("host")
        or request.url.netloc
    )
    prefix = headers.get("x-forwarded-prefix", "").split(",")[0].strip().rstrip("/")
    return f"{proto}://{host}{prefix}"


def strong_etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def http_date(timestamp: float) -> str:
    return format_datetime(datetime.fromtimestamp(int(timestamp), UTC), usegmt=True)


def _etag_matches(header: str, etag: str) -> bool:
    if header.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == bare for tag in header.split(","))


def not_modified(request: Request, etag: str, last_modified: float) -> bool:
    """RFC 9110 §13.2.2: If-None-Match decides when present; else If-Modified-Since."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        return _etag_matches(if_none_match, etag)
    since = request.headers.get("if-modified-since")
    if since:
        try:
            when = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return int(last_modified) <= when.timestamp()
    return False


def conditional_response(
    request: Request,
    body: bytes,
    media_type: str,
    last_modified: float,
    cache_control: str = "public, max-age=300",
) -> Response:
    """`body` with ETag and Last-Modified; 304 on a matching conditional GET; no body on HEAD."""
    etag = strong_etag(body)
    headers = {
        "ETag": etag,
        "Last-Modified": http_date(last_modified),
        "Cache-Control": cache_control,
    }
    if not_modified(request, etag, last_modified):
        return Response(status_code=304, headers=headers)
    if request.method == "HEAD":
        headers["Content-Length"] = str(len(body))
        return Response(status_code=200, headers=headers, media_type=media_type)
    return Response(content=body, headers=headers, media_type=media_type)
