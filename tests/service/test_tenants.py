"""Keys are tenants: a key reaches only its own jobs and feeds (another's answer 404, as if
absent), an admin key reaches all; and with keys set, listening stays public through the
read-only `/listen/{id}/...` paths the player pages use."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import httpx
import numpy as np
import pytest
import redis
from fastapi import FastAPI
from fastapi.routing import APIRoute

from tests.audio import decode_to_pcm
from tests.service.conftest import make_settings
from tests.utils.services import SHORT_ARTICLE, Stack, claim_redis_db, wait_for

KEYS: Final = {"a": "key-of-tenant-a", "b": "key-of-tenant-b", "admin": "key-of-the-admin"}
SETTINGS: Final = {"api_keys": f"{KEYS['a']},{KEYS['b']}", "admin_api_keys": KEYS["admin"]}
OWNED_PREFIXES: Final = ("/v1/jobs", "/v1/feeds")
"""Every route under these with a path parameter acts on one tenant's job or feed."""


def auth(who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {KEYS[who]}"}


def feed_body(slug: str) -> dict[str, Any]:
    return {
        "slug": slug, "title": f"Feed {slug}", "description": "Stories read aloud.",
        "author": "Desk", "owner_name": "Desk", "owner_email": "desk@example.org",
    }  # fmt: skip


def submit(http: httpx.Client, who: str, **article: Any) -> str:
    body = {"text": SHORT_ARTICLE, "speed": 2.0, **article}
    response = http.post("/v1/jobs", json=body, headers=auth(who))
    assert response.status_code == 202, response.text
    return response.json()["id"]


def test_keys_reach_only_their_own_jobs_and_feeds(make_stack: Callable[..., Stack]) -> None:
    stack = make_stack(**SETTINGS)
    stack.start_api()
    http = stack.http
    job = submit(http, "a")
    assert http.post("/v1/feeds", json=feed_body("a-news"), headers=auth("a")).status_code == 201

    # B: A's job and feed answer exactly as things that do not exist.
    absent_job = http.get(f"/v1/jobs/{uuid.uuid4().hex}", headers=auth("b"))
    absent_feed = http.get("/v1/feeds/no-such-feed", headers=auth("b"))
    for response, absent in [
        (http.get(f"/v1/jobs/{job}", headers=auth("b")), absent_job),
        (http.delete(f"/v1/jobs/{job}", headers=auth("b")), absent_job),
        (http.get("/v1/feeds/a-news", headers=auth("b")), absent_feed),
        (http.patch("/v1/feeds/a-news", json={"title": "Mine"}, headers=auth("b")), absent_feed),
        (http.delete("/v1/feeds/a-news", headers=auth("b")), absent_feed),
    ]:
        assert response.status_code == absent.status_code == 404, response.text
        assert response.json()["type"] == absent.json()["type"]
    # Submitting into A's feed is refused as for a feed that does not exist.
    into_a = http.post("/v1/jobs", json={"text": "Hi.", "feed": "a-news"}, headers=auth("b"))
    into_none = http.post("/v1/jobs", json={"text": "Hi.", "feed": "no-such"}, headers=auth("b"))
    assert into_a.status_code == into_none.status_code == 422
    assert into_a.json()["field"] == into_none.json()["field"] == "feed"

    # Nothing of A's changed; A still reaches both.
    assert http.get(f"/v1/jobs/{job}", headers=auth("a")).json()["status"] == "queued"
    assert http.get("/v1/feeds/a-news", headers=auth("a")).json()["title"] == "Feed a-news"

    # The same Idempotency-Key is each key's own: B's is another job, not A's (nor a 409).
    once = {"Idempotency-Key": "article-1"}
    a_first = http.post("/v1/jobs", json={"text": "A's story."}, headers=auth("a") | once)
    b_first = http.post("/v1/jobs", json={"text": "B's story."}, headers=auth("b") | once)
    a_again = http.post("/v1/jobs", json={"text": "A's story."}, headers=auth("a") | once)
    assert a_first.status_code == b_first.status_code == a_again.status_code == 202
    assert a_again.json()["id"] == a_first.json()["id"] != b_first.json()["id"]

    # The admin key sees and manages everything.
    assert http.get(f"/v1/jobs/{job}", headers=auth("admin")).status_code == 200
    patched = http.patch("/v1/feeds/a-news", json={"title": "Edited"}, headers=auth("admin"))
    assert patched.status_code == 200 and patched.json()["title"] == "Edited"
    assert http.delete(f"/v1/jobs/{job}", headers=auth("admin")).status_code == 202
    assert http.delete("/v1/feeds/a-news", headers=auth("admin")).status_code == 204

    # Jobs are owned by the key's id, a digest: the key itself is stored nowhere.
    expected_owner = hashlib.sha256(KEYS["a"].encode()).hexdigest()[:16]
    assert stack.store.get(job).request.owner == expected_owner
    assert stack.store.get(job, owner=expected_owner).id == job
    stored = b"".join(p.read_bytes() for p in Path(stack.tmp).glob("narrate.db*"))
    assert expected_owner.encode() in stored
    assert not any(key.encode() in stored for key in KEYS.values())


# --- with a finished job: every endpoint, and public listening -----------------------------


@dataclass
class Published:
    """A's finished job in A's feed (as an episode); B's queued job; the stack with keys."""

    stack: Stack
    job: str
    episode: str
    b_job: str
    duration: float


def _listen(http: httpx.Client, job_id: str) -> dict[str, Any]:
    response = http.get(f"/listen/{job_id}/status")  # no key: the public path
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="module")
def published(
    redis_address: tuple[str, int], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Published]:
    tmp = tmp_path_factory.mktemp("tenants")
    host, port = redis_address
    db = claim_redis_db(host, port)
    settings = make_settings(
        tmp,
        redis_url=f"redis://{host}:{port}/{db}",
        database_url=f"sqlite:///{tmp / 'narrate.db'}",
        **SETTINGS,
    )
    stack = Stack(settings, tmp)
    try:
        stack.start_api()
        stack.start_worker()
        http = stack.http
        job = submit(http, "a")
        done = wait_for(
            lambda: (s := _listen(http, job))["status"] in ("done", "failed") and s,
            120,
            f"job {job} to end",
            every=0.2,
        )
        assert done["status"] == "done", done
        for worker in stack.workers:
            worker.stop()  # the audio is stored; nothing else needs a worker
        assert (
            http.post("/v1/feeds", json=feed_body("a-news"), headers=auth("a")).status_code == 201
        )
        episode = http.post("/v1/feeds/a-news/episodes", json={"job_id": job}, headers=auth("a"))
        assert episode.status_code == 201, episode.text
        b_job = submit(http, "b")
        yield Published(stack, job, episode.json()["id"], b_job, done["duration_seconds"])
    finally:
        stack.close()
        client = redis.Redis(host=host, port=port, db=db)
        client.flushdb()
        client.close()


