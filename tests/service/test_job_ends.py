"""Every job ends: an exception nobody foresaw, at any stage, fails the job with a short, safe
message (and queues its webhook); a job that stops moving is re-queued by the watchdog, then
failed. Unit tests drive the registered Celery tasks' own code in this process against a
real store, storage, voice and Redis; the end-to-end tests use a real worker process.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.api.schemas import ArticleIn
from service.feeds.store import FeedStore
from service.settings import Settings
from service.storage import DirectoryStorage
from service.store import JobStatus
from service.tasks import (
    FINISH,
    PREPARE,
    SYNTHESIZE,
    WEBHOOK,
    WorkerContext,
    _contexts,
    create_celery,
    sweep_stalled,
)
from tests.service.conftest import make_settings
from tests.utils.services import SHORT_ARTICLE, Stack
from voices.catalog import Voice, VoiceCatalog
from workers.errors import EncodingError, SynthesisError

pytestmark = pytest.mark.slow

SECRET_DETAIL = "/srv/secret/path and internals"
"""Put in every injected exception's message: it must never reach the job's error."""

SURPRISES: list[Callable[[], BaseException]] = [
    lambda: OverflowError(f"int too large to convert to float {SECRET_DETAIL}"),
    lambda: ValueError(f"embedded null character {SECRET_DETAIL}"),
    lambda: UnicodeEncodeError("utf-8", "\ud800", 0, 1, f"surrogates not allowed {SECRET_DETAIL}"),
    lambda: RecursionError(f"maximum recursion depth exceeded {SECRET_DETAIL}"),
    lambda: ImportError(f"cannot import name 'clean' {SECRET_DETAIL}"),
    lambda: KeyError(SECRET_DETAIL),
    lambda: FileNotFoundError(2, "No such file or directory", SECRET_DETAIL),
    lambda: MemoryError(SECRET_DETAIL),
    lambda: ZeroDivisionError(SECRET_DETAIL),
    lambda: RuntimeError(SECRET_DETAIL),
    lambda: SoftTimeLimitExceeded(SECRET_DETAIL),
    lambda: SynthesisError("Piper failed on 'x'"),
    lambda: EncodingError("ffmpeg failed"),
]


class BrokenCatalog:
    """The real catalog, except that looking up a voice raises `error` once armed: every
    stage of a job looks its voice up, so this reaches prepare, synthesize and finish."""

    def __init__(self, real: VoiceCatalog) -> None:
        self.real = real
        self.error: BaseException | None = None

    def get(self, voice_id: str) -> Voice:
        if self.error is not None:
            raise self.error
        return self.real.get(voice_id)


@pytest.fixture
def worker_context(tmp_path: Path, redis_url: str) -> Iterator[tuple[Any, WorkerContext]]:
    """A Celery app's registered tasks with this process's context: a real SQLite store,
    a directory storage, the real voice, this test's Redis database for what they queue."""
    app = create_celery(make_settings(tmp_path, redis_url=redis_url, task_max_retries=0))
    app.conf.narrate_settings.data_dir.mkdir(parents=True)
    ctx = WorkerContext.create(app.conf.narrate_settings, app)
    ctx.catalog = BrokenCatalog(ctx.catalog)  # type: ignore[assignment]
    _contexts[id(app)] = ctx
    yield app, ctx
    _contexts.pop(id(app), None)
    ctx.store.dispose()


_serial = iter(range(1_000_000))


def submit(ctx: WorkerContext, **fields: Any) -> str:
    """A new job whose text no earlier job had (so no chunk comes from the cache)."""
    text = f"{SHORT_ARTICLE} Case {next(_serial)}."
    article = ArticleIn(text=text, speed=2.0, **fields)
    job, _ = ctx.store.create(article.to_request(ctx.settings.default_voice, None), "h")
    return job.id


def queued_tasks(ctx: WorkerContext) -> list[str]:
    import json

    import redis

    client = redis.Redis.from_url(ctx.settings.required_redis_url())
    try:
        raw = client.lrange(ctx.settings.queue_name, 0, -1)
    finally:
        client.close()
    return [json.loads(m)["headers"]["task"] for m in raw]


