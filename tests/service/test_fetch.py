"""The safe outbound request (issue 10, items 3 and 4): real receivers on 127.0.0.1.

Nothing here fakes the network: receivers are real sockets, names are resolved by the real
resolver (`/etc/hosts`). Only the address rule is lifted (`allow_private=True`) where a test
needs to reach its own receiver, exactly as `NARRATE_ALLOW_PRIVATE_URLS=true` does.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from service.fetch import (
    UNREACHABLE,
    FetchError,
    RedirectRefused,
    ResponseTooLarge,
    UnsafeURL,
    address_is_public,
    check_public_url,
    fetch,
    literal_address,
)
from tests.service.receivers import (
    answer,
    banner,
    drip_body,
    drip_headers,
    flood,
    free_port,
    hang_up,
    receiver,
    reset,
    silent,
)
from workers.errors import InputError

DEADLINE_SLACK_S = 1.0
"""How far past its deadline a request may end (thread scheduling on a loaded CI box)."""

NOT_PUBLIC = [
    "127.0.0.1",
    "127.1",  # the resolver reads these short and numeric forms as 127.0.0.1 too
    "2130706433",
    "0x7f000001",
    "0.0.0.0",
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "169.254.169.254",  # cloud metadata
    "100.64.0.1",  # shared address space (carrier NAT)
    "192.0.2.10",  # documentation
    "198.18.0.1",  # benchmarking
    "224.0.0.1",
    "240.0.0.1",
    "255.255.255.255",
    "[::1]",
    "[::]",
    "[::ffff:127.0.0.1]",
    "[::ffff:169.254.169.254]",
    "[::ffff:10.1.2.3]",
    "[::127.0.0.1]",  # IPv4-compatible (deprecated)
    "[fc00::1]",
    "[fd12:3456::1]",
    "[fe80::1]",
    "[ff02::1]",
    "[2001:db8::1]",
    "[2002:7f00:1::1]",  # 6to4 carrying 127.0.0.1
    "[2002:a9fe:a9fe::1]",  # 6to4 carrying 169.254.169.254
    "[64:ff9b::a9fe:a9fe]",  # NAT64 of 169.254.169.254
    "[2001:0:4136:e378:8000:63bf:80ff:fffe]",  # Teredo whose client is 127.0.0.1
]
PUBLIC = ["93.184.215.14", "8.8.8.8", "[2606:4700:4700::1111]", "[::ffff:8.8.8.8]"]


def elapsed(call: Any, *args: Any, **kwargs: Any) -> tuple[float, BaseException | None]:
    started = time.monotonic()
    try:
        call(*args, **kwargs)
    except Exception as exc:
        return time.monotonic() - started, exc
    return time.monotonic() - started, None


# --- the address rule ---------------------------------------------------------------------


@pytest.mark.parametrize("host", NOT_PUBLIC)
def test_non_public_literals_are_refused_at_submit(host: str) -> None:
    with pytest.raises(UnsafeURL) as info:
        check_public_url(f"http://{host}:8080/hook")
    assert isinstance(info.value, InputError)  # a 422 at submit, through the one error map
    check_public_url(f"http://{host}:8080/hook", allow_private=True)


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST.", "api.localhost"])
def test_localhost_names_are_refused_at_submit(host: str) -> None:
    with pytest.raises(UnsafeURL):
        check_public_url(f"https://{host}/hook")


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/x",
        "file:///etc/passwd",
        "gopher://example.org/",
        "http:///x",
        "http://0177.0.0.1/",
    ],
)
def test_only_http_urls(url: str) -> None:
    with pytest.raises(UnsafeURL):
        check_public_url(url, allow_private=True)


@pytest.mark.parametrize("host", [*PUBLIC, "example.org", "news.example.org."])
def test_public_hosts_pass_the_submit_check(host: str) -> None:
    check_public_url(f"https://{host}/hook")  # names are resolved (and judged) when called


@pytest.mark.parametrize("host", NOT_PUBLIC)
def test_fetch_refuses_non_public_literals_without_connecting(host: str) -> None:
    with pytest.raises(UnsafeURL):
        fetch("POST", f"http://{host}/hook", body=b"{}", timeout=2)


def test_nothing_reaches_a_loopback_receiver() -> None:
    with receiver(answer()) as rx:
        with pytest.raises(UnsafeURL):
            fetch("POST", rx.url, body=b"{}", timeout=2)
        with pytest.raises(UnsafeURL):
            fetch("POST", f"http://localhost:{rx.port}/hook", body=b"{}", timeout=2)
        time.sleep(0.2)
        assert rx.connections == 0


def test_a_name_that_resolves_to_a_private_address_is_refused_after_resolving() -> None:
    """This machine's own host name is not caught by the `localhost` rule: it is refused
    because of what the (real) resolver answers for it."""
    name = socket.gethostname()
    addresses = {ai[4][0] for ai in socket.getaddrinfo(name, 80, type=socket.SOCK_STREAM)}
    if any(address_is_public(ipaddress.ip_address(a.split("%")[0])) for a in addresses):
        pytest.skip(f"{name} resolves to a public address here: {addresses}")
    check_public_url(f"http://{name}/hook")  # a name: passes at submit
    with receiver(answer()) as rx:
        with pytest.raises(UnsafeURL, match="resolves to an address that is not public"):
            fetch("POST", f"http://{name}:{rx.port}/hook", body=b"{}", timeout=2)
        time.sleep(0.2)
        assert rx.connections == 0


IPV4 = st.integers(min_value=0, max_value=2**32 - 1).map(ipaddress.IPv4Address)
FORBIDDEN_V4 = [
    ipaddress.ip_network(n)
    for n in [
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "224.0.0.0/4",
        "240.0.0.0/4",
    ]
]


@given(IPV4)
@example(ipaddress.IPv4Address("127.0.0.1"))
@example(ipaddress.IPv4Address("169.254.169.254"))
def test_ipv4_inside_ipv6_is_judged_as_the_ipv4_address(v4: ipaddress.IPv4Address) -> None:
    """The IANA special-purpose table (written out here, not taken from the code) is the
    oracle for IPv4; every IPv6 form that carries an IPv4 address gets the same verdict."""
    public = address_is_public(v4)
    if any(v4 in network for network in FORBIDDEN_V4):
        assert not public
    mapped = ipaddress.IPv6Address(f"::ffff:{v4}")
    sixtofour = ipaddress.IPv6Address((0x2002 << 112) | (int(v4) << 80) | 1)
    nat64 = ipaddress.IPv6Address(f"64:ff9b::{v4}")
    assert address_is_public(mapped) == public
    assert not address_is_public(nat64)  # reserved, whatever it carries
    if not public:
        assert not address_is_public(sixtofour)
    assert literal_address(f"[{mapped}]") == mapped


# --- with the address rule lifted: what a receiver can do -----------------------------------


def test_a_receiver_gets_the_request_with_the_name_it_was_sent_to() -> None:
    """Resolved once, connected to that address, and the `Host` header keeps the name."""
    with receiver(answer(body=b"thanks")) as rx:
        response = fetch(
            "POST",
            f"http://localhost:{rx.port}/hook?x=1",
            body=b'{"id":"j"}',
            headers={"Content-Type": "application/json"},
            timeout=5,
            allow_private=True,
        )
    assert response.status == 200 and response.body == b"thanks"
    assert response.address == "127.0.0.1"
    (request,) = rx.requests
    assert request.head.startswith(b"POST /hook?x=1 HTTP/1.1")
    assert request.header("host") == f"localhost:{rx.port}"
    assert request.body == b'{"id":"j"}'


def test_the_name_is_resolved_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A spy on the real resolver (it still answers): the name is looked up once, and the
    connection is made to the address, never by name (no second, rebindable lookup)."""
    looked_up: list[str] = []
    real = socket.getaddrinfo

    def spy(host: Any, *args: Any, **kwargs: Any) -> Any:
        looked_up.append(str(host))
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", spy)
    with receiver(answer()) as rx:
        fetch("GET", f"http://localhost:{rx.port}/", timeout=5, allow_private=True)
    assert looked_up.count("localhost") == 1
    assert set(looked_up) <= {"localhost", "127.0.0.1"}


