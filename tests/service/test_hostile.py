"""The hostile-input suite, against the real service (API under uvicorn, a real Celery
worker, Redis, SQLite, the real voice): every class of hostile text the front-end knows
(`tests/workers/text/hostile_inputs.py`), hostile callback URLs, byte ranges, bodies and
headers. Each request gets a 4xx or a job that ends `done`/`failed` within a bound; the
server never answers 5xx; afterwards no worker is still busy, and a bystander's job and feed
are as they were."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, Final

import pytest

from tests.utils.services import SHORT_ARTICLE, Stack, wait_for
from tests.workers.text.hostile_inputs import BOMB_WORD, CASES, HostileCase
from workers.text.prepare import InputFormat

pytestmark = pytest.mark.slow

SIZE: Final = 160
"""Characters of each hostile text: enough to hit every class, little enough to speak."""
JOB_BOUND_S: Final = 90.0
"""No job may run (started → finished) longer than this."""
ALL_DONE_S: Final = 600.0
PRIVATE_CALLBACKS: Final = [
    "http://127.0.0.1:8000/hook",
    "http://localhost/hook",
    "http://10.0.0.7/hook",
    "http://192.168.1.1/hook",
    "http://169.254.169.254/latest/meta-data",
    "http://[::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://0.0.0.0/hook",
]
BOMB_COPIES: Final = 80
"""Copies of the next word in each lexicon entry (the API caps a replacement at 500 chars)."""


def article_for(case: HostileCase) -> dict[str, Any]:
    text = case.make(SIZE)
    body: dict[str, Any] = (
        {"html": text} if case.input_format is InputFormat.HTML else {"text": text}
    )
    if case.lexicon is not None:
        words = [BOMB_WORD[:-1] + chr(ord(BOMB_WORD[-1]) + i) for i in range(5)]
        body["lexicon"] = [
            {"word": word, "replacement": " ".join([following] * BOMB_COPIES)}
            for word, following in itertools.pairwise(words)
        ]
    return body


def no_5xx(response: Any) -> Any:
    assert response.status_code < 500, (response.request.url, response.text[:500])
    return response


@pytest.fixture
def stack(make_stack: Callable[..., Stack]) -> Stack:
    stack = make_stack(
        task_soft_time_limit_s=60,
        task_time_limit_s=75,
        allow_private_urls=False,
        forwarded_allow_ips="192.0.2.1",  # a proxy elsewhere: this test client is not one
        max_active_jobs_per_key=0,  # quotas off: every hostile class must reach a worker
        submits_per_minute=0,
    )
    stack.start_api()
    stack.start_worker()
    return stack


def bystander(stack: Stack) -> tuple[dict[str, Any], bytes, str]:
    """A finished job in a feed, made before the hostile requests."""
    feed = {
        "slug": "calm", "title": "Calm news", "description": "Stories read aloud.",
        "author": "Desk", "owner_name": "Desk", "owner_email": "desk@example.org",
    }  # fmt: skip
    assert stack.http.post("/v1/feeds", json=feed).status_code == 201
    job = stack.wait_job(stack.submit(text=SHORT_ARTICLE, feed="calm")["id"], 120)
    assert job["status"] == "done", job
    audio = stack.http.get(job["links"]["audio"]).content
    # The episode is added just after the job is marked done: wait for it.
    episodes = wait_for(
        lambda: stack.http.get("/v1/feeds/calm").json().get("episodes"), 30, "the episode"
    )
    return job, audio, str(episodes)


@pytest.mark.timeout(ALL_DONE_S + 120)
def test_hostile_requests_end_cleanly_and_harm_no_one(stack: Stack) -> None:
    before_job, before_audio, before_feed = bystander(stack)

    # Requests refused at the door: never a 5xx, mostly a 4xx with a message.
    for url in PRIVATE_CALLBACKS:
        response = no_5xx(
            stack.http.post("/v1/jobs", json={"text": SHORT_ARTICLE, "callback_url": url})
        )
        assert response.status_code == 422, (url, response.text)
        assert response.json()["field"] == "callback_url"
    for raw in (b"{", b"\xff\xfe", b'{"text": "\\ud800"', b"[]", b"null", b'{"text": 1}'):
        response = no_5xx(
            stack.http.post("/v1/jobs", content=raw, headers={"Content-Type": "application/json"})
        )
        assert 400 <= response.status_code < 500
    audio_url = before_job["links"]["audio"]
    for value in ("bytes=" + "9" * 5000 + "-", "bytes=-" + "9" * 5000, "bytes=0-" + "1" * 5000):
        no_5xx(stack.http.get(audio_url, headers={"Range": value}))
    no_5xx(stack.http.get("/feeds/calm.xml", headers={"X-Forwarded-Host": "evil.example"}))
    assert (
        "evil.example"
        not in stack.http.get("/feeds/calm.xml", headers={"X-Forwarded-Host": "evil.example"}).text
    )

    # Every hostile class as an article: a 4xx, or a job that ends within the bound.
    submitted: dict[str, str] = {}
    for case in CASES:
        # JSON with escapes (\\ud800): how a client sends text that is not valid Unicode.
        body = json.dumps({"speed": 2.0, **article_for(case)}).encode()
        response = no_5xx(
            stack.http.post("/v1/jobs", content=body, headers={"Content-Type": "application/json"})
        )
        if response.status_code == 202:
            submitted[case.name] = response.json()["id"]
        else:
            assert response.status_code in (413, 422, 429), (case.name, response.text)
            assert response.json()["message"], case.name
    assert len(submitted) >= len(CASES) // 2, "most hostile texts should be accepted as jobs"

    deadline = time.monotonic() + ALL_DONE_S
    ended: dict[str, dict[str, Any]] = {}
    while len(ended) < len(submitted):
        assert time.monotonic() < deadline, sorted(set(submitted) - set(ended))
        for name, job_id in submitted.items():
            if name not in ended:
                job = stack.job(job_id)
                if job["status"] in ("done", "failed"):
                    ended[name] = job
        time.sleep(0.5)
    took = {
        name: (
            datetime.fromisoformat(job["finished_at"]) - datetime.fromisoformat(job["started_at"])
        ).total_seconds()
        for name, job in ended.items()
        if job["started_at"]
    }
    slow = {name: round(seconds, 1) for name, seconds in took.items() if seconds > JOB_BOUND_S}
    assert slow == {}
    for name, job in ended.items():
        if job["status"] == "failed":
            assert job["error"] and len(job["error"]) <= 300, name
            assert "internal error" not in job["error"], (name, job["error"])

    # No worker is still held: a small job right after is done quickly.
    probe = stack.submit(text="A last short sentence.")["id"]
    assert stack.wait_job(probe, 60)["status"] == "done"

    # The bystander is untouched.
    after = stack.job(before_job["id"])
    assert after["status"] == "done" and after["audio"] == before_job["audio"]
    assert stack.http.get(audio_url).content == before_audio
    assert str(stack.http.get("/v1/feeds/calm").json().get("episodes")) == before_feed
