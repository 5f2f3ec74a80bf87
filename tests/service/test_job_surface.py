"""What a caller sees of a job, on one real stack (API, a `narrate worker`, Redis, SQLite):
the job JSON (ISO 8601 times, its voice, the listening page), `narrate submit` pointing at
the page, 304 on the audio's ETag with If-Range still right, and /metrics, read by
Prometheus' own parser, moving with the work and cheap to scrape."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import event

from tests.conftest import run_narrate
from tests.service.conftest import make_settings
from tests.utils.services import SHORT_ARTICLE, Stack, claim_redis_db, wait_for

pytestmark = pytest.mark.slow

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(http: httpx.Client) -> Samples:
    """Every sample of /metrics, parsed by prometheus_client's parser (not ours)."""
    response = http.get("/metrics")
    assert response.status_code == 200
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


@dataclass
class Surface:
    stack: Stack
    job: dict[str, Any]
    before: Samples
    busy_seen: float
    after: Samples


@pytest.fixture(scope="module")
def surface(
    tmp_path_factory: pytest.TempPathFactory, redis_address: tuple[str, int]
) -> Iterator[Surface]:
    """One job, done, with /metrics scraped before it, during it and after it."""
    tmp = tmp_path_factory.mktemp("surface")
    host, port = redis_address
    db = claim_redis_db(host, port)
    settings = make_settings(
        tmp, redis_url=f"redis://{host}:{port}/{db}", database_url=f"sqlite:///{tmp / 'n.db'}"
    )
    stack = Stack(settings, tmp)
    try:
        stack.start_api()
        stack.start_worker(concurrency=1)
        before = scrape(stack.http)
        job_id = stack.submit(text=SHORT_ARTICLE, title="Harbor Bridge")["id"]
        busy = wait_for(
            lambda: value(scrape(stack.http), "narrate_workers_busy"), 60, "a busy worker", 0.05
        )
        job = stack.wait_job(job_id, 120)
        assert job["status"] == "done", job
        yield Surface(stack, job, before, busy, scrape(stack.http))
    finally:
        stack.close()
        client = redis.Redis(host=host, port=port, db=db)
        client.flushdb()
        client.close()


# --- the job JSON ---------------------------------------------------------------------------


def test_job_times_are_iso_8601_and_in_order(surface: Surface) -> None:
    job = surface.job
    times = [datetime.fromisoformat(job[k]) for k in ("created_at", "started_at", "finished_at")]
    assert all(t.utcoffset() is not None and t.utcoffset().total_seconds() == 0 for t in times)
    assert times == sorted(times)
    assert abs((datetime.now(UTC) - times[0]).total_seconds()) < 600
    # The OpenAPI schema says so too, for generated clients.
    schema = surface.stack.http.get("/openapi.json").json()["components"]["schemas"]["JobOut"]
    assert schema["properties"]["created_at"]["format"] == "date-time"


def test_job_voice_and_page_link(surface: Surface) -> None:
    job, http = surface.job, surface.stack.http
    assert job["voice"] == job["audio"]["voice"] == surface.stack.settings.default_voice
    page = http.get(job["links"]["page"])
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert job["id"] in page.text


def test_narrate_submit_prints_the_page(surface: Surface, tmp_path: Path) -> None:
    article = tmp_path / "brief.txt"
    article.write_text("A short note. It is read aloud.\n", encoding="utf-8")
    result = run_narrate("submit", article, "--server", surface.stack.api.url, timeout=60)
    assert result.returncode == 0, result.stderr
    page = result.stdout.split()[-1]
    assert page.startswith(f"{surface.stack.api.url}/jobs/")
    assert surface.stack.http.get(page).status_code == 200


# --- conditional requests on the audio ------------------------------------------------------


