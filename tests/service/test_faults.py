"""Faults, each a test: a worker SIGKILLed mid-job, Redis restarted mid-job, a webhook
target that is down, and DELETE during a running job.

Redis restart: the embedded Redis (and the one in compose.yaml) keeps an append-only file,
so queued and unacknowledged tasks survive a restart and the job completes. With a Redis
that loses its data, the job's remaining tasks are lost: it stays `running`; DELETE it and
submit again (the chunks already synthesized come from the cache).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from service.embedded_redis import EmbeddedRedis, free_port
from service.fetch import UNREACHABLE
from service.webhooks import SIGNATURE_HEADER, verify
from tests.audio import decode_to_pcm
from tests.service.conftest import WEBHOOK_SECRET
from tests.utils.services import SHORT_ARTICLE, Stack, wait_for

pytestmark = pytest.mark.slow

TOPICS = [
    "river", "harbor", "market", "school", "library", "station", "garden", "stadium",
    "museum", "bridge", "tunnel", "airport", "hospital", "theater",
]  # fmt: skip
LONG_ARTICLE = "\n\n".join(
    f"The {topic} project moved ahead on Monday after a long delay. "
    f"Officials said the {topic} would open to the public next spring."
    for topic in TOPICS
)
SENTENCES = 2 * len(TOPICS)


def running_with_progress(stack: Stack, job_id: str, at_least: int = 1) -> dict:
    return stack.wait_job(job_id, 60, ("running",)) and wait_for(
        lambda: (j := stack.job(job_id))["progress"]["chunks_done"] >= at_least and j,
        60,
        "some chunks to be done",
        every=0.05,
    )


def check_audio(stack: Stack, job: dict, tmp_path: Path) -> None:
    """The delivered audio decodes, is as long as reported, and its transcript lists every
    sentence exactly once (no chunk stitched twice)."""
    response = stack.http.get(job["links"]["audio"])
    assert response.status_code == 200
    path = tmp_path / f"{job['id']}.mp3"
    path.write_bytes(response.content)
    raw, rate, _ = decode_to_pcm(path)
    assert abs(len(raw) / 2 / rate - job["audio"]["duration_seconds"]) < 0.15
    timings = stack.http.get(job["links"]["timings"]).json()
    texts = [s["text"] for s in timings["sentences"]]
    assert len(texts) == SENTENCES == len(set(texts))


def test_worker_killed_mid_job(make_stack: Callable[..., Stack], tmp_path: Path) -> None:
    stack = make_stack(visibility_timeout_s=3)
    stack.start_api()
    worker = stack.start_worker()
    job_id = stack.submit(text=LONG_ARTICLE, speed=1.0)["id"]
    seen = running_with_progress(stack, job_id, at_least=2)
    assert seen["progress"]["chunks_done"] < seen["progress"]["chunks_total"]
    worker.kill()
    before = stack.job(job_id)["progress"]
    stack.start_worker()

    most = 0
    while (job := stack.job(job_id))["status"] not in ("done", "failed", "cancelled"):
        most = max(most, job["progress"]["chunks_done"])
        assert job["progress"]["chunks_done"] <= job["progress"]["chunks_total"]
        time.sleep(0.1)
    assert job["status"] == "done", job
    assert most <= job["progress"]["chunks_total"]
    assert job["progress"]["chunks_done"] == job["progress"]["chunks_total"]
    assert job["progress"]["chunks_done"] >= before["chunks_done"]
    check_audio(stack, job, tmp_path)
    jobs_dir = stack.settings.resolved_storage_dir() / "jobs" / job_id
    assert sorted(p.name for p in jobs_dir.iterdir()) == [
        "audio.mp3",
        "speechmarks.jsonl",
        "timings.json",
        "transcript.vtt",
    ]


def test_redis_restarted_mid_job(make_stack: Callable[..., Stack], tmp_path: Path) -> None:
    redis_server = EmbeddedRedis(tmp_path / "redis").start()
    stack = make_stack(redis_url=redis_server.url, visibility_timeout_s=3)
    try:
        stack.start_api()
        stack.start_worker()
        job_id = stack.submit(text=LONG_ARTICLE, speed=1.0)["id"]
        running_with_progress(stack, job_id, at_least=1)
        redis_server.stop()
        time.sleep(1.0)
        redis_server.start()
        job = stack.wait_job(job_id, timeout=120)
        assert job["status"] == "done", job
        check_audio(stack, job, tmp_path)
    finally:
        for worker in stack.workers:
            worker.stop()
        redis_server.stop()


class Receiver(BaseHTTPRequestHandler):
    calls: list[tuple[dict[str, str], bytes]]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.calls.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver_port() -> Iterator[int]:
    yield free_port()


def test_webhook_target_down_then_up(make_stack: Callable[..., Stack], receiver_port: int) -> None:
    stack = make_stack(public_base_url="https://narrate.example.org")
    stack.start_api()
    stack.start_worker()
    callback = f"http://127.0.0.1:{receiver_port}/hook"
    job_id = stack.submit(text=SHORT_ARTICLE, callback_url=callback)["id"]
    job = stack.wait_job(job_id)
    assert job["status"] == "done"
    failed = wait_for(
        lambda: (j := stack.job(job_id))["webhook"]["attempts"] >= 2 and j, 30, "retries"
    )
    assert failed["status"] == "done"
    assert failed["webhook"]["delivered"] is False
    assert failed["webhook"]["last_error"] == UNREACHABLE  # the same for closed or refused

    Receiver.calls = []
    server = ThreadingHTTPServer(("127.0.0.1", receiver_port), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        delivered = wait_for(
            lambda: (j := stack.job(job_id))["webhook"]["delivered"] and j, 30, "delivery"
        )
    finally:
        server.shutdown()
        server.server_close()
    assert delivered["status"] == "done"
    assert delivered["webhook"]["last_error"] is None
    headers, body = Receiver.calls[-1]
    assert verify(WEBHOOK_SECRET, body, headers[SIGNATURE_HEADER])
    assert not verify("another secret", body, headers[SIGNATURE_HEADER])
    payload = json.loads(body)
    assert payload["id"] == job_id and payload["status"] == "done"
    # Exactly the public representation (the webhook's own state moves on as it is sent).
    public = stack.job(job_id)
    assert {**payload, "webhook": None} == {**public, "webhook": None}
    assert "audio_key" not in body.decode() and "request" not in payload


def test_webhook_never_reachable_leaves_job_done(make_stack: Callable[..., Stack]) -> None:
    stack = make_stack(webhook_attempts=3, webhook_backoff_s=0.1)
    stack.start_api()
    stack.start_worker()
    job_id = stack.submit(text=SHORT_ARTICLE, callback_url=f"http://127.0.0.1:{free_port()}/")["id"]
    job = wait_for(
        lambda: (j := stack.job(job_id))["webhook"]["attempts"] >= 3 and j, 60, "3 attempts"
    )
    time.sleep(1.0)  # no fourth attempt
    job = stack.job(job_id)
    assert job["status"] == "done"
    assert job["webhook"] == {
        "attempts": 3,
        "delivered": False,
        "last_error": job["webhook"]["last_error"],
    }
    assert job["webhook"]["last_error"]


def test_delete_stops_a_running_job(make_stack: Callable[..., Stack]) -> None:
    stack = make_stack()
    stack.start_api()
    stack.start_worker()
    job_id = stack.submit(text=LONG_ARTICLE, speed=1.0)["id"]
    running_with_progress(stack, job_id, at_least=1)
    response = stack.http.delete(f"/v1/jobs/{job_id}")
    assert response.status_code == 202
    assert response.json()["status"] == "cancelled"
    at_cancel = response.json()["progress"]["chunks_done"]
    time.sleep(3.0)
    job = stack.job(job_id)
    assert job["status"] == "cancelled"
    # At most the chunks already in the pool's hands finish; the rest are never worked on.
    assert job["progress"]["chunks_done"] <= at_cancel + 2 < job["progress"]["chunks_total"]
    assert stack.http.get(f"/v1/jobs/{job_id}/audio").status_code == 409
    wait_for(lambda: stack.queued_messages() == 0, 10, "the queue to drain")
    assert stack.http.delete(f"/v1/jobs/{job_id}").status_code == 204
    assert stack.http.get(f"/v1/jobs/{job_id}").status_code == 404
