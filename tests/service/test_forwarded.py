"""The public base URL: forwarded headers count only from configured proxies (issue 10, item 8)."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.requests import Request

from service.settings import Settings
from service.web.http import public_base_url

FORWARDED = {
    "x-forwarded-proto": "https",
    "x-forwarded-host": "evil.example",
    "x-forwarded-prefix": "/narrate",
}


def request_from(
    peer: str | None, headers: dict[str, str], host: str = "api.local:8000"
) -> Request:
    """A request as the ASGI server hands it over: `peer` is the direct TCP client."""
    raw = [(b"host", host.encode())] + [(k.encode(), v.encode()) for k, v in headers.items()]
    scope: dict[str, Any] = {
        "type": "http",
        "method": "GET",
        "scheme": "http",
        "path": "/feeds/morning.xml",
        "raw_path": b"/feeds/morning.xml",
        "query_string": b"",
        "root_path": "",
        "headers": raw,
        "server": ("10.0.0.5", 8000),
        "client": (peer, 51000) if peer else None,
    }
    return Request(scope)


def settings(**values: Any) -> Settings:
    return Settings(**values)


@pytest.mark.parametrize("peer", ["203.0.113.9", "10.0.0.7", "::1", None])
def test_untrusted_peers_cannot_rewrite_urls(peer: str | None) -> None:
    """The audit's request: `X-Forwarded-Host: evil.example` straight from a client."""
    base = public_base_url(request_from(peer, FORWARDED), settings())
    assert base == "http://api.local:8000"


@pytest.mark.parametrize(
    ("allowed", "peer"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("10.0.0.0/8", "10.1.2.3"),
        ("192.0.2.1, 10.0.0.0/8", "10.255.0.1"),
        ("::1", "::1"),
        ("127.0.0.1", "::ffff:127.0.0.1"),
        ("*", "198.51.100.4"),
    ],
)
def test_configured_proxies_are_trusted(allowed: str, peer: str) -> None:
    base = public_base_url(request_from(peer, FORWARDED), settings(forwarded_allow_ips=allowed))
    assert base == "https://evil.example/narrate"


@pytest.mark.parametrize(
    ("allowed", "peer"),
    [
        ("10.0.0.0/8", "11.0.0.1"),
        ("127.0.0.1", "127.0.0.2"),
        ("", "127.0.0.1"),
        ("junk", "1.2.3.4"),
    ],
)
def test_peers_outside_the_list_are_not(allowed: str, peer: str) -> None:
    base = public_base_url(request_from(peer, FORWARDED), settings(forwarded_allow_ips=allowed))
    assert base == "http://api.local:8000"


def test_the_configured_base_wins_over_everything() -> None:
    configured = settings(public_base_url="https://audio.example.org/", forwarded_allow_ips="*")
    assert public_base_url(request_from("127.0.0.1", FORWARDED), configured) == (
        "https://audio.example.org"
    )


@pytest.mark.parametrize(
    "headers",
    [
        {"x-forwarded-host": 'evil.example/"><script>'},
        {"x-forwarded-host": "a b"},
        {"x-forwarded-proto": "javascript"},
        {"x-forwarded-prefix": "//evil.example"},
        {"x-forwarded-prefix": "/a?b"},
    ],
)
def test_malformed_forwarded_values_are_ignored_even_from_a_proxy(headers: dict[str, str]) -> None:
    base = public_base_url(request_from("127.0.0.1", headers), settings())
    assert base == "http://api.local:8000"


def test_first_hop_of_a_list() -> None:
    headers = {"x-forwarded-proto": "https, http", "x-forwarded-host": "news.example.org, proxy"}
    base = public_base_url(request_from("127.0.0.1", headers), settings())
    assert base == "https://news.example.org"


def test_uvicorn_setting_name_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "172.16.0.0/12")
    assert Settings().forwarded_allow_ips == "172.16.0.0/12"
