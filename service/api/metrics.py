"""/metrics for Prometheus: jobs by status, chunk synthesis time, queue depth, real-time factor.

Figures come from the database and Redis at scrape time, so they are the same whichever
API process is scraped and include work done by every worker.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

import redis
from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric, SummaryMetricFamily
from prometheus_client.registry import Collector

from service.settings import Settings
from service.store import JobStore

router = APIRouter(tags=["health"])

QUEUE_TIMEOUT_S: Final = 2.0


class NarrateCollector(Collector):
    def __init__(self, settings: Settings, store: JobStore) -> None:
        self.settings = settings
        self.store = store

    def collect(self) -> Iterator[Metric]:
        jobs = GaugeMetricFamily("narrate_jobs", "Jobs by status", labels=["status"])
        for status, count in self.store.count_by_status().items():
            jobs.add_metric([status.value], count)
        yield jobs
        count, seconds = self.store.synthesis_totals()
        yield SummaryMetricFamily(
            "narrate_chunk_synthesis_seconds",
            "Seconds spent synthesizing chunks (cache hits excluded)",
            count_value=count,
            sum_value=seconds,
        )
        audio, spent = self.store.done_totals()
        yield GaugeMetricFamily(
            "narrate_real_time_factor",
            "Synthesis seconds per second of delivered audio, over finished jobs",
            value=spent / audio if audio else 0.0,
        )
        depth = GaugeMetricFamily("narrate_queue_depth", "Tasks waiting in the Redis queue")
        try:
            client = redis.Redis.from_url(
                self.settings.required_redis_url(), socket_timeout=QUEUE_TIMEOUT_S
            )
            try:
                depth.add_metric([], client.llen(self.settings.queue_name))
            finally:
                client.close()
        except (redis.RedisError, RuntimeError):
            depth.add_metric([], float("nan"))
        yield depth


def metrics_registry(settings: Settings, store: JobStore) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(NarrateCollector(settings, store))
    return registry


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
def metrics(request: Request) -> Response:
    return Response(generate_latest(request.app.state.metrics), media_type=CONTENT_TYPE_LATEST)