def api_routes(app: FastAPI) -> Iterator[APIRoute]:
    """Every API route of the app, through included routers too (FastAPI ≥ 0.165 keeps an
    included router as one entry of `app.routes`; older versions list its routes flat)."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:
        yield from (route for route in app.routes if isinstance(route, APIRoute))
        return
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, APIRoute):
            yield context.original_route


def owned_routes(stack: Stack) -> list[tuple[str, APIRoute]]:
    """(method, route) for every route of the running app that acts on one job or feed:
    walked from `app.routes`, so an endpoint added later is covered without a change here."""
    assert stack.api is not None
    return [
        (method, route)
        for route in api_routes(stack.api.app)
        if route.path.startswith(OWNED_PREFIXES) and "{" in route.path
        for method in sorted(route.methods)
    ]


def _call(
    http: httpx.Client, method: str, route: APIRoute, params: dict[str, str], who: str
) -> httpx.Response:
    path = route.path
    for name in route.param_convertors:
        assert name in params, f"{route.path}: give the walk a value for {{{name}}}"
        path = path.replace(f"{{{name}}}", params[name])
    body: dict[str, Any] | None = None
    if route.body_field is not None:
        examples = {
            "/v1/feeds/{slug}": {"title": "Taken over"},
            "/v1/feeds/{slug}/episodes": {"job_id": params["job_id"]},
        }
        assert route.path in examples, f"{method} {route.path}: give the walk an example body"
        body = examples[route.path]
    return http.request(method, path, json=body, headers=auth(who))


def test_no_job_or_feed_endpoint_answers_another_key(published: Published) -> None:
    """B calls every job and feed endpoint on A's things (delete, patch, episodes, audio,
    transcript, timings…): each answers 404 exactly as for a thing that does not exist, and
    nothing of A's changes. A and the admin reach the same paths."""
    stack, http = published.stack, published.stack.http
    routes = owned_routes(stack)
    paths = {route.path for _, route in routes}
    assert {"/v1/jobs/{job_id}/audio", "/v1/feeds/{slug}/episodes/{episode_id}"} <= paths
    a_things = {"job_id": published.job, "slug": "a-news", "episode_id": published.episode}
    absent = {"job_id": uuid.uuid4().hex, "slug": "no-such-feed", "episode_id": uuid.uuid4().hex}
    before = http.get("/v1/feeds/a-news", headers=auth("a")).json()

    leaks = []
    for method, route in routes:
        answer = _call(http, method, route, a_things, "b")
        baseline = _call(http, method, route, absent, "b")
        same = answer.status_code == baseline.status_code == 404 and (
            method == "HEAD" or answer.json()["type"] == baseline.json()["type"]
        )
        if not same:
            leaks.append(f"{method} {route.path}: {answer.status_code} {answer.text[:120]}")
    assert leaks == []

    assert http.get("/v1/feeds/a-news", headers=auth("a")).json() == before
    assert http.get(f"/v1/jobs/{published.job}", headers=auth("a")).json()["status"] == "done"
    # A's feed cannot take B's job either.
    theirs = http.post(
        "/v1/feeds/a-news/episodes", json={"job_id": published.b_job}, headers=auth("a")
    )
    assert theirs.status_code == 404

    for who in ("a", "admin"):
        for method, route in routes:
            if method in ("GET", "HEAD"):
                answer = _call(http, method, route, a_things, who)
                assert answer.status_code == 200, (who, method, route.path, answer.text)


