"""One log line and one metrics sample per HTTP request, by route template.

Polls (a job's status, the player's `/listen/{id}/status`), static files, health checks and
scrapes are logged at debug level: the player page polls twice a second, and those lines
buried everything else. Everything else, and any poll answered with an error, at info.
"""

from __future__ import annotations

import logging
import time
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.api.metrics import HttpMetrics
from service.logs import FIELDS_ATTR, IN_MESSAGE_ATTR

log = logging.getLogger("narrate.access")

QUIET_ROUTES: Final = frozenset(
    {
        ("GET", "/v1/jobs/{job_id}"),
        ("GET", "/listen/{job_id}/status"),
        ("GET", "/static"),
        ("HEAD", "/static"),
        ("GET", "/healthz"),
        ("GET", "/readyz"),
        ("GET", "/metrics"),
    }
)
"""(method, route) pairs logged at debug level when they succeed."""
UNMATCHED: Final = "unmatched"
"""The route label of a request no route took (a 404): never the raw path, which would give
every mistyped URL a time series of its own."""


def route_of(scope: Scope, root_path: str) -> str:
    """The template of the route that took the request (`/v1/jobs/{job_id}`), read from
    the scope after routing: the route, or for a mounted app (`/static`) the part of the
    path the mount added to `root_path`."""
    path = getattr(scope.get("route"), "path", None)
    if isinstance(path, str) and path:
        return path
    mounted = scope.get("root_path", "")
    if mounted != root_path and mounted.startswith(root_path):
        return mounted[len(root_path) :]
    return UNMATCHED


class AccessLog:
    """Outermost ASGI middleware: times each request, logs it, and counts it."""

    def __init__(self, app: ASGIApp, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        root_path = scope.get("root_path", "")
        status = 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            route = route_of(scope, root_path)
            self._record(scope, route, status, time.perf_counter() - started)

    def _record(self, scope: Scope, route: str, status: int, seconds: float) -> None:
        method = scope["method"]
        self.metrics.observe(method, route, status, seconds)
        quiet = (method, route) in QUIET_ROUTES and status < 400
        level = logging.DEBUG if quiet else logging.INFO
        if not log.isEnabledFor(level):
            return
        path = scope["path"]
        query = scope.get("query_string", b"").decode("latin-1")
        target = f"{path}?{query}" if query else path
        client = scope.get("client") or ("-", 0)
        millis = round(seconds * 1000, 1)
        log.log(
            level,
            '%s "%s %s" %d %.1f ms',
            client[0],
            method,
            target,
            status,
            millis,
            extra={
                FIELDS_ATTR: {
                    "method": method,
                    "path": target,
                    "route": route,
                    "status": status,
                    "ms": millis,
                    "client": client[0],
                },
                IN_MESSAGE_ATTR: True,
            },
        )