@pytest.mark.parametrize("status", ["301 Moved Permanently", "302 Found", "307 Temporary", "308 P"])
def test_redirects_are_not_followed(status: str) -> None:
    with receiver(answer()) as target:
        location = f"Location: {target.url}\r\n"
        with receiver(answer(status, b"", location)) as rx, pytest.raises(RedirectRefused):
            fetch("POST", rx.url, body=b"{}", timeout=5, allow_private=True)
        time.sleep(0.2)
        assert len(rx.requests) == 1
        assert target.connections == 0


@pytest.mark.parametrize(
    ("behaviour", "timeout"),
    [(drip_headers(2.0), 3.0), (drip_body(1.0), 2.5)],
    ids=["headers", "body"],
)
def test_the_deadline_is_total_not_per_read(behaviour: Any, timeout: float) -> None:
    """Every read gets an answer within 2 s, so a per-read timeout never fires; the total
    deadline ends the request on time anyway."""
    with receiver(behaviour) as rx:
        took, error = elapsed(
            fetch, "POST", rx.url, body=b"{}", timeout=timeout, allow_private=True
        )
    assert type(error) is FetchError and str(error) == UNREACHABLE
    assert timeout - 0.1 <= took <= timeout + DEADLINE_SLACK_S, took


@pytest.mark.parametrize("declare_length", [True, False], ids=["content-length", "until-close"])
def test_the_response_is_read_up_to_the_cap(declare_length: bool) -> None:
    with receiver(flood(declare_length)) as rx:
        took, error = elapsed(
            fetch, "GET", rx.url, timeout=20, max_bytes=1_000_000, allow_private=True
        )
    assert isinstance(error, ResponseTooLarge), error
    assert took < 5, took