def test_listening_is_public_while_the_job_api_needs_a_key(
    published: Published, tmp_path: Path
) -> None:
    http, job = published.stack.http, published.job
    assert http.get(f"/v1/jobs/{job}").status_code == 401
    assert http.get(f"/v1/jobs/{job}/audio").status_code == 401

    # The player page, and the script it runs, use only the public paths.
    page = http.get(f"/jobs/{job}")
    assert page.status_code == 200 and f'data-job-id="{job}"' in page.text
    script = http.get("/static/player.js").text
    assert "/listen/" in script and "/v1/jobs/${" not in script

    status = _listen(http, job)
    assert set(status) == {
        "id",
        "status",
        "title",
        "percent",
        "eta_seconds",
        "duration_seconds",
        "links",
    }
    assert status["status"] == "done" and status["percent"] == 100.0
    assert http.get(f"/listen/{job}/status").headers["cache-control"] == "no-store"

    # The audio, as a browser's <audio> asks for it (ranges), without a key.
    audio_url = status["links"]["audio"]
    head = http.head(audio_url)
    assert head.status_code == 200 and head.headers["accept-ranges"] == "bytes"
    size = int(head.headers["content-length"])
    first = http.get(audio_url, headers={"Range": "bytes=0-999"})
    rest = http.get(audio_url, headers={"Range": "bytes=1000-"})
    assert first.status_code == rest.status_code == 206
    assert rest.headers["content-range"] == f"bytes 1000-{size - 1}/{size}"
    mp3 = tmp_path / "listened.mp3"
    mp3.write_bytes(first.content + rest.content)
    assert len(first.content + rest.content) == size
    raw, rate, channels = decode_to_pcm(mp3)
    samples = np.frombuffer(raw, dtype=np.int16)
    assert channels == 1 and abs(len(samples) / rate - status["duration_seconds"]) < 0.15
    assert np.abs(samples).max() > 1000  # speech, not silence
    keyed = http.get(f"/v1/jobs/{job}/audio", headers=auth("a"))
    assert keyed.content == first.content + rest.content

    timings = http.get(status["links"]["timings"])
    assert timings.status_code == 200 and timings.json()["sentences"]
    assert timings.json() == http.get(f"/v1/jobs/{job}/timings.json", headers=auth("a")).json()
    vtt = http.get(status["links"]["transcript"])
    assert vtt.status_code == 200 and vtt.text.startswith("WEBVTT")

    # A job still queued: status, but no audio yet; an unknown id: 404.
    queued = _listen(http, published.b_job)
    assert queued["status"] == "queued" and queued["links"]["audio"] is None
    assert http.get(f"/listen/{published.b_job}/audio").status_code == 409
    assert http.get(f"/listen/{uuid.uuid4().hex}/status").status_code == 404
