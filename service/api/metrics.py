"""/metrics for Prometheus.

Two kinds of figures, both cheap to scrape:
- this API process's HTTP requests (count and latency by method, route template, status),
  kept in memory by `HttpMetrics`;
- the work of every worker, from Redis at scrape time (`service.job_events` keeps the
  counters and histogram buckets in one hash): jobs by transition, job duration and
  real-time factor histograms, chunk cache hits and misses, chunk synthesis time, queue
  depth, busy worker processes. One pipelined round trip to Redis and one indexed count of
  the unfinished jobs; no table is read in full, however many jobs there have been.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Final

import redis
from fastapi import APIRouter, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
    SummaryMetricFamily,
)
from prometheus_client.registry import Collector

from service.job_events import (
    INF,
    JOB_RTF,
    JOB_SECONDS,
    JOB_SECONDS_BUCKETS,
    RTF_BUCKETS,
    JobEvents,
    bucket_field,
    busy_key,
    metrics_key,
)
from service.settings import Settings
from service.store import JobStatus, JobStore

router = APIRouter(tags=["health"])

REQUEST_SECONDS_BUCKETS: Final = (
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
)


class HttpMetrics:
    """Requests this process answered, by method, route template and status."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "narrate_http_requests",
            "HTTP requests answered, by route template",
            ["method", "route", "status"],
            registry=registry,
        )
        self.latency = Histogram(
            "narrate_http_request_duration_seconds",
            "Time to answer an HTTP request (the whole body sent), by route template",
            ["method", "route"],
            buckets=REQUEST_SECONDS_BUCKETS,
            registry=registry,
        )

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)


def _histogram(
    name: str, documentation: str, counts: dict[str, float], key: str, bounds: tuple[float, ...]
) -> HistogramMetricFamily:
    """A histogram from the hash's per-bucket counts (made cumulative here)."""
    buckets, running = [], 0.0
    for bound in (*bounds, INF):
        running += counts.get(bucket_field(key, bound), 0.0)
        buckets.append((str(bound) if bound == INF else repr(float(bound)), running))
    return HistogramMetricFamily(
        name, documentation, buckets=buckets, sum_value=counts.get(f"{key}_sum", 0.0)
    )


class NarrateCollector(Collector):
    def __init__(self, settings: Settings, store: JobStore, events: JobEvents) -> None:
        self.settings = settings
        self.store = store
        self.events = events  # its Redis client: the one the counters are written with

    def _from_redis(self) -> tuple[dict[str, float], float, float]:
        """(the counters hash, queue depth, busy worker processes); NaN figures when Redis
        cannot be read."""
        try:
            pipe = self.events.redis.pipeline(transaction=False)
            pipe.hgetall(metrics_key(self.settings))
            pipe.llen(self.settings.queue_name)
            pipe.zremrangebyscore(busy_key(self.settings), "-inf", time.time())
            pipe.zcard(busy_key(self.settings))
            raw, depth, _, busy = pipe.execute()
        except (redis.RedisError, RuntimeError):
            return {}, float("nan"), float("nan")
        counts = {k.decode(): float(v) for k, v in raw.items()}
        return counts, float(depth), float(busy)

    def collect(self) -> Iterator[Metric]:
        counts, depth, busy = self._from_redis()
        jobs = GaugeMetricFamily(
            "narrate_jobs_active", "Jobs queued or running now", labels=["status"]
        )
        for status, count in self.store.count_unfinished().items():
            jobs.add_metric([status.value], count)
        yield jobs
        transitions = CounterMetricFamily(
            "narrate_jobs",
            "Jobs that reached each status (queued, running, done, failed, cancelled)",
            labels=["status"],
        )
        for status in JobStatus:
            transitions.add_metric([status.value], counts.get(f"jobs_total:{status.value}", 0.0))
        yield transitions
        chunks = CounterMetricFamily(
            "narrate_chunks",
            "Chunks done, by where their audio came from: the chunk cache (hit) or synthesis "
            "(miss)",
            labels=["cache"],
        )
        for result in ("hit", "miss"):
            chunks.add_metric([result], counts.get(f"chunks_total:{result}", 0.0))
        yield chunks
        yield SummaryMetricFamily(
            "narrate_chunk_synthesis_seconds",
            "Seconds spent synthesizing chunks (cache hits excluded)",
            count_value=counts.get("chunk_seconds_count", 0.0),
            sum_value=counts.get("chunk_seconds_sum", 0.0),
        )
        yield _histogram(
            "narrate_job_duration_seconds",
            "Wall-clock seconds from a job's start to its audio being done, over done jobs",
            counts,
            JOB_SECONDS,
            JOB_SECONDS_BUCKETS,
        )
        yield _histogram(
            "narrate_job_real_time_factor",
            "Wall-clock seconds a done job took per second of its audio",
            counts,
            JOB_RTF,
            RTF_BUCKETS,
        )
        audio = counts.get("done_audio_seconds", 0.0)
        yield GaugeMetricFamily(
            "narrate_real_time_factor",
            "Synthesis seconds per second of delivered audio, over done jobs",
            value=counts.get("done_synthesis_seconds", 0.0) / audio if audio else 0.0,
        )
        yield GaugeMetricFamily(
            "narrate_queue_depth", "Tasks waiting in the Redis queue", value=depth
        )
        yield GaugeMetricFamily(
            "narrate_workers_busy", "Worker processes running a job's step now", value=busy
        )


def metrics_registry(
    settings: Settings, store: JobStore, events: JobEvents
) -> tuple[CollectorRegistry, HttpMetrics]:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(NarrateCollector(settings, store, events))
    return registry, HttpMetrics(registry)


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
def metrics(request: Request) -> Response:
    return Response(generate_latest(request.app.state.metrics), media_type=CONTENT_TYPE_LATEST)
