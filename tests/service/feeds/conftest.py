"""A live Narrate service (`narrate run`: API, a real Celery worker, embedded Redis, SQLite,
the real Piper voice) shared by the feed and browser tests, and helpers to drive it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import httpx
import pytest

READY_DEADLINE_S: Final = 120
JOB_DEADLINE_S: Final = 180
STOP_TIMEOUT_S: Final = 30

ARTICLE: Final = """# Harbor Bridge Reopens

The Harbor Bridge reopened on Monday. Traffic was light in the morning.

## What changed

Crews replaced the deck. The work took two years.

## What comes next

Tolls return in May.
"""
HEADINGS: Final = ["Harbor Bridge Reopens", "What changed", "What comes next"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveService:
    base: str
    client: httpx.Client
    data_dir: Path

    def submit(self, text: str = ARTICLE, **fields: Any) -> str:
        response = self.client.post("/v1/jobs", json={"text": text, "speed": 2.0, **fields})
        assert response.status_code == 202, response.text
        return response.json()["id"]

    def wait_done(self, job_id: str) -> dict[str, Any]:
        deadline = time.monotonic() + JOB_DEADLINE_S
        while time.monotonic() < deadline:
            job = self.client.get(f"/v1/jobs/{job_id}").json()
            if job["status"] in ("done", "failed", "cancelled"):
                assert job["status"] == "done", job
                return job
            time.sleep(0.3)
        raise AssertionError(f"job {job_id} did not finish in {JOB_DEADLINE_S} s")

    def create_feed(self, slug: str, **fields: Any) -> httpx.Response:
        body = {
            "slug": slug,
            "title": f"Feed {slug}",
            "description": "Stories read aloud.",
            "author": "The Daily Example",
            "owner_name": "Audio Desk",
            "owner_email": "audio@example.org",
            "language": "en-us",
            "category": "News > Daily News",
            "explicit": False,
            **fields,
        }
        return self.client.post("/v1/feeds", json=body)


@pytest.fixture(scope="package")
def live_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveService]:
    data_dir = tmp_path_factory.mktemp("narrate-live")
    port = free_port()
    env = {
        **os.environ,
        "NARRATE_DATA_DIR": str(data_dir),
        "NARRATE_WORKER_CONCURRENCY": "1",
        "NARRATE_API_KEYS": "",
        "NARRATE_PUBLIC_BASE_URL": "",
    }
    env.pop("REDIS_URL", None)
    env.pop("DATABASE_URL", None)
    log = (data_dir / "service.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "run", "--host", "127.0.0.1", "--port", str(port),
         "--data-dir", str(data_dir)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    client = httpx.Client(base_url=base, timeout=30)
    try:
        deadline = time.monotonic() + READY_DEADLINE_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"narrate run exited: {(data_dir / 'service.log').read_text()[-2000:]}")
            try:
                if client.get("/readyz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"narrate run not ready in {READY_DEADLINE_S} s")
            time.sleep(0.3)
        yield LiveService(base, client, data_dir)
    finally:
        client.close()
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the group this fixture started
            process.wait()
        log.close()
