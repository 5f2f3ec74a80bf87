"""50 articles submitted at once all complete with correct audio; submit latency p99."""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import httpx
import pytest

from service.embedded_redis import free_port
from tests.conftest import ROOT
from tests.utils.services import Stack, wait_for

pytestmark = pytest.mark.slow

ARTICLES = 50
WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def article(i: int) -> str:
    return f"Story {WORDS[i % 10]} of {WORDS[i // 10]}. It is short."


@contextmanager
def api_process(stack: Stack) -> Iterator[str]:
    """`narrate api` in its own process, as deployed: the 50 client threads of this test
    must not share a GIL with the server they measure."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "api", "--port", str(port)],
        cwd=ROOT, env={**os.environ, **stack.settings.to_env()},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        try:
            return httpx.get(f"{url}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_for(ready, 60, "narrate api to start")
        yield url
    finally:
        process.terminate()
        process.wait(20)


def test_fifty_concurrent_articles(make_stack: Callable[..., Stack]) -> None:
    # 50 jobs at once from one (open-API) caller: over the default quotas, which
    # test_quotas.py covers; this test measures the pipeline under the burst.
    stack = make_stack(max_active_jobs_per_key=0, submits_per_minute=0)
    stack.start_api()  # for reading the store and jobs back
    stack.start_worker()
    with api_process(stack) as url:
        _submit_fifty_and_check(stack, url)


def _submit_fifty_and_check(stack: Stack, url: str) -> None:
    # Each client is made before the clock starts: making one costs ~20 ms of this
    # process's CPU (its TLS context), and 50 of them made during the burst were timed
    # as the server's latency. The barrier sends all 50 at the same instant.
    clients = [httpx.Client(base_url=url, timeout=30) for _ in range(ARTICLES)]
    start_together = threading.Barrier(ARTICLES)

    def submit(i: int) -> tuple[str, float]:
        start_together.wait()
        started = time.perf_counter()
        response = clients[i].post("/v1/jobs", json={"text": article(i), "speed": 2.0})
        elapsed = time.perf_counter() - started
        assert response.status_code == 202, response.text
        return response.json()["id"], elapsed

    try:
        with ThreadPoolExecutor(ARTICLES) as pool:
            results = list(pool.map(submit, range(ARTICLES)))
    finally:
        for client in clients:
            client.close()
    latencies = sorted(t for _, t in results)
    p99 = latencies[min(len(latencies) - 1, round(0.99 * len(latencies)) - 1)]
    print(
        f"\nsubmit latency over {ARTICLES} concurrent: median "
        f"{statistics.median(latencies) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms"
    )
    assert p99 < 2.0
    ids = [job_id for job_id, _ in results]
    assert len(set(ids)) == ARTICLES

    def all_finished() -> bool:
        counts = stack.store.count_by_status()
        return sum(counts[s] for s in counts if s.finished) == ARTICLES

    wait_for(all_finished, 240, "every article to finish", every=0.5)
    for i, job_id in enumerate(ids):
        job = stack.job(job_id)
        assert job["status"] == "done", job
        audio = job["audio"]
        assert abs(audio["integrated_lufs"] + 19.0) <= 1.0
        assert audio["true_peak_dbtp"] <= -1.0
        assert 0.5 < audio["duration_seconds"] < 10
        vtt = stack.http.get(job["links"]["transcript"]).text
        cues = re.sub(r"<[^>]*>", "", vtt)  # the word timestamps inside the cues
        assert f"Story {WORDS[i % 10]} of {WORDS[i // 10]}." in cues
