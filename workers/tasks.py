"""The Celery shell around the engine: the app factory and the tasks of one job.

A job is a chord: `prepare` (extract, normalize, segment; store chunks) → a group of
`synthesize` (one chunk each, skipped when the chunk cache has it) → `finish` (stitch,
master, tag, store; then the webhook). Tasks carry a job id and a chunk index only; the
text comes from the database and audio goes to storage.

The chord's join counter lives in the database, not in Celery's result backend: each chunk
is counted once however often its task runs, and the task that completes the set queues
`finish`. Celery's Redis chord counted redelivered tasks twice and recorded a Redis restart
as a failed part, which left the job waiting for ever; the database count survives both.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from celery import Celery, Task, group
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_process_init
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy.exc import OperationalError

from service.feeds.episodes import add_chapters_to_mp3, publish_finished_job
from service.settings import Settings
from service.storage import DirectoryStorage, Storage
from service.store import JobStatus, JobStore
from voices.catalog import Voice, VoiceCatalog, load_piper_voice
from workers.cache import NO_LEXICON, chunk_audio_key, chunk_cache_key
from workers.errors import JobNotFound, NarrateError
from workers.master import AudioFormat, Tags, master_program
from workers.pipeline import ConvertOptions, stitch_program
from workers.synthesis import ChunkAudio, SynthesisSettings, synthesize_chunk
from workers.text.lexicon import request_lexicon
from workers.text.prepare import ArticleMeta, InputFormat, prepare_article

log = logging.getLogger(__name__)

TRANSIENT: Final = (OperationalError, RedisConnectionError, ConnectionError, TimeoutError)
"""Errors worth a retry: the database, Redis or the network hiccuped. Input and synthesis
errors are not retried: the same input fails the same way."""


def job_audio_key(job_id: str, fmt: str) -> str:
    return f"jobs/{job_id}/audio.{fmt}"


def job_vtt_key(job_id: str) -> str:
    return f"jobs/{job_id}/transcript.vtt"


def job_timings_key(job_id: str) -> str:
    return f"jobs/{job_id}/timings.json"


def job_prefix(job_id: str) -> str:
    return f"jobs/{job_id}"


@dataclass
class WorkerContext:
    """What a worker process holds for its lifetime: store, storage, voices."""

    settings: Settings
    store: JobStore
    storage: Storage
    catalog: VoiceCatalog
    _synthesis: dict[str, SynthesisSettings] = field(default_factory=dict)

    @classmethod
    def create(cls, settings: Settings) -> WorkerContext:
        return cls(
            settings=settings,
            store=JobStore.from_url(settings.resolved_database_url()),
            storage=DirectoryStorage(settings.resolved_storage_dir()),
            catalog=settings.voice_catalog(),
        )

    def voice(self, job_request: dict[str, Any]) -> Voice:
        return self.catalog.get(job_request.get("voice") or self.settings.default_voice)


_contexts: dict[int, WorkerContext] = {}


def context_for(app: Celery) -> WorkerContext:
    """This process's context for `app` (built on first use after the fork)."""
    key = id(app)
    if key not in _contexts:
        _contexts[key] = WorkerContext.create(app.conf.narrate_settings)
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
    )
    _register_tasks(app)

    @worker_process_init.connect(weak=False)
    def _load_voice(**_: Any) -> None:
        # Each pool process loads the default voice once, before its first task.
        ctx = context_for(app)
        load_piper_voice(ctx.catalog.get(settings.default_voice))

    return app


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