def test_a_body_within_the_cap_is_returned() -> None:
    body = b"a" * 100_000
    with receiver(answer(body=body)) as rx:
        response = fetch("GET", rx.url, timeout=5, max_bytes=100_000, allow_private=True)
    assert response.body == body


def test_refused_closed_silent_and_foreign_ports_look_the_same() -> None:
    """A port scanner learns nothing from the message: one text, one type, for every way of
    not getting an HTTP answer."""
    messages = {}
    messages["refused"] = elapsed(
        fetch, "POST", f"http://127.0.0.1:{free_port()}/", timeout=2, allow_private=True
    )[1]
    for name, behaviour in [
        ("silent", silent),
        ("hang-up", hang_up),
        ("reset", reset),
        ("banner", banner),
    ]:
        with receiver(behaviour) as rx:
            messages[name] = elapsed(fetch, "POST", rx.url, timeout=2, allow_private=True)[1]
    messages["no-such-name"] = elapsed(
        fetch, "GET", "http://no-such-host.invalid/", timeout=2, allow_private=True
    )[1]
    for name, error in messages.items():
        assert type(error) is FetchError, (name, error)
        assert str(error) == UNREACHABLE, (name, error)


def test_ipv6_literals_get_a_bracketed_host_header() -> None:
    listener = socket.socket(socket.AF_INET6)
    try:
        listener.bind(("::1", 0))
    except OSError:
        listener.close()
        pytest.skip("no IPv6 loopback here")
    listener.listen(1)
    port = listener.getsockname()[1]
    seen: list[bytes] = []

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(4096)
            seen.append(data)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        response = fetch("GET", f"http://[::1]:{port}/x", timeout=5, allow_private=True)
    finally:
        thread.join(5)
        listener.close()
    assert response.status == 200
    assert f"\r\nHost: [::1]:{port}\r\n".encode() in seen[0]