def clear_queue(ctx: WorkerContext) -> None:
    import redis

    client = redis.Redis.from_url(ctx.settings.required_redis_url())
    try:
        client.delete(ctx.settings.queue_name)
    finally:
        client.close()


STAGES = ["prepare", "synthesize", "finish"]


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(stage=st.sampled_from(STAGES), surprise=st.sampled_from(SURPRISES))
def test_any_exception_at_any_stage_fails_the_job(
    worker_context: tuple[Any, WorkerContext], stage: str, surprise: Callable[[], BaseException]
) -> None:
    app, ctx = worker_context
    catalog: BrokenCatalog = ctx.catalog  # type: ignore[assignment]
    catalog.error = None
    clear_queue(ctx)
    job_id = submit(ctx, callback_url="https://hooks.example.org/narrate")
    if stage != "prepare":
        app.tasks[PREPARE].run(job_id)
        assert ctx.store.get(job_id).status is JobStatus.RUNNING
    if stage == "finish":
        for stored in ctx.store.chunks(job_id):
            app.tasks[SYNTHESIZE].run(job_id, stored.chunk.index)
        assert ctx.store.all_chunks_done(job_id)
    clear_queue(ctx)

    error = surprise()
    catalog.error = error
    if stage == "prepare":
        app.tasks[PREPARE].run(job_id)
    elif stage == "synthesize":  # the last chunk: the one with the new text
        app.tasks[SYNTHESIZE].run(job_id, ctx.store.chunks(job_id)[-1].chunk.index)
    else:
        app.tasks[FINISH].run(job_id)

    job = ctx.store.get(job_id)
    assert job.status is JobStatus.FAILED, (stage, error)
    assert job.error and len(job.error) <= 300
    assert SECRET_DETAIL not in job.error
    if isinstance(error, SynthesisError | EncodingError):
        expected = str(error)  # Narrate's own messages are meant for the caller
    elif isinstance(error, SoftTimeLimitExceeded):
        expected = "time limit"
    else:
        expected = f"internal error ({type(error).__name__})"
    assert expected in job.error
    assert queued_tasks(ctx) == [WEBHOOK]  # the webhook goes out for a failed job too


def test_a_transient_fault_past_its_retries_fails_the_job(
    worker_context: tuple[Any, WorkerContext],
) -> None:
    app, ctx = worker_context
    catalog: BrokenCatalog = ctx.catalog  # type: ignore[assignment]
    catalog.error = ConnectionError("the database went away")
    job_id = submit(ctx)
    app.tasks[PREPARE].run(job_id)  # task_max_retries=0: no retry left
    job = ctx.store.get(job_id)
    assert job.status is JobStatus.FAILED
    assert "gave up after 0 retries (ConnectionError)" in (job.error or "")


def test_watchdog_requeues_then_fails_a_stalled_job(
    worker_context: tuple[Any, WorkerContext],
) -> None:
    _, ctx = worker_context
    ctx.settings = ctx.settings.model_copy(update={"stall_after_s": 10, "stall_requeues": 1})
    clear_queue(ctx)
    job_id = submit(ctx)
    now = time.time()
    assert sweep_stalled(ctx, now) == (0, 0)  # moving along: left alone
    assert sweep_stalled(ctx, now + 11) == (1, 0)
    assert queued_tasks(ctx) == [PREPARE]
    assert sweep_stalled(ctx, now + 11) == (0, 0)  # the re-queue counts as a move
    assert sweep_stalled(ctx, now + 30) == (0, 1)
    job = ctx.store.get(job_id)
    assert job.status is JobStatus.FAILED
    assert "no progress" in (job.error or "")


