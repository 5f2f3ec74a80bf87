"""The Celery shell around the engine: one job's steps, the guard that ends every job, the
stalled-job watchdog, and the app factory that registers them as tasks.

A job is a chord: `prepare` (extract, normalize, segment; store chunks) → one `synthesize`
per chunk (skipped when the chunk cache has it) → `finish` (stitch, deliver, store; then
the feed and the webhook). Tasks carry a job id and a chunk index only: the text comes from
the database, audio goes to storage. Each step is a module-level function of a
`WorkerContext`, a few lines each: load by id → call the engine → record.

The chord's join counter lives in the database, not in Celery's result backend: each chunk
is counted once however often its task runs, and the task that completes the set queues
`finish`. Celery's Redis chord counted redelivered tasks twice and recorded a Redis restart
as a failed part, which left the job waiting for ever; the database count survives both.

Every job ends: `run_step` turns any exception of a step into a `failed` job with a short,
safe message (retrying transient ones first), and `sweep_stalled` re-queues, then fails, a
job that made no progress for `stall_after_s` (a worker lost, Redis lost its data, a task
killed at its hard time limit again and again).
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
import time
import uuid
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import redis
from celery import Celery, Task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_process_init
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import LockError
from sqlalchemy.exc import OperationalError

from service.api.schemas import job_out
from service.cache import ChunkCachePruner, load_chunk_audio, store_chunk_audio
from service.contract import ArticleInfo, JobResult
from service.feeds.episodes import publish_finished_job
from service.feeds.store import FeedStore
from service.job_events import JobEvents
from service.keys import (
    chunk_audio_key,
    job_audio_key,
    job_prefix,
    job_speechmarks_key,
    job_timings_key,
    job_vtt_key,
)
from service.settings import Settings
from service.sources.poll import Poller, poll_source
from service.sources.store import SourceStore
from service.storage import Storage
from service.storage_s3 import TRANSIENT_ERRORS as STORAGE_TRANSIENT
from service.storage_url import open_storage
from service.store import Job, JobStatus, JobStore, StoredChunk
from service.webhooks import WebhookError, deliver
from voices.catalog import VoiceCatalog, load_piper_voice
from workers.cache import NO_LEXICON, chunk_cache_key
from workers.errors import JobNotFound, NarrateError, SourceNotFound
from workers.pipeline import ConvertOptions, deliver_program, resolved_meta, stitch_program
from workers.synthesis import synthesize_chunk
from workers.text.lexicon import request_lexicon
from workers.text.prepare import prepare_article

log = logging.getLogger(__name__)

PREPARE: Final = "narrate.prepare"
SYNTHESIZE: Final = "narrate.synthesize"
FINISH: Final = "narrate.finish"
WEBHOOK: Final = "narrate.deliver_webhook"
POLL_DUE_SOURCES: Final = "narrate.poll_due_sources"
POLL_SOURCE: Final = "narrate.poll_source"
SOURCE_LOCK_PREFIX: Final = "narrate:source-poll:"

TRANSIENT: Final = (
    OperationalError,
    RedisConnectionError,
    ConnectionError,
    TimeoutError,
    *STORAGE_TRANSIENT,
)
"""Errors worth a retry: the database, Redis, object storage or the network hiccuped. Input
and synthesis errors are not retried: the same input fails the same way."""
RETRY_BACKOFF_MAX_S: Final = 60
ERROR_CHARS: Final = 300
"""A job's error message is cut here: it may quote the input."""


def task_id(job_id: str, step: str, index: int | None = None) -> str:
    """Celery's id for a step of a job. It starts with the job id, so Celery's own log lines
    (received, retry, failure) name the job. `prepare` and each chunk's `synthesize` have one
    id per job and chunk, so a cancel can revoke them by name; `finish` and webhook tasks get
    unique ids (a `finish` claims its job by its task id)."""
    if step == PREPARE:
        return f"{job_id}.prepare"
    if step == SYNTHESIZE:
        return f"{job_id}.chunk{index}"
    return f"{job_id}.{step.removeprefix('narrate.')}.{uuid.uuid4().hex[:8]}"


def revoke_job_tasks(queue: Celery, job_id: str, chunks: int) -> None:
    """Tell every worker to drop the cancelled job's `prepare` and chunk tasks still queued
    or reserved, unread (a chunk being synthesized finishes: it stops at its boundary, and
    `synthesize` takes no new chunk of a job that is not running). Best effort: a worker
    that misses it still finds the job cancelled and skips the work."""
    ids = [task_id(job_id, PREPARE)] + [task_id(job_id, SYNTHESIZE, i) for i in range(chunks)]
    try:
        queue.control.revoke(ids)
    except Exception as exc:  # kombu raises several unrelated types when Redis is down
        log.warning("job %s: could not revoke its tasks (%s: %s)", job_id, type(exc).__name__, exc)


