"""Webhooks: HMAC-SHA256 signatures over `timestamp.body` checked in constant time (and the
README's snippet agreeing), delivery through the safe fetch helper, the start-up warning."""

from __future__ import annotations

import functools
import logging
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.settings import Settings
from service.webhooks import (
    SIGNATURE_HEADER,
    TOLERANCE_S,
    WebhookError,
    deliver,
    sign,
    verify,
    warn_if_unsigned,
)
from tests.service.receivers import answer, drip_headers, flood, free_port, receiver, silent


def test_signature_round_trip() -> None:
    body = b'{"id":"abc","status":"done"}'
    now = int(time.time())
    header = sign("s3cret", body, now)
    assert header.startswith(f"t={now},v1=")
    assert verify("s3cret", body, header)
    assert not verify("other", body, header)
    assert not verify("s3cret", body + b" ", header)
    assert not verify("s3cret", body, "garbage")


def test_old_signatures_are_refused() -> None:
    body = b"{}"
    header = sign("s3cret", body, int(time.time()) - 3600)
    assert not verify("s3cret", body, header)


# --- delivery through the safe fetch helper (issue 10, items 3, 4 and 9) -------------------


def test_a_signed_call_reaches_an_allowed_receiver() -> None:
    body = b'{"id":"abc","status":"done"}'
    with receiver(answer("204 No Content", b"")) as rx:
        status = deliver(rx.url, body, "s3cret", timeout=5, allow_private=True)
    assert status == 204
    (request,) = rx.requests
    assert request.body == body
    assert request.header("content-type") == "application/json"
    signature = request.header(SIGNATURE_HEADER)
    assert signature is not None and verify("s3cret", body, signature)


def test_without_a_secret_the_call_is_unsigned() -> None:
    with receiver(answer()) as rx:
        deliver(rx.url, b"{}", "", timeout=5, allow_private=True)
    assert rx.requests[0].header(SIGNATURE_HEADER) is None


def test_private_receivers_are_refused_by_default() -> None:
    """The audit's SSRF: the worker POSTed to 127.0.0.1, the API itself, 10.x, [::1] and
    169.254.169.254. Now nothing is sent unless NARRATE_ALLOW_PRIVATE_URLS is set."""
    with receiver(answer()) as rx:
        for url in (rx.url, f"http://localhost:{rx.port}/", "http://169.254.169.254/latest"):
            with pytest.raises(WebhookError):
                deliver(url, b"{}", "s3cret", timeout=2)
        time.sleep(0.2)
        assert rx.connections == 0


def test_a_dripping_receiver_is_cut_off_at_the_deadline() -> None:
    """The audit's receiver: one header line every few seconds held both workers until the
    task's soft limit. The webhook timeout is now the whole call's."""
    started = time.monotonic()
    with receiver(drip_headers(2.0)) as rx, pytest.raises(WebhookError):
        deliver(rx.url, b"{}", "s3cret", timeout=3, allow_private=True)
    assert time.monotonic() - started < 3 + 1.0


@pytest.mark.parametrize(
    ("behaviour", "message"),
    [
        (answer("302 Found", b"", "Location: http://169.254.169.254/\r\n"), "redirect"),
        (answer("500 Internal Server Error"), "receiver answered 500"),
        (flood(declare_length=False), "larger than"),
    ],
    ids=["redirect", "5xx", "flood"],
)
def test_failures_are_webhook_errors(behaviour: Any, message: str) -> None:
    with receiver(behaviour) as rx, pytest.raises(WebhookError, match=message):
        deliver(rx.url, b"{}", "s3cret", timeout=5, allow_private=True)


def test_closed_and_silent_receivers_leave_the_same_error() -> None:
    """`webhook.last_error` must not tell an open port from a closed one."""
    errors = []
    with pytest.raises(WebhookError) as refused:
        deliver(f"http://127.0.0.1:{free_port()}/", b"{}", "", timeout=1, allow_private=True)
    errors.append(str(refused.value))
    with receiver(silent) as rx, pytest.raises(WebhookError) as timed_out:
        deliver(rx.url, b"{}", "", timeout=1, allow_private=True)
    errors.append(str(timed_out.value))
    assert errors[0] == errors[1]


def test_start_up_warns_when_callbacks_go_unsigned(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("narrate.test.startup")
    with caplog.at_level(logging.WARNING, logger=logger.name):
        assert warn_if_unsigned(Settings(webhook_secret=""), logger)
        assert not warn_if_unsigned(Settings(webhook_secret="s3cret"), logger)
    (record,) = caplog.records
    assert "NARRATE_WEBHOOK_SECRET" in record.getMessage()


@functools.cache
def _readme_verifier() -> Callable[[str, bytes, str], bool]:
    """The verification snippet of README's Webhooks section, run as a receiver would."""
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    section = readme.split("\n## Webhooks\n", 1)[1].split("\n## ", 1)[0]
    (code,) = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    namespace: dict[str, Any] = {}
    exec(compile(code, "README.md#webhooks", "exec"), namespace)
    return namespace["narrate_signature_ok"]


@given(secret=st.text(min_size=1), body=st.binary(), age=st.integers(-1000, 1000))
@settings(max_examples=200)
def test_the_readme_snippet_agrees_with_sign_and_verify(secret: str, body: bytes, age: int) -> None:
    readme_ok = _readme_verifier()
    now = int(time.time())
    header = sign(secret, body, now - age)
    fresh = abs(age) <= TOLERANCE_S - 5  # keep clear of the edge: time moves during the test
    stale = abs(age) > TOLERANCE_S + 5
    if fresh or stale:
        assert readme_ok(secret, body, header) == verify(secret, body, header) == fresh
    assert not readme_ok(secret + "x", body, header)
    assert not readme_ok(secret, body + b"x", header)
    assert not readme_ok(secret, body, header.replace("v1=", "v1=0"))
    assert not readme_ok(secret, body, "t=abc,v1=00")
