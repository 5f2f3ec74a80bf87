"""What happens to jobs, said once: a log line per transition (queued, running, done, failed,
cancelled) with its figures, and the counters `/metrics` reports, kept in one Redis hash so
every API process reports the work of every worker and a scrape reads no table.
"""

from __future__ import annotations

import bisect
import logging
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final

import redis

from service.logs import FIELDS_ATTR, IN_MESSAGE_ATTR
from service.settings import Settings
from service.store import Job

log = logging.getLogger("narrate.jobs")

REDIS_TIMEOUT_S: Final = 2.0
JOB_SECONDS_BUCKETS: Final = (1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0)
"""Bounds of the job duration histogram (started → finished, seconds)."""
RTF_BUCKETS: Final = (0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 5.0)
"""Bounds of the real-time factor histogram (seconds taken per second of audio)."""
JOB_SECONDS: Final = "job_seconds"
JOB_RTF: Final = "job_rtf"
INF: Final = "+Inf"


def metrics_key(settings: Settings) -> str:
    """The Redis hash of counters and histogram buckets (one HGETALL per scrape)."""
    return f"{settings.queue_name}:metrics"


def busy_key(settings: Settings) -> str:
    """The Redis sorted set of worker processes at work (score: when the claim lapses, so a
    process killed mid-task stops counting once its task's time limit has passed)."""
    return f"{settings.queue_name}:metrics:busy"


def bucket_field(histogram: str, bound: float | str) -> str:
    return f"{histogram}_bucket:{bound}"


def bucket_of(value: float, bounds: tuple[float, ...]) -> float | str:
    """The smallest bound `value` fits under (`+Inf` past the last)."""
    at = bisect.bisect_left(bounds, value)
    return bounds[at] if at < len(bounds) else INF


def _seconds(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None


class JobEvents:
    """Logs and counts job transitions and chunk work. Counting is best effort: with Redis
    unreachable a job still runs (the line says so at debug level), and Redis loses counters
    only the way Prometheus expects (a reset)."""

    def __init__(self, settings: Settings, client: redis.Redis | None = None) -> None:
        """`client`: a Redis client to share (the API's, its connections open before the
        first request); None: one of its own, connected on first use (a worker process)."""
        self.settings = settings
        self._client = client

    @property
    def redis(self) -> redis.Redis:
        if self._client is None:
            self._client = redis.Redis.from_url(
                self.settings.required_redis_url(),
                socket_timeout=REDIS_TIMEOUT_S,
                socket_connect_timeout=REDIS_TIMEOUT_S,
            )
        return self._client

    def _update(self, increments: dict[str, float]) -> None:
        try:
            pipe = self.redis.pipeline(transaction=False)
            for name, amount in increments.items():
                pipe.hincrbyfloat(metrics_key(self.settings), name, amount)
            pipe.execute()
        except (redis.RedisError, RuntimeError) as exc:
            log.debug("metrics not counted (%s: %s)", type(exc).__name__, exc)

    def _observe(self, increments: dict[str, float], histogram: str, value: float) -> None:
        bounds = JOB_SECONDS_BUCKETS if histogram == JOB_SECONDS else RTF_BUCKETS
        increments[bucket_field(histogram, bucket_of(value, bounds))] = 1
        increments[f"{histogram}_sum"] = value
        increments[f"{histogram}_count"] = 1

    @staticmethod
    def _line(level: int, job_id: str, status: str, detail: str, **fields: Any) -> None:
        fields = {"job": job_id, "status": status, **fields}
        said = ("job", "status")
        log.log(
            level,
            "job %s %s%s",
            job_id,
            status,
            detail,
            extra={FIELDS_ATTR: fields, IN_MESSAGE_ATTR: said},
        )

    # --- transitions ----------------------------------------------------------------------

    def queued(self, job: Job) -> None:
        req = job.request
        self._update({"jobs_total:queued": 1})
        self._line(
            logging.INFO,
            job.id,
            "queued",
            "",
            chars=len(req.source),
            voice=req.voice,
            format=req.format.value,
            feed=req.feed,
        )

    def running(self, job_id: str, chunks: int, cached: int) -> None:
        self._update({"jobs_total:running": 1, "chunks_total:hit": cached})
        self._line(logging.INFO, job_id, "running", "", chunks=chunks, cached=cached)

    def chunk(self, job_id: str, index: int, seconds: float, cached: bool) -> None:
        if cached:
            self._update({"chunks_total:hit": 1})
        else:
            self._update(
                {"chunks_total:miss": 1, "chunk_seconds_sum": seconds, "chunk_seconds_count": 1}
            )
        how = "from the cache" if cached else f"synthesized in {seconds:.2f} s"
        log.debug("job %s chunk %d %s", job_id, index + 1, how)

    def done(self, job: Job) -> None:
        """`job` just finished, with its result."""
        audio_seconds = job.result.duration if job.result else 0.0
        took = (job.finished_at or time.time()) - (job.started_at or job.created_at)
        waited = (job.started_at or job.created_at) - job.created_at
        rtf = took / audio_seconds if audio_seconds > 0 else None
        increments: dict[str, float] = {
            "jobs_total:done": 1,
            "done_audio_seconds": audio_seconds,
            "done_synthesis_seconds": job.synthesis_seconds,
        }
        self._observe(increments, JOB_SECONDS, took)
        if rtf is not None:
            self._observe(increments, JOB_RTF, rtf)
        self._update(increments)
        self._line(
            logging.INFO,
            job.id,
            "done",
            "",
            chunks=job.chunks_total,
            cached=job.chunks_cached,
            audio_s=_seconds(audio_seconds),
            took_s=_seconds(took),
            waited_s=_seconds(waited),
            rtf=round(rtf, 3) if rtf is not None else None,
        )

    def failed(self, job_id: str, error: str) -> None:
        self._update({"jobs_total:failed": 1})
        self._line(logging.WARNING, job_id, "failed", f": {error}")

    def cancelled(self, job: Job) -> None:
        self._update({"jobs_total:cancelled": 1})
        self._line(
            logging.INFO,
            job.id,
            "cancelled",
            "",
            chunks=job.chunks_total,
            done=job.chunks_done,
            cached=job.chunks_cached,
        )

    # --- workers --------------------------------------------------------------------------

    @contextmanager
    def busy(self) -> Iterator[None]:
        """This worker process counts as busy (`narrate_workers_busy`) while inside."""
        member = f"{socket.gethostname()}:{os.getpid()}"
        lapse = time.time() + self.settings.task_time_limit_s
        key = busy_key(self.settings)
        try:
            self.redis.zadd(key, {member: lapse})
        except (redis.RedisError, RuntimeError) as exc:
            log.debug("busy gauge not set (%s: %s)", type(exc).__name__, exc)
        try:
            yield
        finally:
            try:
                self.redis.zrem(key, member)
            except (redis.RedisError, RuntimeError) as exc:
                log.debug("busy gauge not cleared (%s: %s)", type(exc).__name__, exc)
