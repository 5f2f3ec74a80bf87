"""Webhook signatures: HMAC-SHA256 over `timestamp.body`, checked in constant time."""

from __future__ import annotations

import time

from service.webhooks import sign, verify


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
