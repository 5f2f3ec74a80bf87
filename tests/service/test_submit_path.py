"""What one submit costs the API process, so a burst of them stays fast: no thread-pool hop
per dependency, no new Redis connection on a freshly started API, no Celery result
subscription per job, and a clear 503 (with the job failed, not lost) when the queue is
down from the start."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import fastapi.dependencies.utils
import httpx
import pytest
import redis

from service.embedded_redis import free_port
from tests.utils.services import SHORT_ARTICLE, Stack

BURST = 12


def _connections(client: redis.Redis, db: int) -> list[dict[str, Any]]:
    return [c for c in client.client_list() if int(c["db"]) == db]


def test_dependencies_do_not_hop_to_the_thread_pool(
    make_stack: Callable[..., Stack], monkeypatch: pytest.MonkeyPatch
) -> None:
    """FastAPI runs a plain `def` dependency in its thread pool: one hop per dependency
    per request. Under a burst those hops, not the work, were most of a submit's wait."""
    hops: list[str] = []
    real = fastapi.dependencies.utils.run_in_threadpool

    async def counting(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        hops.append(getattr(func, "__qualname__", repr(func)))
        return await real(func, *args, **kwargs)

    monkeypatch.setattr(fastapi.dependencies.utils, "run_in_threadpool", counting)
    stack = make_stack()
    stack.start_api()
    job = stack.submit(text=SHORT_ARTICLE)
    assert stack.http.get(f"/v1/jobs/{job['id']}").status_code == 200
    assert stack.http.get("/v1/voices").status_code == 200
    feed = {
        "slug": "daily", "title": "Daily", "description": "Stories read aloud.",
        "author": "Desk", "owner_name": "Desk", "owner_email": "desk@example.org",
    }  # fmt: skip
    assert stack.http.post("/v1/feeds", json=feed).status_code == 201
    assert stack.http.get("/v1/feeds/daily").status_code == 200
    assert stack.http.get("/readyz").status_code == 200
    assert hops == []


def test_a_burst_of_submits_opens_no_redis_connections(
    make_stack: Callable[..., Stack],
) -> None:
    """A fresh API has its queue connections open before the first request, and a submit
    neither opens another nor subscribes to a result channel (results are never read:
    the job's state lives in the store)."""
    stack = make_stack()
    stack.start_api()
    url = stack.settings.required_redis_url()
    db = int(url.rsplit("/", 1)[1])
    admin = redis.Redis.from_url(url)
    before = _connections(admin, db)
    assert len(before) >= stack.api.app.state.queue.conf.broker_pool_limit

    clients = [httpx.Client(base_url=stack.api.url, timeout=30) for _ in range(BURST)]
    together = threading.Barrier(BURST)

    def submit(client: httpx.Client) -> int:
        together.wait()
        return client.post("/v1/jobs", json={"text": SHORT_ARTICLE}).status_code

    try:
        with ThreadPoolExecutor(BURST) as pool:
            assert list(pool.map(submit, clients)) == [202] * BURST
    finally:
        for client in clients:
            client.close()
    after = _connections(admin, db)
    assert {c["id"] for c in after} - {c["id"] for c in before} == set()
    assert [c for c in after if int(c["sub"]) or int(c["psub"])] == []
    assert admin.llen(stack.settings.queue_name) == BURST
    admin.close()


def test_one_result_backend_for_every_thread(make_stack: Callable[..., Stack]) -> None:
    """Each send_task builds an AsyncResult and so touches the result backend; a backend
    per thread cost each of the API's pool threads a new one (with metadata lookups)."""
    stack = make_stack()
    queue = stack.start_api().app.state.queue
    first = id(queue.backend)
    with ThreadPoolExecutor(4) as pool:
        backends = set(pool.map(lambda _: id(queue.backend), range(8)))
    assert backends == {first}


def test_queue_down_from_the_start(
    make_stack: Callable[..., Stack], caplog: pytest.LogCaptureFixture
) -> None:
    """The API still starts (it says why the queue is not connected), a submit answers 503
    with a message, and the job is recorded as failed rather than left queued forever."""
    stack = make_stack()
    stack.settings = stack.settings.model_copy(
        update={"redis_url": f"redis://127.0.0.1:{free_port()}/0"}
    )
    with caplog.at_level(logging.WARNING, logger="service.tasks"):
        stack.start_api()
    assert "could not connect to the queue yet" in caplog.text
    response = stack.http.post("/v1/jobs", json={"text": SHORT_ARTICLE})
    assert response.status_code == 503, response.text
    assert "queue is unreachable" in response.json()["message"]
    counts = stack.store.count_by_status()
    assert {status.value: n for status, n in counts.items() if n} == {"failed": 1}