def _register_tasks(app: Celery) -> None:
    retry_options: dict[str, Any] = {
        "autoretry_for": TRANSIENT,
        "retry_backoff": True,
        "retry_backoff_max": 60,
        "retry_jitter": True,
        "max_retries": app.conf.narrate_settings.task_max_retries,
    }

    def notify(ctx: WorkerContext, job_id: str) -> None:
        job = ctx.store.get(job_id)
        if job.request.get("callback_url"):
            deliver_webhook.delay(job_id)

    def fail(ctx: WorkerContext, job_id: str, message: str) -> None:
        if ctx.store.fail(job_id, message):
            notify(ctx, job_id)

    @app.task(name="narrate.prepare", bind=True, **retry_options)
    def prepare(self: Task, job_id: str) -> None:
        ctx = context_for(app)
        try:
            job = ctx.store.get(job_id)
        except JobNotFound:
            return  # deleted before it started
        if not ctx.store.start(job_id):
            return  # cancelled
        req = job.request
        try:
            voice = ctx.voice(req)
            synthesis = SynthesisSettings(speed=req.get("speed", 1.0))
            text, input_format = (
                (req["html"], InputFormat.HTML) if req.get("html") else (req["text"], None)
            )
            meta = ArticleMeta(
                title=req.get("title"),
                author=req.get("author"),
                publication=req.get("publication"),
                language=req.get("language") or "en",
            )
            lexicon = request_lexicon(req.get("lexicon"))
            article = prepare_article(text, meta, input_format or InputFormat.TEXT, lexicon=lexicon)
        except NarrateError as exc:
            fail(ctx, job_id, str(exc))
            return
        lexicon_version = lexicon.version if lexicon else NO_LEXICON
        entries = []
        for chunk in article.chunks:
            key = chunk_cache_key(chunk, voice, synthesis, lexicon_version)
            entries.append((chunk, key, ctx.storage.exists(chunk_audio_key(key))))
        ctx.store.set_chunks(job_id, entries)
        pending = [c.chunk.index for c in ctx.store.chunks(job_id) if not c.done]
        if pending:
            group(synthesize.si(job_id, i) for i in pending).apply_async()
        else:
            finish.delay(job_id)

    def finish_when_complete(ctx: WorkerContext, job_id: str) -> None:
        if ctx.store.all_chunks_done(job_id):
            finish.delay(job_id)

    @app.task(name="narrate.synthesize", bind=True, **retry_options)
    def synthesize(self: Task, job_id: str, index: int) -> None:
        ctx = context_for(app)
        try:
            job = ctx.store.get(job_id)
        except JobNotFound:
            return
        if job.status is not JobStatus.RUNNING:
            return  # cancelled or failed: stop working on it
        stored = ctx.store.chunk(job_id, index)
        if stored.done:
            # A redelivered task whose work was already counted: the first run may have
            # died before queueing `finish`.
            finish_when_complete(ctx, job_id)
            return
        key = chunk_audio_key(stored.cache_key)
        if ctx.storage.exists(key):
            if ctx.store.mark_chunk_done(job_id, index, 0.0, cached=True):
                finish_when_complete(ctx, job_id)
            return
        try:
            voice = ctx.voice(job.request)
            started = time.perf_counter()
            audio = synthesize_chunk(
                load_piper_voice(voice),
                stored.chunk,
                SynthesisSettings(speed=job.request.get("speed", 1.0)),
            )
            seconds = time.perf_counter() - started
            audio.write(ctx.storage.local_path(key))
        except (NarrateError, SoftTimeLimitExceeded) as exc:
            fail(ctx, job_id, f"chunk {index + 1} could not be synthesized: {exc}")
            return
        if ctx.store.mark_chunk_done(job_id, index, seconds, cached=False):
            finish_when_complete(ctx, job_id)

    @app.task(name="narrate.finish", bind=True, **retry_options)
    def finish(self: Task, job_id: str) -> None:
        ctx = context_for(app)
        try:
            job = ctx.store.get(job_id)
        except JobNotFound:
            return
        if job.status is not JobStatus.RUNNING:
            return
        chunks = ctx.store.chunks(job_id)
        if not all(c.done for c in chunks):
            return  # the task that completes the set queues `finish` again
        stale = float(ctx.settings.task_time_limit_s)
        if not ctx.store.claim_finish(job_id, self.request.id or "", stale):
            return  # another `finish` of this job is at work
        req = job.request
        try:
            result = _master_job(ctx, job_id, req, chunks)
        except (NarrateError, SoftTimeLimitExceeded) as exc:
            fail(ctx, job_id, f"the audio could not be finished: {exc}")
            return
        if ctx.store.finish(job_id, result):
            publish_finished_job(ctx.store, ctx.storage, job_id)  # `feed`: becomes an episode
            notify(ctx, job_id)
        else:  # cancelled while mastering
            ctx.storage.delete_prefix(job_prefix(job_id))

    settings = app.conf.narrate_settings

    @app.task(
        name="narrate.deliver_webhook",
        bind=True,
        max_retries=settings.webhook_attempts - 1,
        acks_late=True,
    )
    def deliver_webhook(self: Task, job_id: str) -> None:
        from service.webhooks import WebhookError, deliver, webhook_body

        ctx = context_for(app)
        try:
            job = ctx.store.get(job_id)
        except JobNotFound:
            return
        url = job.request["callback_url"]
        try:
            deliver(url, webhook_body(job), settings.webhook_secret, settings.webhook_timeout_s)
        except WebhookError as exc:
            ctx.store.record_webhook(job_id, str(exc))
            log.warning(
                "webhook for job %s failed (attempt %d): %s", job_id, job.webhook_attempts + 1, exc
            )
            if self.request.retries < self.max_retries:
                raise self.retry(
                    countdown=settings.webhook_backoff_s * 2**self.request.retries
                ) from exc
            return  # recorded on the job; the job itself stays as it ended
        ctx.store.record_webhook(job_id, None)

    app.narrate_tasks = {  # type: ignore[attr-defined]
        "prepare": prepare,
        "synthesize": synthesize,
        "finish": finish,
        "deliver_webhook": deliver_webhook,
    }


