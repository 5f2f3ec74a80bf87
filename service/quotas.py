"""Per-key quotas on submits, shared by every API process: queued + running jobs (counted in
the database) and submits per minute (a sliding window in Redis)."""

from __future__ import annotations

import logging
import math
import secrets
import time
from typing import Final

import redis
from redis.commands.core import Script

from service.settings import Settings
from service.store import JobStore
from workers.errors import QuotaExceeded

log = logging.getLogger(__name__)

WINDOW_S: Final = 60
"""The rate limit's window: `submits_per_minute` in any 60 seconds."""
ACTIVE_RETRY_AFTER_S: Final = 30
"""`Retry-After` when a key has too many unfinished jobs: when one ends is unknown, so
a short wait to try again."""
POOL_SIZE: Final = 4
"""Redis connections per API process for quota checks, opened at start-up (a check is one
round trip of well under a millisecond, so a burst of submits waits its turn for one)."""
POOL_WAIT_S: Final = 2.0
REDIS_TIMEOUT_S: Final = 2.0
KEY_PREFIX: Final = "narrate:quota:submits:"
OPEN_TENANT: Final = "open"
"""The window of an open API's callers (no keys: one anonymous tenant)."""

# One atomic step per submit: forget submits older than the window, then either record this
# one (-1) or answer how many milliseconds until the oldest leaves the window.
SLIDING_WINDOW: Final = """
local now, window, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window)
  return -1
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
"""


def open_quota_redis(settings: Settings) -> redis.Redis:
    """The API's Redis client for quotas (the broker's Redis), its connections opened now
    so that the first burst of submits opens none. Redis down at start-up is logged, not
    fatal: the connections are made when it is back."""
    pool = redis.BlockingConnectionPool.from_url(
        settings.required_redis_url(),
        max_connections=POOL_SIZE,
        timeout=POOL_WAIT_S,
        socket_timeout=REDIS_TIMEOUT_S,
        socket_connect_timeout=REDIS_TIMEOUT_S,
    )
    connections = []
    try:
        for _ in range(POOL_SIZE):
            connection = pool.get_connection()
            connections.append(connection)
            connection.connect()
    except redis.RedisError as exc:
        log.warning("quotas: could not connect to Redis yet (%s)", type(exc).__name__)
    finally:
        for connection in connections:
            pool.release(connection)
    return redis.Redis(connection_pool=pool)


def _who(owner: str | None) -> str:
    return "this API key" if owner else "this open API (no keys: all callers together)"


class SubmitQuotas:
    """The two limits a submit must fit, checked before the job is made."""

    def __init__(self, settings: Settings, store: JobStore, client: redis.Redis) -> None:
        self.settings = settings
        self.store = store
        self.redis = client
        self._window = Script(client, SLIDING_WINDOW)

    @classmethod
    def open(cls, settings: Settings, store: JobStore) -> SubmitQuotas:
        """The API's quotas, ready before the first submit: Redis connections open, the
        script loaded and the count query compiled (on a fresh API these were most of the
        first submit's extra time). Redis or the database down is logged, not fatal."""
        quotas = cls(settings, store, open_quota_redis(settings))
        try:
            quotas.redis.script_load(SLIDING_WINDOW)
            store.count_active(None)
        except Exception as exc:  # the first submit will try again and say why
            log.warning("quotas: not prepared yet (%s: %s)", type(exc).__name__, exc)
        return quotas

    def check(self, owner: str | None) -> None:
        """Raise `QuotaExceeded` (429 with `Retry-After`) when the key `owner` (None: an
        open API) has too many unfinished jobs or submitted too often in the last minute;
        otherwise count this submit."""
        self._check_active(owner)
        self._check_rate(owner)

    def _check_active(self, owner: str | None) -> None:
        cap = self.settings.max_active_jobs_per_key
        if not cap:
            return
        # Checked, then the job is made: concurrent submits of one key may pass the cap by
        # as many as are in flight at once (the rate limit, which is atomic, bounds those).
        active = self.store.count_active(owner)
        if active >= cap:
            raise QuotaExceeded(
                f"{_who(owner)} has {active} jobs queued or running; the limit is {cap}: "
                "wait for one to finish (or cancel one) and submit again",
                retry_after=ACTIVE_RETRY_AFTER_S,
            )

    def _check_rate(self, owner: str | None) -> None:
        limit = self.settings.submits_per_minute
        if not limit:
            return
        now_ms = int(time.time() * 1000)
        member = f"{now_ms}-{secrets.token_hex(4)}"
        key = KEY_PREFIX + (owner or OPEN_TENANT)
        try:
            wait_ms = int(self._window(keys=[key], args=[now_ms, WINDOW_S * 1000, limit, member]))
        except redis.RedisError as exc:
            # Redis is the queue too: the submit cannot be queued now and answers 503 on
            # its own; refusing it here would only change the message.
            log.warning("quotas: submit rate not checked (%s: %s)", type(exc).__name__, exc)
            return
        if wait_ms >= 0:
            raise QuotaExceeded(
                f"{_who(owner)} made {limit} submits in the last {WINDOW_S} s; the limit is "
                f"{limit} a minute: submit again in {math.ceil(wait_ms / 1000)} s",
                retry_after=max(1, math.ceil(wait_ms / 1000)),
            )
