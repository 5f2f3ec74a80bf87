"""A news site on 127.0.0.1 (the tests' stand-in for the internet): pages whose body, type,
delay and ETag a test sets and changes, and a log of every request it was sent."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Page:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    delay_s: float = 0.0
    conditional: bool = False
    """Answer `If-None-Match` with 304 when the ETag (of the body) matches."""

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:16] + '"'


@dataclass
class Hit:
    path: str
    status: int
    headers: dict[str, str]


@dataclass
class Site:
    pages: dict[str, Page] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    port: int = 0
    active: int = 0
    most_active: int = 0
    """Requests at once, at most (those to a delayed page left out: the server goes on
    answering one after the client gave up on it)."""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def hits_of(self, path: str, status: int | None = None) -> list[Hit]:
        return [h for h in self.hits if h.path == path and status in (None, h.status)]

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        page = self.pages.get(handler.path)
        counted = not (page and page.delay_s)
        with self._lock:
            self.active += counted
            self.most_active = max(self.most_active, self.active)
        try:
            headers = {k.lower(): v for k, v in handler.headers.items()}
            if page is None:
                status, body, extra = 404, b"not here", {"Content-Type": "text/plain"}
            elif page.conditional and headers.get("if-none-match") == page.etag:
                status, body, extra = 304, b"", {"ETag": page.etag}
            else:
                status, body = 200, page.body
                extra = {"Content-Type": page.content_type}
                if page.conditional:
                    extra["ETag"] = page.etag
            # Counted on arrival: a slow page is a hit even while it still keeps the client.
            self.hits.append(Hit(handler.path, status, headers))
            if page is not None and status == 200:
                time.sleep(page.delay_s)
            handler.send_response(status)
            for name, value in extra.items():
                handler.send_header(name, value)
            if status != 304:
                handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            if status != 304:
                handler.wfile.write(body)
        finally:
            with self._lock:
                self.active -= counted


@contextmanager
def news_site() -> Iterator[Site]:
    site = Site()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            # The client may give up first (the timeout tests).
            with suppress(BrokenPipeError, ConnectionResetError):
                site._answer(self)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    site.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