def _master_job(
    ctx: WorkerContext, job_id: str, req: dict[str, Any], chunks: list[Any]
) -> dict[str, Any]:
    """Stitch the cached chunk audio, master it, store audio + transcript + timings."""
    from workers.timings import render_timings_json, render_vtt

    voice = ctx.voice(req)
    fmt = AudioFormat(req.get("format") or "mp3")
    options = ConvertOptions(
        format=fmt,
        synthesis=SynthesisSettings(speed=req.get("speed", 1.0)),
        mp3_kbps=ctx.settings.mp3_kbps,
    )
    tags = Tags(req.get("title"), req.get("author"), req.get("publication"), None, voice.id)
    audio_key = job_audio_key(job_id, fmt.value)
    with tempfile.TemporaryDirectory(prefix="narrate-finish-") as scratch:
        program = stitch_program(
            [c.chunk for c in chunks],
            (
                ChunkAudio.read(ctx.storage.local_path(chunk_audio_key(c.cache_key)), c.chunk.index)
                for c in chunks
            ),
            Path(scratch) / "program.wav",
            voice.sample_rate,
            options,
        )
        out = Path(scratch) / f"audio.{fmt.value}"
        report = master_program(program, out, fmt, tags, ctx.settings.mp3_kbps)
        if fmt is AudioFormat.MP3:  # ID3 CHAP/CTOC from the article's headings
            add_chapters_to_mp3(out, program.timings, program.duration, req.get("title"))
        digest = hashlib.sha256(out.read_bytes()).hexdigest()
        size = out.stat().st_size
        ctx.storage.publish(audio_key, out)
    ctx.storage.write_text(job_vtt_key(job_id), render_vtt(program.timings))
    ctx.storage.write_text(
        job_timings_key(job_id),
        render_timings_json(
            program.timings, program.duration, voice=voice.id, loudness=report.as_dict()
        ),
    )
    m = report.measurement
    return {
        "format": fmt.value,
        "mime": fmt.mime,
        "audio_key": audio_key,
        "etag": digest[:32],
        "size": size,
        "duration": round(program.duration, 3),
        "integrated_lufs": round(m.integrated_lufs, 2),
        "true_peak_dbtp": round(m.true_peak_dbtp, 2),
        "voice": voice.id,
        "sentences": len(program.timings),
    }