@dataclass
class WorkerContext:
    """What a worker process holds for its lifetime: store, storage, voices, the queue."""

    settings: Settings
    store: JobStore
    storage: Storage
    catalog: VoiceCatalog
    queue: Celery
    cache_pruner: ChunkCachePruner
    events: JobEvents

    @classmethod
    def create(cls, settings: Settings, queue: Celery) -> WorkerContext:
        store = JobStore.from_url(settings.resolved_database_url())
        storage = open_storage(settings)
        return cls(
            settings=settings,
            store=store,
            storage=storage,
            catalog=settings.voice_catalog(),
            queue=queue,
            cache_pruner=ChunkCachePruner(storage, store, int(settings.chunk_cache_max_bytes)),
            events=JobEvents(settings),
        )

    def waiting_tasks(self) -> int:
        """Tasks waiting in the queue (not yet taken by a worker)."""
        with self.queue.connection_for_read() as connection:
            return int(connection.default_channel.client.llen(self.settings.queue_name))

    def send(self, task: str, job_id: str, *args: Any, countdown: float | None = None) -> None:
        self.queue.send_task(
            task,
            args=[job_id, *args],
            queue=self.settings.queue_name,
            ignore_result=True,
            countdown=countdown,
            task_id=task_id(job_id, task, *args),
        )


# --- the steps of a job ---------------------------------------------------------------------


def prepare_job(ctx: WorkerContext, job_id: str) -> None:
    """Text → chunks (stored with their cache keys) → a `synthesize` per missing chunk."""
    job = ctx.store.get(job_id)
    if not ctx.store.start(job_id):
        return  # cancelled or already ended
    req = job.request
    voice = ctx.catalog.get(req.voice)
    lexicon = ctx.settings.article_lexicon(request_lexicon(req.lexicon))
    article = prepare_article(
        req.source,
        req.meta(),
        req.input_format,
        lexicon=lexicon,
        date_order=ctx.settings.date_order,
        reading=req.reading(),
    )
    info = ArticleInfo.of(resolved_meta(article))
    version = lexicon.version if lexicon else NO_LEXICON
    entries = []
    for chunk in article.chunks:
        key = chunk_cache_key(chunk, voice, req.synthesis(), version)
        # touch: a cache hit is a use, so the size-bounded cache keeps what is reused.
        entries.append((chunk, key, ctx.storage.touch(chunk_audio_key(key))))
    if ctx.store.set_chunks(job_id, entries, info):
        ctx.events.running(job_id, len(entries), sum(1 for *_, cached in entries if cached))
    queue_remaining_work(ctx, job_id)


def queue_remaining_work(ctx: WorkerContext, job_id: str) -> None:
    """A `synthesize` for each chunk not done yet, or `finish` when all are."""
    pending = [c.chunk.index for c in ctx.store.chunks(job_id) if not c.done]
    for index in pending:
        ctx.send(SYNTHESIZE, job_id, index)
    if not pending:
        ctx.send(FINISH, job_id)


def synthesize_job_chunk(ctx: WorkerContext, job_id: str, index: int) -> None:
    """One chunk's audio into the chunk cache; the chunk that completes the set queues
    `finish`."""
    job = ctx.store.get(job_id)
    if job.status is not JobStatus.RUNNING:
        return  # cancelled or failed: stop working on it
    stored = ctx.store.chunk(job_id, index)
    if not stored.done:
        key = chunk_audio_key(stored.cache_key)
        seconds, cached = 0.0, ctx.storage.touch(key)
        if not cached:
            started = time.perf_counter()
            voice = ctx.catalog.get(job.request.voice)
            audio = synthesize_chunk(
                load_piper_voice(voice), stored.chunk, job.request.synthesis().for_voice(voice)
            )
            seconds = time.perf_counter() - started
            store_chunk_audio(ctx.storage, stored.cache_key, audio)
        if ctx.store.mark_chunk_done(job_id, index, seconds, cached=cached):
            ctx.events.chunk(job_id, index, seconds, cached)
    # Also when the chunk was done already: a redelivered task whose first run may have
    # died before queueing `finish`.
    if ctx.store.all_chunks_done(job_id):
        ctx.send(FINISH, job_id)


