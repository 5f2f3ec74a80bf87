"""Signed job-status callbacks: HMAC-SHA256 over `timestamp.body`, sent by the safe fetch
helper (`service.fetch`: public addresses only, no redirects, a total deadline)."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from typing import TYPE_CHECKING, Final

from service.fetch import FetchError, fetch

if TYPE_CHECKING:
    from service.settings import Settings

SIGNATURE_HEADER: Final = "Narrate-Signature"
"""`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`; receivers recompute it with the
shared secret, compare in constant time and refuse old timestamps (replays)."""
TOLERANCE_S: Final = 300
MAX_RESPONSE_BYTES: Final = 64 * 1024
"""A receiver's answer is not used; more than this is a misbehaving receiver."""
UNSIGNED_WARNING: Final = (
    "NARRATE_WEBHOOK_SECRET is not set: job callbacks (callback_url) are sent unsigned, so "
    "receivers cannot tell them from forgeries; set a secret and verify the "
    f"{SIGNATURE_HEADER} header (see README, Webhooks)"
)


class WebhookError(Exception):
    """The receiver could not be reached or did not answer 2xx (retried with backoff)."""


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


def warn_if_unsigned(settings: Settings, logger: logging.Logger) -> bool:
    """Log a warning at start-up when callbacks would go out unsigned; True if it did."""
    if settings.webhook_secret:
        return False
    logger.warning(UNSIGNED_WARNING)
    return True


def deliver(
    url: str, body: bytes, secret: str, timeout: float, *, allow_private: bool = False
) -> int:
    """POST `body` to `url` within `timeout` seconds in all; the status code on 2xx, else
    `WebhookError`. Private addresses are refused unless `allow_private`."""
    headers = {"Content-Type": "application/json", "User-Agent": "Narrate-Webhook/1"}
    if secret:
        headers[SIGNATURE_HEADER] = sign(secret, body, int(time.time()))
    try:
        response = fetch(
            "POST",
            url,
            body=body,
            headers=headers,
            timeout=timeout,
            max_bytes=MAX_RESPONSE_BYTES,
            allow_private=allow_private,
        )
    except FetchError as exc:
        raise WebhookError(str(exc)) from exc
    if not 200 <= response.status < 300:
        raise WebhookError(f"receiver answered {response.status}")
    return response.status
