"""Real HTTP receivers on 127.0.0.1 for the outbound-request tests: each runs a behaviour
(answer, drip, redirect, flood, say nothing) in a thread on a real socket."""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Final

ACCEPT_POLL_S: Final = 0.05
DRIP_LIMIT_S: Final = 40.0
"""A dripping receiver gives up after this long, so a client with no total deadline fails
the test (slowly) instead of hanging it."""


@dataclass
class Received:
    head: bytes
    body: bytes

    def header(self, name: str) -> str | None:
        for line in self.head.decode("latin-1").split("\r\n")[1:]:
            key, _, value = line.partition(":")
            if key.strip().lower() == name.lower():
                return value.strip()
        return None


@dataclass
class Receiver:
    port: int
    requests: list[Received] = field(default_factory=list)
    connections: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"


Behaviour = Callable[[socket.socket, Receiver], None]


def read_request(conn: socket.socket, receiver: Receiver) -> Received:
    data = b""
    while b"\r\n\r\n" not in data:
        block = conn.recv(65536)
        if not block:
            break
        data += block
    head, _, body = data.partition(b"\r\n\r\n")
    request = Received(head, body)
    length = int(request.header("content-length") or 0)
    while len(request.body) < length:
        block = conn.recv(65536)
        if not block:
            break
        request.body += block
    receiver.requests.append(request)
    return request


@contextmanager
def receiver(behaviour: Behaviour) -> Iterator[Receiver]:
    """A listening socket on 127.0.0.1 that runs `behaviour` for every connection."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(ACCEPT_POLL_S)  # so that the accept loop sees `stop`
    state = Receiver(listener.getsockname()[1])
    stop = threading.Event()

    def handle(conn: socket.socket) -> None:
        # OSError: the client hung up, which is what the deadline tests want.
        with conn, contextlib.suppress(OSError):
            behaviour(conn, state)

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            state.connections += 1
            threading.Thread(target=handle, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        stop.set()
        listener.close()
        thread.join(5)


def answer(status: str = "200 OK", body: bytes = b"ok", headers: str = "") -> Behaviour:
    def behave(conn: socket.socket, state: Receiver) -> None:
        read_request(conn, state)
        conn.sendall(
            f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\n{headers}"
            "Connection: close\r\n\r\n".encode()
            + body
        )

    return behave


def drip_headers(every_s: float) -> Behaviour:
    """A status line, then one more header line every `every_s` seconds, never finishing."""

    def behave(conn: socket.socket, state: Receiver) -> None:
        read_request(conn, state)
        conn.sendall(b"HTTP/1.1 200 OK\r\n")
        started = time.monotonic()
        n = 0
        while time.monotonic() - started < DRIP_LIMIT_S:
            time.sleep(every_s)
            n += 1
            conn.sendall(f"X-Drip-{n}: {n}\r\n".encode())

    return behave


def drip_body(every_s: float) -> Behaviour:
    """Whole headers promising 1,000 bytes, then one byte every `every_s` seconds."""

    def behave(conn: socket.socket, state: Receiver) -> None:
        read_request(conn, state)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
        started = time.monotonic()
        while time.monotonic() - started < DRIP_LIMIT_S:
            conn.sendall(b"x")
            time.sleep(every_s)

    return behave


def flood(declare_length: bool) -> Behaviour:
    """An endless body, with a huge Content-Length or none (read until close)."""

    def behave(conn: socket.socket, state: Receiver) -> None:
        read_request(conn, state)
        length = "Content-Length: 100000000000\r\n" if declare_length else ""
        conn.sendall(f"HTTP/1.1 200 OK\r\n{length}Connection: close\r\n\r\n".encode())
        block = b"\0" * 65536
        started = time.monotonic()
        while time.monotonic() - started < DRIP_LIMIT_S:
            conn.sendall(block)

    return behave


def silent(conn: socket.socket, state: Receiver) -> None:
    """Accepts and never answers (a filtered-looking port that is open)."""
    read_request(conn, state)
    time.sleep(DRIP_LIMIT_S)


def hang_up(conn: socket.socket, state: Receiver) -> None:
    """Accepts and closes at once."""


def reset(conn: socket.socket, state: Receiver) -> None:
    """Accepts and resets the connection (RST instead of FIN)."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def banner(conn: socket.socket, state: Receiver) -> None:
    """Another protocol's greeting, as an SSH server or Redis on that port would give."""
    conn.sendall(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")
    time.sleep(0.5)


def free_port() -> int:
    """A port nothing listens on (refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
