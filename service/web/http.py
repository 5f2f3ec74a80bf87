"""HTTP details the pages and feeds share: public URLs behind proxies, conditional GET."""

from __future__ import annotations

import hashlib
import ipaddress
import re
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Final

from fastapi import Request, Response
from starlette.datastructures import Headers

from service.settings import Settings

_HOST: Final = re.compile(r"[A-Za-z0-9.\-]+(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?")
"""A host[:port] fit to put in a URL; anything else in a header is ignored."""
_PREFIX: Final = re.compile(r"(/[A-Za-z0-9._~\-]+)*")


def _peer_is_trusted(peer: str | None, allowed: str) -> bool:
    """Whether `peer` (the direct client address) is one of the comma-separated addresses or
    CIDR networks in `allowed` (`*`: any), as uvicorn's `--forwarded-allow-ips` reads it."""
    entries = [entry.strip() for entry in allowed.split(",") if entry.strip()]
    if "*" in entries:
        return True
    if not peer:
        return False
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return peer in entries  # a unix socket path or a test client's name
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    for entry in entries:
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def _first_hop(headers: Headers, name: str) -> str:
    return headers.get(name, "").split(",")[0].strip()


def public_base_url(request: Request, settings: Settings) -> str:
    """The base of every absolute URL Narrate hands out (API links, feeds, pages).

    `settings.public_base_url` when set. Else the one the client used: as a proxy reports it
    (`X-Forwarded-Proto` / `-Host` / `-Prefix`, first hop) only when the direct peer is in
    `settings.forwarded_allow_ips` (anyone else could point enclosure URLs at their own
    host, and feeds are cached publicly); otherwise the request's own `Host`.
    """
    if settings.public_base_url:
        return settings.public_base_url.rstrip("/")
    headers = request.headers
    peer = request.client.host if request.client else None
    proto = host = prefix = ""
    if _peer_is_trusted(peer, settings.forwarded_allow_ips):
        proto = _first_hop(headers, "x-forwarded-proto").lower()
        host = _first_hop(headers, "x-forwarded-host")
        prefix = _first_hop(headers, "x-forwarded-prefix").rstrip("/")
    if proto not in ("http", "https"):
        proto = request.url.scheme
    if not _HOST.fullmatch(host):
        host = headers.get("host", "")
    if not _HOST.fullmatch(host):
        host = request.url.netloc
    if not _PREFIX.fullmatch(prefix):
        prefix = ""
    return f"{proto}://{host}{prefix}"


def strong_etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def http_date(timestamp: float) -> str:
    return format_datetime(datetime.fromtimestamp(int(timestamp), UTC), usegmt=True)


def etag_matches(header: str, etag: str) -> bool:
    """Whether an `If-None-Match` value names `etag` (weak comparison, `*`, lists)."""
    if header.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == bare for tag in header.split(","))


def not_modified(request: Request, etag: str, last_modified: float) -> bool:
    """RFC 9110 §13.2.2: If-None-Match decides when present; else If-Modified-Since."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        return etag_matches(if_none_match, etag)
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
