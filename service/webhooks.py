"""Signed job-status callbacks: HMAC-SHA256 over `timestamp.body`, sent with httpx."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any, Final

import httpx

SIGNATURE_HEADER: Final = "Narrate-Signature"
"""`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`; receivers recompute it with the
shared secret, compare in constant time and refuse old timestamps (replays)."""
TOLERANCE_S: Final = 300


class WebhookError(Exception):
    """The receiver could not be reached or did not answer 2xx (retried with backoff)."""


def webhook_body(job: Any) -> bytes:
    """The JSON posted when a job ends: what GET /v1/jobs/{id} reports, minus links."""
    payload = {
        "id": job.id,
        "status": job.status.value,
        "error": job.error,
        "result": job.result,
        "finished_at": job.finished_at,
    }
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def sign(secret: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, body: bytes, header: str, now: float | None = None) -> bool:
    """True when `header` signs `body` with `secret` and is recent (for receivers and tests)."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
        signature = parts["v1"]
    except (KeyError, ValueError):
        return False
    if abs((now or time.time()) - timestamp) > TOLERANCE_S:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, signature)


def deliver(url: str, body: bytes, secret: str, timeout: float) -> int:
    """POST `body` to `url`; the status code on 2xx, else `WebhookError`."""
    headers = {"Content-Type": "application/json", "User-Agent": "Narrate-Webhook/1"}
    if secret:
        headers[SIGNATURE_HEADER] = sign(secret, body, int(time.time()))
    try:
        response = httpx.post(url, content=body, headers=headers, timeout=timeout)
    except httpx.HTTPError as exc:
        raise WebhookError(f"{type(exc).__name__}: {exc}") from exc
    if not 200 <= response.status_code < 300:
        raise WebhookError(f"receiver answered {response.status_code}")
    return response.status_code