def finish_job(ctx: WorkerContext, job_id: str, claim: str) -> None:
    """Stitch the chunk audio, deliver the file through the engine's one finish path, store
    it with its timings, and record the result; then the feed and the webhook."""
    job = ctx.store.get(job_id)
    if job.status is not JobStatus.RUNNING:
        return
    chunks = ctx.store.chunks(job_id)
    if not all(c.done for c in chunks):
        return  # the task that completes the set queues `finish` again
    if not ctx.store.claim_finish(job_id, claim, float(ctx.settings.task_time_limit_s)):
        return  # another `finish` of this job is at work
    result = _deliver_job(ctx, job, chunks)
    if ctx.store.finish(job_id, result):
        ctx.events.done(ctx.store.get(job_id))
        try:
            publish_finished_job(ctx.store, ctx.storage, job_id)  # `feed`: an episode
        finally:  # the job is done whatever became of the episode: the caller hears of it
            notify(ctx, job_id)
            ctx.cache_pruner.after_job()  # keeps the chunk cache under its bound; never raises
    elif ctx.store.get(job_id).status is JobStatus.CANCELLED:  # cancelled while mastering
        ctx.storage.delete_prefix(job_prefix(job_id))
    # else another run of this `finish` (its message redelivered while this one worked)
    # finished the job first: the files it published are the same, and they stay.


def _deliver_job(ctx: WorkerContext, job: Job, chunks: list[StoredChunk]) -> JobResult:
    req = job.request
    info = job.article or ArticleInfo(req.title or "")
    voice = ctx.catalog.get(req.voice)
    options = ConvertOptions(
        format=req.format,
        synthesis=req.synthesis(),
        mp3_kbps=ctx.settings.mp3_kbps,
        disclosure=req.reading().disclosure,
    )
    meta = info.meta(req.language)
    with tempfile.TemporaryDirectory(prefix="narrate-finish-") as scratch:
        program = stitch_program(
            [c.chunk for c in chunks],
            (load_chunk_audio(ctx.storage, c.cache_key, c.chunk.index) for c in chunks),
            Path(scratch) / "program.wav",
            voice.sample_rate,
            options,
        )
        out = Path(scratch) / f"audio.{req.format.value}"
        delivery = deliver_program(program, out, options, meta, voice.id)
        digest = hashlib.sha256(out.read_bytes()).hexdigest()
        ctx.storage.publish(job_audio_key(job.id, req.format), out)
    ctx.storage.write_text(job_vtt_key(job.id), delivery.vtt())
    ctx.storage.write_text(job_timings_key(job.id), delivery.timings_json())
    ctx.storage.write_text(job_speechmarks_key(job.id), delivery.speechmarks())
    m = delivery.report.measurement
    return JobResult(
        format=req.format,
        etag=digest[:32],
        size=delivery.report.size,
        duration=round(delivery.duration, 3),
        integrated_lufs=round(m.integrated_lufs, 2),
        true_peak_dbtp=round(m.true_peak_dbtp, 2),
        voice=voice.id,
        sentences=len(delivery.timings),
        chapters=len(delivery.chapters),
    )


# --- article sources -------------------------------------------------------------------------


def poll_due_sources(ctx: WorkerContext) -> None:
    """Beat's tick: a `poll_source` for every source due (each claimed once)."""
    for source_id in SourceStore(ctx.store.engine).claim_due(time.time()):
        ctx.send(POLL_SOURCE, source_id)


def poll_one_source(ctx: WorkerContext, source_id: str) -> None:
    """One poll of the source, unless another is still at it (a slow poll outlasting the
    interval is not run twice at once)."""
    client = redis.Redis.from_url(ctx.settings.required_redis_url())
    busy = client.lock(f"{SOURCE_LOCK_PREFIX}{source_id}", timeout=ctx.settings.task_time_limit_s)
    if not busy.acquire(blocking=False):
        client.close()
        return
    try:
        poller = Poller(
            settings=ctx.settings,
            jobs=ctx.store,
            sources=SourceStore(ctx.store.engine),
            feeds=FeedStore(ctx.store.engine),
            queue_job=lambda job_id: ctx.send(PREPARE, job_id),
            redis=client,
        )
        log.info("source %s: %s", source_id, poll_source(poller, source_id))
    except SourceNotFound:
        return  # deleted since it was claimed
    finally:
        with suppress(LockError):
            busy.release()
        client.close()


def notify(ctx: WorkerContext, job_id: str) -> None:
    if ctx.store.get(job_id).request.callback_url:
        ctx.send(WEBHOOK, job_id)


