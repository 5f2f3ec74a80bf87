"""Real services for service tests: a Redis database of their own, a SQLite file or
PostgreSQL schema of their own, the API on a real port, `narrate worker` processes, and an
S3 server (moto in server mode: a real HTTP endpoint in its own process)."""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Final

import httpx
import redis
import uvicorn

from service.app import create_app
from service.embedded_redis import free_port
from service.serve import WORKER_MAIN
from service.settings import Settings
from service.store import JobStore

ROOT: Final = Path(__file__).resolve().parents[2]
CLAIM_KEY: Final = "narrate-test:claim"
POSTGRES_URL: Final = os.environ.get(
    "NARRATE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
TERMINAL: Final = ("done", "failed", "cancelled")

SHORT_ARTICLE: Final = (
    "Harbor Bridge Reopens\n\n"
    "The Harbor Bridge reopened on Nov. 21 after repairs. Traffic is back to normal.\n\n"
    "Dr. Ana Ruiz said the work cost $1.5 billion.\n"
)


def wait_for(predicate: Callable[[], Any], timeout: float, what: str, every: float = 0.1) -> Any:
    """Poll `predicate` until it returns something truthy; fail with `what` at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(every)


def stop_process_group(process: subprocess.Popen[bytes], grace_s: float) -> None:
    """SIGTERM a process started in its own session, and all of its group; SIGKILL what is
    left after `grace_s`."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(grace_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


def claim_redis_db(host: str, port: int) -> int:
    """A database number nobody else uses now (rq's `find_empty_redis_database`, plus a
    claim key so concurrent test runs on a shared Redis do not pick the same one)."""
    for db in range(1, 16):
        client = redis.Redis(host=host, port=port, db=db)
        try:
            if client.dbsize() == 0 and client.set(CLAIM_KEY, os.getpid(), nx=True, ex=3600):
                return db
        finally:
            client.close()
    raise RuntimeError("no empty Redis database among 1..15")


@dataclass
class ApiServer:
    """The real app under uvicorn on a free port, in a thread of the test process."""

    settings: Settings
    port: int = field(default_factory=free_port)

    def __post_init__(self) -> None:
        self.app = create_app(self.settings)
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        wait_for(lambda: self.server.started, 20, "the API to start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@dataclass
class WorkerProcess:
    """`narrate worker` in its own session (so SIGKILL reaches its pool processes too)."""

    settings: Settings
    log_path: Path
    concurrency: int = 2
    wait: bool = True
    """Return once it is ready (else call `wait_ready`)."""
    extra_env: dict[str, str] = field(default_factory=dict)

    READY: ClassVar[bytes] = b" ready."
    """What the process logs once it takes work."""

    def command(self) -> list[str]:
        return ["worker", "--concurrency", str(self.concurrency)]

    def __post_init__(self) -> None:
        env = {**os.environ, **self.settings.to_env(), "PYTHONUNBUFFERED": "1", **self.extra_env}
        self.log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-c", WORKER_MAIN, *self.command()],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if self.wait:
            self.wait_ready()

    def wait_ready(self) -> None:
        wait_for(self._ready, 60, f"{self.command()[0]} to start (log: {self.log_path})", every=0.2)

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"worker exited: {self.log_path.read_text()[-3000:]}")
        return self.READY in self.log_path.read_bytes()

    def kill(self) -> None:
        """SIGKILL the whole worker: main process and every pool process."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        stop_process_group(self.process, 20)
        self.log.close()


@dataclass
class BeatProcess(WorkerProcess):
    """`narrate beat`: the scheduler that queues source polls."""

    READY: ClassVar[bytes] = b"beat: Starting"

    def command(self) -> list[str]:
        return ["beat"]


@dataclass
class Stack:
    """One test's service: settings, API, workers, and an HTTP client."""

    settings: Settings
    tmp: Path
    api: ApiServer | None = None
    workers: list[WorkerProcess] = field(default_factory=list)
    _client: httpx.Client | None = None

    def start_api(self) -> ApiServer:
        self.api = ApiServer(self.settings)
        return self.api

    def start_beat(self, wait: bool = True) -> BeatProcess:
        beat = BeatProcess(self.settings, self.tmp / "beat.log", wait=wait)
        self.workers.append(beat)
        return beat

    def start_worker(
        self, concurrency: int = 2, env: dict[str, str] | None = None, **values: Any
    ) -> WorkerProcess:
        """A `narrate worker`; `values` override this stack's settings for it alone."""
        log = self.tmp / f"worker-{len(self.workers)}.log"
        settings = self.settings.model_copy(update=values) if values else self.settings
        worker = WorkerProcess(settings, log, concurrency, env or {})
        self.workers.append(worker)
        return worker

    @property
    def store(self) -> JobStore:
        assert self.api is not None
        return self.api.app.state.store

    @property
    def http(self) -> httpx.Client:
        if self._client is None:
            assert self.api is not None
            self._client = httpx.Client(base_url=self.api.url, timeout=30)
        return self._client

    def redis(self) -> redis.Redis:
        return redis.Redis.from_url(self.settings.required_redis_url())

    def submit(self, **article: Any) -> dict[str, Any]:
        response = self.http.post("/v1/jobs", json={"speed": 2.0, **article})
        assert response.status_code == 202, response.text
        return response.json()

    def job(self, job_id: str) -> dict[str, Any]:
        response = self.http.get(f"/v1/jobs/{job_id}")
        assert response.status_code == 200, response.text
        return response.json()

    def wait_job(self, job_id: str, timeout: float = 90, statuses: tuple[str, ...] = TERMINAL):
        return wait_for(
            lambda: (job := self.job(job_id))["status"] in statuses and job,
            timeout,
            f"job {job_id} to reach {statuses}",
            every=0.2,
        )

    def queued_messages(self) -> int:
        client = self.redis()
        try:
            return int(client.llen(self.settings.queue_name))
        finally:
            client.close()

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()
        if self._client is not None:
            self._client.close()
        if self.api is not None:
            self.api.stop()
            self.api.app.state.store.dispose()


def new_schema_url(base_url: str) -> tuple[str, str]:
    """A fresh PostgreSQL schema and a URL whose connections use it."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    import sqlalchemy

    engine = sqlalchemy.create_engine(base_url)
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return schema, f"{base_url}?options=-csearch_path%3D{schema}"


def drop_schema(base_url: str, schema: str) -> None:
    import sqlalchemy

    engine = sqlalchemy.create_engine(base_url)
    with engine.begin() as conn:
        conn.execute(sqlalchemy.text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def postgres_available() -> str | None:
    """None when PostgreSQL answers at POSTGRES_URL, else why not."""
    import sqlalchemy

    try:
        engine = sqlalchemy.create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(sqlalchemy.text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # any failure: skip with the reason
        return f"PostgreSQL not reachable at {POSTGRES_URL}: {type(exc).__name__}"
    return None


S3_CREDENTIALS: Final = {
    "AWS_ACCESS_KEY_ID": "narrate-test",
    "AWS_SECRET_ACCESS_KEY": "narrate-test-secret",
    "AWS_REGION": "us-east-1",
}


@dataclass
class S3Server:
    """moto's S3 in server mode (`python -m moto.server`): a real HTTP S3 endpoint in a
    process of its own, reached through boto3 like AWS, MinIO or R2. It keeps objects in
    memory and does not check signatures (presigned URLs are fetched, not verified)."""

    log_path: Path
    port: int = field(default_factory=free_port)

    def __post_init__(self) -> None:
        self.log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(self._ready, 30, f"the S3 server to start (log: {self.log_path})")

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"S3 server exited: {self.log_path.read_text()[-3000:]}")
        try:
            return httpx.get(self.url, timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        """The standard AWS variables that point boto3 (and so Narrate) at this server."""
        return {"AWS_ENDPOINT_URL": self.url, **S3_CREDENTIALS}

    @functools.cached_property
    def client(self) -> Any:
        """A boto3 client of its own: the tests' independent view of the bucket."""
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name=S3_CREDENTIALS["AWS_REGION"],
            aws_access_key_id=S3_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=S3_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )

    def new_bucket(self) -> str:
        name = f"narrate-{uuid.uuid4().hex[:16]}"
        self.client.create_bucket(Bucket=name)
        return name

    def keys(self, bucket: str, prefix: str = "") -> dict[str, int]:
        """Every object under `prefix`, with its size, as the server lists them."""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        return {o["Key"]: o["Size"] for page in pages for o in page.get("Contents", [])}

    def stop(self) -> None:
        stop_process_group(self.process, 10)
        self.log.close()