@pytest.mark.parametrize("path", ["/v1/jobs/{id}/audio", "/listen/{id}/audio"])
def test_the_audio_etag_gives_304_and_if_range_still_works(surface: Surface, path: str) -> None:
    url = path.format(id=surface.job["id"])
    with httpx.Client(base_url=surface.stack.api.url, timeout=30) as http:
        full = http.get(url)
        assert full.status_code == 200
        etag = full.headers["etag"]
        bare = etag.strip('"')
        for header in (etag, f"W/{etag}", f'"other", {etag}', "*", f'"x",W/"{bare}"'):
            for method in ("GET", "HEAD"):
                again = http.request(method, url, headers={"If-None-Match": header})
                assert again.status_code == 304, (method, header)
                assert again.content == b"" and again.headers["etag"] == etag
        changed = http.get(url, headers={"If-None-Match": '"an-older-version"'})
        assert changed.status_code == 200 and changed.content == full.content
        # If-Range: the same file gives the range; another (or a weak tag) the whole file.
        part = http.get(url, headers={"Range": "bytes=10-19", "If-Range": etag})
        assert part.status_code == 206 and part.content == full.content[10:20]
        for stale in ('"an-older-version"', f"W/{etag}"):
            whole = http.get(url, headers={"Range": "bytes=10-19", "If-Range": stale})
            assert whole.status_code == 200 and whole.content == full.content


# --- /metrics ---------------------------------------------------------------------------------


def test_metrics_move_with_a_job(surface: Surface) -> None:
    before, after = surface.before, surface.after
    for status in ("queued", "running", "done"):
        assert value(after, "narrate_jobs_total", status=status) == (
            value(before, "narrate_jobs_total", status=status) + 1
        )
    chunks = surface.job["progress"]["chunks_total"]
    misses = value(after, "narrate_chunks_total", cache="miss")
    hits = value(after, "narrate_chunks_total", cache="hit")
    earlier = sum(value(before, "narrate_chunks_total", cache=c) for c in ("hit", "miss"))
    assert misses + hits - earlier == chunks and misses >= 1
    assert value(after, "narrate_chunk_synthesis_seconds_count") == misses
    for histogram in ("narrate_job_duration_seconds", "narrate_job_real_time_factor"):
        assert value(after, f"{histogram}_count") == 1
        assert value(after, f"{histogram}_bucket", le="+Inf") == 1
        assert value(after, f"{histogram}_sum") > 0
    took = value(after, "narrate_job_duration_seconds_sum")
    seconds = surface.job["audio"]["duration_seconds"]
    assert value(after, "narrate_job_real_time_factor_sum") == pytest.approx(took / seconds)
    assert surface.busy_seen >= 1 and value(after, "narrate_workers_busy") == 0
    assert value(after, "narrate_queue_depth") == 0
    assert value(after, "narrate_jobs_active", status="running") == 0


def test_requests_are_counted_by_route_template(surface: Surface) -> None:
    after, job_id = surface.after, surface.job["id"]
    polls = value(
        after, "narrate_http_requests_total", method="GET", route="/v1/jobs/{job_id}", status="200"
    )
    assert polls >= 1
    assert (
        value(after, "narrate_http_requests_total", method="POST", route="/v1/jobs", status="202")
        >= 1
    )
    assert (
        value(after, "narrate_http_request_duration_seconds_count", method="POST", route="/v1/jobs")
        >= 1
    )
    labels = {dict(k[1]).get("route", "") for k in after}
    assert not any(job_id in route for route in labels)
    surface.stack.http.get("/no/such/page/" + job_id)
    routes = {dict(k[1]).get("route") for k in scrape(surface.stack.http)}
    assert "unmatched" in routes and not any(r and job_id in r for r in routes)


def test_a_scrape_reads_no_table_in_full(surface: Surface) -> None:
    """Whatever the history, a scrape costs the same: the only SQL it runs looks up the
    unfinished jobs through the status index (SQLite's own query plan says how)."""
    engine = surface.stack.store.engine
    seen: list[tuple[str, Any]] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        scrape(surface.stack.http)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert seen
    with engine.connect() as conn:
        for statement, parameters in seen:
            assert set(parameters) <= {"queued", "running"}, statement
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            details = " ".join(str(row[-1]) for row in plan)
            assert "SCAN" not in details and "USING" in details and "INDEX" in details, details
    assert not math.isnan(value(surface.after, "narrate_queue_depth"))