def fail_job(ctx: WorkerContext, job_id: str, message: str) -> bool:
    """Fail the job with `message` (on one line, cut short) and tell its caller; False when
    it had ended already."""
    flat = " ".join(message.split())
    if len(flat) > ERROR_CHARS:
        flat = flat[: ERROR_CHARS - 1] + "…"
    if not ctx.store.fail(job_id, flat):
        return False
    ctx.events.failed(job_id, flat)
    notify(ctx, job_id)
    return True


def deliver_job_webhook(ctx: WorkerContext, job_id: str) -> None:
    """POST the job's public representation (what `GET /v1/jobs/{id}` answers) to its
    `callback_url`; `WebhookError` when the receiver did not take it."""
    job = ctx.store.get(job_id)
    url = job.request.callback_url
    if not url:
        return
    body = job_out(job, ctx.settings.public_base_url or "").model_dump_json().encode()
    try:
        deliver(
            url,
            body,
            ctx.settings.webhook_secret,
            ctx.settings.webhook_timeout_s,
            allow_private=ctx.settings.allow_private_urls,
        )
    except WebhookError as exc:
        ctx.store.record_webhook(job_id, str(exc))
        raise
    ctx.store.record_webhook(job_id, None)


# --- every job ends -------------------------------------------------------------------------


def run_step(
    ctx: WorkerContext,
    task: Task,
    stage: str,
    step: Callable[..., None],
    job_id: str,
    *args: Any,
) -> None:
    """Run one step of a job so that whatever happens, the job ends or the step is retried:
    a deleted job is no error; a transient fault is retried with backoff, then fails the
    job; Narrate's own errors fail it with their message; anything else (a bug, a library's
    surprise, the soft time limit) fails it with a short, safe message and is logged with
    its traceback."""
    try:
        with ctx.events.busy():
            step(ctx, job_id, *args)
    except JobNotFound:
        return  # deleted while queued
    except TRANSIENT as exc:
        retries = task.request.retries
        if retries < ctx.settings.task_max_retries:
            countdown = min(RETRY_BACKOFF_MAX_S, 2**retries)
            log.warning("job %s: %s hit %s; retry in %d s", job_id, stage, exc, countdown)
            raise task.retry(exc=exc, countdown=countdown) from exc
        fail_job(ctx, job_id, f"{stage}: gave up after {retries} retries ({type(exc).__name__})")
    except NarrateError as exc:  # the job's `failed` line says it
        fail_job(ctx, job_id, f"{stage}: {exc}")
    except SoftTimeLimitExceeded:
        log.warning("job %s: %s ran past the time limit", job_id, stage)
        fail_job(
            ctx, job_id, f"{stage}: over the {ctx.settings.task_soft_time_limit_s} s time limit"
        )
    except Exception as exc:
        log.exception("job %s: %s failed unexpectedly", job_id, stage)
        fail_job(ctx, job_id, f"{stage}: internal error ({type(exc).__name__})")


def sweep_stalled(ctx: WorkerContext, now: float | None = None) -> tuple[int, int]:
    """Re-queue each queued or running job that made no progress for `stall_after_s`
    (its `prepare` resumes it: chunks done stay done), up to `stall_requeues` times; then
    fail it. Idempotent, so every API process may run it. Returns (re-queued, failed).

    A job waiting its turn is not stalled: while tasks wait in the queue and some job has
    moved on within `stall_after_s`, the workers are busy with a backlog, and nothing is
    swept. A job is swept when its tasks are gone (the queue is empty, yet it does not
    move) or when nothing has moved for that long (no worker is taking tasks)."""
    settings = ctx.settings
    now = now or time.time()
    before = now - settings.stall_after_s
    if ctx.waiting_tasks() and ctx.store.last_progress() >= before:
        return 0, 0
    requeued = failed = 0
    stalled = f"the job made no progress for {settings.stall_after_s:.0f} s; submit it again"
    for job in ctx.store.stalled(before):
        if job.requeues < settings.stall_requeues:
            if ctx.store.requeue(job.id, before, now):
                ctx.send(PREPARE, job.id)
                requeued += 1
        elif fail_job(ctx, job.id, stalled):
            failed += 1
    if requeued or failed:
        log.warning("watchdog: %d stalled jobs re-queued, %d failed", requeued, failed)
    return requeued, failed


# --- the Celery app -------------------------------------------------------------------------

_contexts: dict[int, WorkerContext] = {}


def context_for(app: Celery) -> WorkerContext:
    """This process's context for `app` (built on first use after the fork)."""
    key = id(app)
    if key not in _contexts:
        _contexts[key] = WorkerContext.create(app.conf.narrate_settings, app)
    return _contexts[key]


