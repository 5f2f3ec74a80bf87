"""Submit over HTTP → a real `narrate worker` process synthesizes → poll → download with
and without Range → decode and measure; on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import webvtt

from service.api.jobs import SPEECHMARKS_MIME
from tests.audio import decode_to_pcm
from tests.utils.services import SHORT_ARTICLE, Stack
from workers.loudness import measure_file
from workers.master import TARGET_LUFS_MONO

pytestmark = pytest.mark.slow

EDITED_ARTICLE = SHORT_ARTICLE.replace("Traffic is back to normal.", "Buses run again today.")


def test_submit_poll_download(
    make_stack: Callable[..., Stack], database_url: str, tmp_path: Path
) -> None:
    stack = make_stack(database_url=database_url)
    stack.start_api()
    stack.start_worker()

    started = time.perf_counter()
    response = stack.http.post(
        "/v1/jobs",
        json={"text": SHORT_ARTICLE, "title": "Harbor Bridge", "speed": 1.0},
        headers={"Idempotency-Key": "article-1"},
    )
    latency = time.perf_counter() - started
    assert response.status_code == 202, response.text
    accepted = response.json()
    assert latency < 0.5, f"submit took {latency:.3f} s"
    assert response.headers["Location"].endswith(f"/v1/jobs/{accepted['id']}")
    assert response.headers["Idempotency-Key"] == "article-1"
    assert accepted["status"] == "queued"
    assert accepted["links"]["self"] == response.headers["Location"]

    again = stack.http.post(
        "/v1/jobs",
        json={"text": SHORT_ARTICLE, "title": "Harbor Bridge", "speed": 1.0},
        headers={"Idempotency-Key": "article-1"},
    )
    assert again.status_code == 202 and again.json()["id"] == accepted["id"]

    job = stack.wait_job(accepted["id"])
    assert job["status"] == "done", job
    progress = job["progress"]
    assert progress["chunks_done"] == progress["chunks_total"] > 0
    assert progress["percent"] == 100.0
    audio = job["audio"]
    assert audio["format"] == "mp3" and audio["mime"] == "audio/mpeg"
    assert abs(audio["integrated_lufs"] - TARGET_LUFS_MONO) <= 1.0
    assert audio["true_peak_dbtp"] <= -1.0

    # The whole file, then byte ranges of it.
    url = f"/v1/jobs/{job['id']}/audio"
    whole = stack.http.get(url)
    assert whole.status_code == 200
    assert whole.headers["content-type"] == "audio/mpeg"
    assert whole.headers["accept-ranges"] == "bytes"
    assert int(whole.headers["content-length"]) == len(whole.content) == audio["size_bytes"]
    etag = whole.headers["etag"]
    mp3 = tmp_path / "downloaded.mp3"
    mp3.write_bytes(whole.content)
    raw, rate, channels = decode_to_pcm(mp3)
    samples = np.frombuffer(raw, dtype=np.int16)
    assert channels == 1 and rate == 44100
    assert abs(len(samples) / rate - audio["duration_seconds"]) < 0.15
    measured = measure_file(mp3)
    assert abs(measured.integrated_lufs - TARGET_LUFS_MONO) <= 1.0
    assert measured.true_peak_dbtp <= -1.0

    part = stack.http.get(url, headers={"Range": "bytes=100-1099"})
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 100-1099/{len(whole.content)}"
    assert part.content == whole.content[100:1100]
    tail = stack.http.get(url, headers={"Range": "bytes=-500"})
    assert tail.status_code == 206 and tail.content == whole.content[-500:]
    open_ended = stack.http.get(url, headers={"Range": f"bytes={len(whole.content) - 10}-"})
    assert open_ended.status_code == 206 and open_ended.content == whole.content[-10:]
    beyond = stack.http.get(url, headers={"Range": f"bytes={len(whole.content)}-"})
    assert beyond.status_code == 416
    assert beyond.headers["content-range"] == f"bytes */{len(whole.content)}"
    stale = stack.http.get(url, headers={"Range": "bytes=0-9", "If-Range": '"old"'})
    assert stale.status_code == 200 and len(stale.content) == len(whole.content)
    head = stack.http.head(url)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(whole.content))
    assert head.headers["etag"] == etag
    head_range = stack.http.head(url, headers={"Range": "bytes=0-9"})
    assert head_range.status_code == 206 and head_range.headers["content-length"] == "10"

    vtt = stack.http.get(job["links"]["transcript"])
    assert vtt.status_code == 200 and vtt.text.startswith("WEBVTT")
    shown = " ".join(" ".join(cue.text.split()) for cue in webvtt.from_string(vtt.text))
    assert "Harbor Bridge reopened" in shown
    timings = stack.http.get(job["links"]["timings"]).json()
    assert timings["sentences"] and timings["duration"] == pytest.approx(
        audio["duration_seconds"], abs=0.01
    )
    written = [w["text"] for w in timings["words"]]
    assert written[:3] == ["Harbor", "Bridge", "Reopens"] and "$1.5 billion" in written
    marks = stack.http.get(job["links"]["speechmarks"])
    assert marks.status_code == 200 and marks.headers["content-type"] == SPEECHMARKS_MIME
    lines = [json.loads(line) for line in marks.text.splitlines()]
    assert len(lines) == len(timings["sentences"]) + len(timings["words"])

    # An edited resubmit synthesizes only the chunk that changed.
    edited = stack.submit(text=EDITED_ARTICLE, title="Harbor Bridge", speed=1.0)
    edited_job = stack.wait_job(edited["id"])
    assert edited_job["status"] == "done"
    p = edited_job["progress"]
    assert 0 < p["chunks_cached"] < p["chunks_total"]

    metrics = stack.http.get("/metrics").text
    assert 'narrate_jobs_total{status="done"} 2.0' in metrics
    assert "narrate_chunk_synthesis_seconds_count" in metrics
    assert "narrate_queue_depth" in metrics
    assert "narrate_real_time_factor" in metrics

    # A finished job is deleted with its files.
    assert stack.http.delete(f"/v1/jobs/{job['id']}").status_code == 204
    assert stack.http.get(f"/v1/jobs/{job['id']}").status_code == 404
    assert stack.http.get(url).status_code == 404
    assert not (stack.settings.resolved_storage_dir() / "jobs" / job["id"]).exists()


def test_health_and_readiness(make_stack: Callable[..., Stack]) -> None:
    stack = make_stack()
    stack.start_api()
    assert stack.http.get("/healthz").json() == {"status": "ok"}
    ready = stack.http.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"] == {"redis": "ok", "database": "ok", "storage": "ok"}
    voices = stack.http.get("/v1/voices").json()
    assert [v["id"] for v in voices if v["default"]] == ["en_US-joe-medium"]
    docs = stack.http.get("/docs")
    assert docs.status_code == 200
    schema = stack.http.get("/openapi.json").json()
    article = schema["components"]["schemas"]["ArticleIn"]
    assert article["examples"][0]["text"]


def test_readyz_reports_unreachable_redis(make_stack: Callable[..., Stack]) -> None:
    from service.embedded_redis import free_port

    stack = make_stack()
    stack.settings = stack.settings.model_copy(
        update={"redis_url": f"redis://127.0.0.1:{free_port()}/0"}
    )
    stack.start_api()
    ready = stack.http.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"]["redis"] != "ok"
    assert ready.json()["checks"]["database"] == "ok"
