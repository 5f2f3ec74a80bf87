"""Fixtures of the service tests: real Redis (the machine's, or an embedded one), a Redis
database and a SQLite file or PostgreSQL schema per test, the API and worker processes."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import redis

from service.embedded_redis import EmbeddedRedis
from service.settings import Settings
from tests.utils.services import (
    POSTGRES_URL,
    S3Server,
    Stack,
    claim_redis_db,
    drop_schema,
    new_schema_url,
    postgres_available,
)

WEBHOOK_SECRET = "test-webhook-secret"


@pytest.fixture(scope="session")
def redis_address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """NARRATE_TEST_REDIS (host:port) or 127.0.0.1:6379 when a Redis answers there, else a
    private embedded redis-server."""
    host, _, port = (os.environ.get("NARRATE_TEST_REDIS") or "127.0.0.1:6379").rpartition(":")
    client = redis.Redis(host=host, port=int(port), socket_connect_timeout=1)
    try:
        client.ping()
        yield (host, int(port))
        return
    except redis.ConnectionError:
        pass
    finally:
        client.close()
    with EmbeddedRedis(tmp_path_factory.mktemp("redis")) as embedded:
        yield ("127.0.0.1", embedded.port)


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """One S3 server process for the whole session; each test takes a bucket of its own."""
    server = S3Server(tmp_path_factory.mktemp("s3") / "moto.log")
    yield server
    server.stop()


@pytest.fixture
def s3_bucket(s3_server: S3Server, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh bucket, with the AWS variables pointing this process (and the workers it
    starts, which inherit its environment) at the S3 server."""
    for name, value in s3_server.env().items():
        monkeypatch.setenv(name, value)
    return s3_server.new_bucket()


@pytest.fixture
def redis_url(redis_address: tuple[str, int]) -> Iterator[str]:
    """A Redis database of this test's own, flushed afterwards."""
    host, port = redis_address
    db = claim_redis_db(host, port)
    yield f"redis://{host}:{port}/{db}"
    client = redis.Redis(host=host, port=port, db=db)
    client.flushdb()
    client.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """This test's own SQLite file, or its own PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'narrate.db'}"
        return
    reason = postgres_available()
    if reason:
        pytest.skip(reason)
    schema, url = new_schema_url(POSTGRES_URL)
    yield url
    drop_schema(POSTGRES_URL, schema)


def make_settings(tmp_path: Path, **values: Any) -> Settings:
    defaults: dict[str, Any] = {
        "data_dir": tmp_path / "data",
        "webhook_secret": WEBHOOK_SECRET,
        "webhook_backoff_s": 0.2,
        "worker_concurrency": 2,
        "allow_private_urls": True,  # the tests' webhook receivers listen on 127.0.0.1
    }
    return Settings(**{**defaults, **values})


@contextmanager
def module_stack(redis_address: tuple[str, int], tmp: Path, **values: Any) -> Iterator[Stack]:
    """A stack for a whole module (built once, for tests that share a warm API): a Redis
    database of its own, flushed afterwards, and a SQLite file in `tmp`."""
    host, port = redis_address
    db = claim_redis_db(host, port)
    settings = make_settings(
        tmp,
        redis_url=f"redis://{host}:{port}/{db}",
        database_url=f"sqlite:///{tmp / 'narrate.db'}",
        **values,
    )
    stack = Stack(settings, tmp)
    try:
        yield stack
    finally:
        stack.close()
        client = redis.Redis(host=host, port=port, db=db)
        client.flushdb()
        client.close()


@pytest.fixture
def make_stack(tmp_path: Path, redis_url: str) -> Iterator[Callable[..., Stack]]:
    """Build a stack with this test's Redis db and a SQLite file (or `database_url=`)."""
    stacks: list[Stack] = []

    def build(**values: Any) -> Stack:
        values.setdefault("database_url", f"sqlite:///{tmp_path / 'narrate.db'}")
        values.setdefault("redis_url", redis_url)
        stack = Stack(make_settings(tmp_path, **values), tmp_path)
        stacks.append(stack)
        return stack

    yield build
    for stack in stacks:
        stack.close()