def create_celery(settings: Settings) -> Celery:
    """A Celery app configured from `settings`, with Narrate's tasks registered on it."""
    url = settings.required_redis_url()
    app = Celery("narrate", broker=url, backend=url, set_as_current=False)
    transport = {
        "visibility_timeout": settings.visibility_timeout_s,
        # Tasks of a worker that died are swept back to the queue soon after the visibility
        # timeout, not after kombu's default of 10 × 10 s.
        "unacked_restore_interval": max(1, min(10, settings.visibility_timeout_s // 3)),
        "unacked_restore_throttle": 1,
    }
    app.conf.update(
        narrate_settings=settings,
        task_default_queue=settings.queue_name,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_soft_time_limit=settings.task_soft_time_limit_s,
        task_time_limit=settings.task_time_limit_s,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        broker_transport_options=transport,
        result_backend_transport_options=transport,
        # Nothing reads task results (a job's state is in the store), but every send_task
        # still builds an AsyncResult and so a backend: one per thread unless it is shared,
        # which cost each of the API's pool threads a backend (and its metadata lookups).
        result_backend_thread_safe=True,
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,
        worker_concurrency=settings.worker_concurrency,
        worker_hijack_root_logger=False,
        # On a lost broker connection, running tasks finish (their message is redelivered
        # later, and the redelivery finds the work done). Cancelling them instead would
        # requeue work that is about to succeed.
        worker_cancel_long_running_tasks_on_connection_loss=False,
        worker_send_task_events=False,
        # `narrate beat`: one per deployment (see README), it only queues the tick.
        beat_schedule={
            "poll-sources": {
                "task": POLL_DUE_SOURCES,
                "schedule": settings.source_tick_s,
                "options": {"queue": settings.queue_name, "expires": settings.source_tick_s},
            }
        },
        beat_schedule_filename=str(
            settings.beat_schedule_file or settings.data_dir / "celerybeat-schedule"
        ),
    )
    _register_tasks(app)

    @worker_process_init.connect(weak=False)
    def _load_voice(**_: Any) -> None:
        # Each pool process loads the default voice once, before its first task.
        load_piper_voice(context_for(app).catalog.get(settings.default_voice))

    return app


def _register_tasks(app: Celery) -> None:
    # shared=False: a shared task (Celery's default) is added to every app finalized later in
    # the process, where it would run with the first app's settings and context.
    settings: Settings = app.conf.narrate_settings

    @app.task(name=PREPARE, bind=True, shared=False)
    def prepare(self: Task, job_id: str) -> None:
        run_step(context_for(app), self, "preparing the text", prepare_job, job_id)

    @app.task(name=SYNTHESIZE, bind=True, shared=False)
    def synthesize(self: Task, job_id: str, index: int) -> None:
        stage = f"synthesizing chunk {index + 1}"
        run_step(context_for(app), self, stage, synthesize_job_chunk, job_id, index)

    @app.task(name=FINISH, bind=True, shared=False)
    def finish(self: Task, job_id: str) -> None:
        claim = self.request.id or ""
        run_step(context_for(app), self, "finishing the audio", finish_job, job_id, claim)

    @app.task(name=POLL_DUE_SOURCES, shared=False)
    def poll_due() -> None:
        poll_due_sources(context_for(app))

    @app.task(name=POLL_SOURCE, shared=False)
    def poll_source_task(source_id: str) -> None:
        poll_one_source(context_for(app), source_id)

    @app.task(name=WEBHOOK, bind=True, shared=False, max_retries=settings.webhook_attempts - 1)
    def deliver_webhook(self: Task, job_id: str) -> None:
        try:
            deliver_job_webhook(context_for(app), job_id)
        except JobNotFound:
            return
        except WebhookError as exc:
            log.warning("webhook for job %s failed (try %d): %s", job_id, self.request.retries, exc)
            if self.request.retries < self.max_retries:
                countdown = settings.webhook_backoff_s * 2**self.request.retries
                raise self.retry(countdown=countdown) from exc


def open_producers(app: Celery) -> None:
    """Connect the producer pool now, so a burst of submits does not: on a cold pool each
    of the first submits opened its own Redis connection. Best effort: with Redis down
    this logs, and a submit answers 503 as it would anyway."""
    producers = []
    try:
        for _ in range(app.conf.broker_pool_limit or 1):
            producer = app.producer_pool.acquire(block=False)
            producers.append(producer)
            producer.connection.ensure_connection(max_retries=0)
            with producer.channel.conn_or_acquire() as client:
                client.ping()  # opens the socket the channel's publishes use
    except Exception as exc:  # kombu raises several unrelated types when Redis is down
        log.warning("could not connect to the queue yet (%s: %s)", type(exc).__name__, exc)
    finally:
        for producer in producers:
            producer.release()
