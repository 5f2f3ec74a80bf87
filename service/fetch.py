"""The one safe outbound HTTP request: public addresses only, no redirects, a total deadline.

Every request Narrate makes to a URL somebody else chose (webhooks now; feeds, pages and
artwork later) goes through `fetch`:

- the host name is resolved **once**; every address it resolves to must be public (not
  loopback, private, shared (100.64/10), link-local, multicast, reserved or unspecified, in
  IPv4 or IPv6, IPv4 embedded in IPv6 included), and the connection goes to that address, so
  a second lookup cannot swap in an internal one (DNS rebinding). TLS still checks the
  certificate against the name, and the `Host` header carries the name;
- redirects are not followed (a 3xx is an error: its target was never checked; 304 Not
  Modified, the answer to a conditional GET, is returned);
- one deadline covers the lookup, connecting, sending and the whole response: every socket
  operation waits at most for the time left, so a server that drips bytes cannot stretch it;
- the response body is read up to a size cap, then the connection is dropped;
- every way of not getting an HTTP answer (refused, closed, filtered, timed out, reset, not
  HTTP, no such name) gives the same message, so `fetch` cannot be used to map ports.

`allow_private=True` (`NARRATE_ALLOW_PRIVATE_URLS=true`) lifts the address rule only.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import httpcore
import httpx

from workers.errors import FetchError, RedirectRefused, ResponseTooLarge, UnsafeURL

DEFAULT_MAX_BYTES: Final = 1_000_000
UNREACHABLE: Final = "could not get an HTTP answer from the server"
"""The one message for refused, closed, filtered, timed-out and non-HTTP endpoints."""
WRITE_BLOCK: Final = 16 * 1024
"""Request bodies are sent in blocks, each given only the time left."""
READ_BLOCK: Final = 64 * 1024
SCHEMES: Final = ("http", "https")
NOT_MODIFIED: Final = 304
"""The one 3xx that is an answer, not a redirect (a conditional GET's)."""
LOCAL_NAMES: Final = ("localhost",)
"""Names that mean this machine whatever DNS says (RFC 6761 `localhost` and below it)."""
NAT64_PREFIX: Final = ipaddress.ip_network("64:ff9b::/96")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class FetchResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    address: str
    """The IP address that answered."""

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((v for k, v in self.headers if k.lower() == wanted), None)


def address_is_public(address: IPAddress) -> bool:
    """True for globally routable unicast addresses. An IPv4-mapped IPv6 address is judged
    as the IPv4 address; 6to4 and Teredo ones are refused when the IPv4 address they carry
    is, and NAT64 ones always (reserved)."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:  # ::ffff:a.b.c.d is a.b.c.d, reached over IPv4
            return address_is_public(address.ipv4_mapped)
        embedded: list[ipaddress.IPv4Address | None] = [address.sixtofour]
        if address.teredo:
            embedded.extend(address.teredo)
        if address in NAT64_PREFIX:
            embedded.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        if any(v4 is not None and not address_is_public(v4) for v4 in embedded):
            return False
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def literal_address(host: str) -> IPAddress | None:
    """The IP address a URL host spells, in any form the resolver accepts (`127.1`,
    `0x7f.0.0.1`, `2130706433` all mean 127.0.0.1); None for a name."""
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if host and all(c in "0123456789abcdefxABCDEFX." for c in host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def _parse(url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise UnsafeURL(f"not a valid URL: {exc}") from None
    if parsed.scheme not in SCHEMES or not parsed.host:
        raise UnsafeURL("only http:// and https:// URLs with a host can be called")
    return parsed


def _is_local_name(host: str) -> bool:
    name = host.lower().rstrip(".")
    return any(name == local or name.endswith("." + local) for local in LOCAL_NAMES)


def check_public_url(url: str, allow_private: bool = False) -> None:
    """Refuse, at submit time, a URL that can only reach this machine or a private network:
    a literal non-public address or `localhost`. Names are resolved (and checked again) when
    the request is made; `allow_private` skips the address rule. Raises `UnsafeURL`."""
    parsed = _parse(url)
    if allow_private:
        return
    address = literal_address(parsed.host)
    if address is not None and not address_is_public(address):
        raise UnsafeURL(
            f"{parsed.host} is not a public address; set NARRATE_ALLOW_PRIVATE_URLS=true "
            "to call private networks"
        )
    if address is None and _is_local_name(parsed.host):
        raise UnsafeURL(f"{parsed.host} is this machine, not a public host")


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds

    def left(self) -> float:
        """Seconds left; raises `FetchError` once there are none."""
        remaining = self.at - time.monotonic()
        if remaining <= 0:
            raise FetchError(UNREACHABLE)
        return remaining

    def bound(self, timeout: float | None) -> float:
        remaining = self.left()
        return remaining if timeout is None else min(timeout, remaining)


def _resolve(host: str, port: int, deadline: _Deadline) -> list[IPAddress]:
    """getaddrinfo under the deadline (it has no timeout of its own: run it in a thread
    and stop waiting when time is up; the thread ends on its own)."""
    literal = literal_address(host)
    if literal is not None:
        return [literal]
    found: list[Any] = []

    def lookup() -> None:
        with contextlib.suppress(OSError, UnicodeError):
            found.extend(socket.getaddrinfo(host, port, type=socket.SOCK_STREAM))

    worker = threading.Thread(target=lookup, name="narrate-fetch-dns", daemon=True)
    worker.start()
    worker.join(deadline.left())
    if worker.is_alive() or not found:
        raise FetchError(UNREACHABLE)
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _canon, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read, write and TLS handshake waits at most for the time
    left before the deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: _Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._deadline.bound(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        for start in range(0, len(buffer), WRITE_BLOCK):
            self._inner.write(buffer[start : start + WRITE_BLOCK], self._deadline.bound(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, self._deadline.bound(timeout))
        return _DeadlineStream(inner, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _PinnedBackend(httpcore.NetworkBackend):
    """Connects to the address resolved beforehand, whatever host httpcore asks for."""

    def __init__(self, address: IPAddress, deadline: _Deadline) -> None:
        self._address = address
        self._deadline = deadline
        self._tcp = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._tcp.connect_tcp(
            str(self._address),
            port,
            timeout=self._deadline.bound(timeout),
            local_address=local_address,
            socket_options=socket_options,
        )
        return _DeadlineStream(stream, self._deadline)

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        raise FetchError(UNREACHABLE)

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def fetch(
    method: str,
    url: str,
    *,
    timeout: float,
    body: bytes = b"",
    headers: Mapping[str, str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    allow_private: bool = False,
    redirects: int = 0,
    sink: Callable[[int, bytes], None] | None = None,
) -> FetchResponse:
    """One request to `url`, finished (body read) within `timeout` seconds in total.

    Raises `UnsafeURL` (the URL or an address it resolves to is refused), `RedirectRefused`
    (3xx beyond `redirects` hops; every hop's target is checked like the first URL, and
    all hops share the one deadline), `ResponseTooLarge` (body over `max_bytes`) or
    `FetchError` (no HTTP answer, with the same message whatever the cause). Any other
    status is returned for the caller. With a `sink`, the body goes to it block by block
    (a download written to disk) and the response's `body` is empty.
    """
    deadline = _Deadline(timeout)
    while True:
        response = _fetch_once(method, url, deadline, body, headers, max_bytes, allow_private, sink)
        location = response.header("location")
        if not 300 <= response.status < 400 or response.status == NOT_MODIFIED:
            return response
        if redirects <= 0 or not location:
            raise RedirectRefused(
                f"the server answered {response.status} (a redirect); redirects are not "
                "followed: give the final URL"
            )
        url, redirects = str(_parse(url).join(location)), redirects - 1


def _fetch_once(
    method: str,
    url: str,
    deadline: _Deadline,
    body: bytes,
    headers: Mapping[str, str] | None,
    max_bytes: int,
    allow_private: bool,
    sink: Callable[[int, bytes], None] | None,
) -> FetchResponse:
    check_public_url(url, allow_private)
    parsed = _parse(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    # The IDNA (punycode) form: what DNS holds and what TLS and `Host` carry.
    addresses = _resolve(parsed.raw_host.decode("ascii"), port, deadline)
    if not allow_private and not all(address_is_public(a) for a in addresses):
        # Every address must pass: a name with one public and one private address could
        # otherwise be steered to the private one.
        raise UnsafeURL(f"{parsed.host} resolves to an address that is not public")
    target = httpcore.URL(
        scheme=parsed.raw_scheme, host=parsed.raw_host, port=parsed.port, target=parsed.raw_path
    )
    # `Host` from the URL as written (brackets around IPv6, the port when not the default):
    # httpcore's own would drop the brackets.
    request_headers = [(b"Host", parsed.netloc)]
    request_headers += [
        (k.encode(), v.encode()) for k, v in (headers or {}).items() if k.lower() != "host"
    ]
    last_error: Exception | None = None
    for address in addresses:
        try:
            return _exchange(
                method, target, request_headers, body, address, deadline, max_bytes, sink
            )
        except FetchError as exc:
            if type(exc) is not FetchError:
                raise
            last_error = exc
    raise FetchError(UNREACHABLE) from last_error


def _exchange(
    method: str,
    target: httpcore.URL,
    headers: list[tuple[bytes, bytes]],
    body: bytes,
    address: IPAddress,
    deadline: _Deadline,
    max_bytes: int,
    sink: Callable[[int, bytes], None] | None,
) -> FetchResponse:
    backend = _PinnedBackend(address, deadline)
    remaining = deadline.left()
    extensions = {"timeout": dict.fromkeys(("connect", "read", "write", "pool"), remaining)}
    try:
        with (
            httpcore.ConnectionPool(network_backend=backend, retries=0) as pool,
            pool.stream(
                method, target, headers=headers, content=body, extensions=extensions
            ) as response,
        ):
            received = bytearray()
            size = 0
            # A redirect's body is never wanted: only its Location.
            blocks = () if 300 <= response.status < 400 else response.iter_stream()
            for block in blocks:
                size += len(block)
                if size > max_bytes:
                    raise ResponseTooLarge(f"the response is larger than {max_bytes} bytes")
                if sink is None:
                    received += block
                else:
                    sink(response.status, block)
                deadline.left()
            return FetchResponse(
                status=response.status,
                headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers],
                body=bytes(received),
                address=str(address),
            )
    except (
        httpcore.TimeoutException,
        httpcore.NetworkError,
        httpcore.ProtocolError,
        httpcore.UnsupportedProtocol,
        OSError,  # ssl.SSLError (a certificate the name does not match) is one
    ) as exc:
        raise FetchError(UNREACHABLE) from exc