def test_watchdog_leaves_a_moving_backlog_alone(
    worker_context: tuple[Any, WorkerContext],
) -> None:
    """Jobs waiting behind others are not stalled while the queue holds tasks and some job
    moves on; once nothing moves, they are."""
    _, ctx = worker_context
    ctx.settings = ctx.settings.model_copy(update={"stall_after_s": 0.5, "stall_requeues": 1})
    clear_queue(ctx)
    waiting = submit(ctx)
    ctx.send(PREPARE, "a-task-ahead-of-it")  # the backlog
    time.sleep(0.6)
    busy = submit(ctx)
    assert ctx.store.start(busy)  # another job moves on
    assert sweep_stalled(ctx) == (0, 0)
    assert ctx.store.get(waiting).requeues == 0
    time.sleep(0.6)  # now nothing has moved for longer than stall_after_s
    requeued, _ = sweep_stalled(ctx)
    assert requeued >= 1 and ctx.store.get(waiting).requeues == 1


class TimingsUnreadable(DirectoryStorage):
    """Real storage, except that reading a job's timings fails (as a vanished file would)."""

    def read_text(self, key: str) -> str:
        if key.endswith("timings.json"):
            raise OSError(f"timings went missing {SECRET_DETAIL}")
        return super().read_text(key)


def test_a_failed_episode_still_sends_the_webhook(
    worker_context: tuple[Any, WorkerContext],
) -> None:
    """The job is done even when making it an episode fails: the caller is told."""
    app, ctx = worker_context
    ctx.storage = TimingsUnreadable(ctx.settings.resolved_storage_dir())
    FeedStore(ctx.store.engine).create(
        "news", str(uuid.uuid4()), title="News", description="d", author="a",
        owner_name="o", owner_email="o@example.org", language="en", category="News",
    )  # fmt: skip
    job_id = submit(ctx, feed="news", callback_url="https://hooks.example.org/narrate")
    app.tasks[PREPARE].run(job_id)
    for stored in ctx.store.chunks(job_id):
        app.tasks[SYNTHESIZE].run(job_id, stored.chunk.index)
    clear_queue(ctx)
    app.tasks[FINISH].run(job_id)
    assert ctx.store.get(job_id).status is JobStatus.DONE
    assert queued_tasks(ctx) == [WEBHOOK]


# --- end to end: a real worker process, real faults -----------------------------------------


def test_an_unforeseen_fault_in_a_real_worker_ends_the_job(
    make_stack: Callable[..., Stack], tmp_path: Path
) -> None:
    """Storage where `finish` must write its audio is a file, not a directory: an OSError
    no code path expects, in the worker process. The job fails; the next job, once the
    fault is gone, is done."""
    stack = make_stack()
    blocker = stack.settings.resolved_storage_dir() / "jobs"
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("not a directory")
    stack.start_api()
    stack.start_worker()
    job = stack.wait_job(stack.submit(text=SHORT_ARTICLE)["id"], 120)
    assert job["status"] == "failed", job
    assert job["error"].startswith("finishing the audio: internal error (")
    blocker.unlink()
    again = stack.wait_job(stack.submit(text=SHORT_ARTICLE + " Again.")["id"], 120)
    assert again["status"] == "done", again


def test_a_job_whose_queue_lost_its_messages_is_resumed(
    make_stack: Callable[..., Stack],
) -> None:
    """Redis lost its data (a restart without persistence) while a job was queued: the
    watchdog of the API sees no progress, re-queues it, and the job is done."""
    stack = make_stack(stall_after_s=2, watchdog_interval_s=0.5)
    stack.start_api()
    job_id = stack.submit(text=SHORT_ARTICLE)["id"]
    client = stack.redis()
    try:
        assert client.llen(stack.settings.queue_name) == 1
        client.flushdb()
    finally:
        client.close()
    stack.start_worker()
    job = stack.wait_job(job_id, 120)
    assert job["status"] == "done", job
    assert stack.store.get(job_id).requeues >= 1


def test_settings_defaults_leave_room_for_a_busy_queue() -> None:
    """The watchdog must not mistake a long queue for a dead worker: by default a job is
    stalled only after several hard time limits without progress."""
    s = Settings()
    assert s.stall_after_s >= 4 * s.task_time_limit_s
