"""The FastAPI app, built from one settings object: `create_app(settings)`."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any, Final

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.api import health, jobs, metrics, sources, speech, voices
from service.api.access import AccessLog
from service.api.docs import install_offline_docs
from service.api.errors import error_body, install_error_handlers
from service.job_events import JobEvents
from service.quotas import SubmitQuotas
from service.settings import Settings
from service.storage_url import open_storage
from service.store import JobStore
from service.web.routes import install_feeds_and_pages
from service.webhooks import warn_if_unsigned

log = logging.getLogger(__name__)

DESCRIPTION: Final = """
Narrate turns articles into audio with a local Piper voice.

**Submit and poll**: `POST /v1/jobs` answers 202 at once with the job's id and a
`Location`; poll `GET /v1/jobs/{id}` (progress, ETA) or give a `callback_url`; then fetch
`/audio` (HTTP Range supported), `/transcript.vtt` and `/timings.json`.

**Auth**: when API keys are configured, send `Authorization: Bearer <key>` for every
`/v1/jobs` and `/v1/feeds` call. Each key is a tenant: it reaches only the jobs and feeds
it created (another key's answer 404); admin keys reach all. Per key, at most
`NARRATE_MAX_ACTIVE_JOBS_PER_KEY` jobs queued or running and `NARRATE_SUBMITS_PER_MINUTE`
submits a minute: over either, 429 with `Retry-After`. Listening is public and read-only:
`/listen/{id}/status`, `/audio`, `/timings.json`, `/transcript.vtt` (job ids are
unguessable).
"""


class BodyLimit:
    """Refuse request bodies over `limit` bytes with 413 before anything parses them."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(send)
            return
        if declared is None and scope["method"] in ("POST", "PUT", "PATCH"):
            # No Content-Length (chunked): read it here, up to the limit, then replay it.
            body = bytearray()
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    break
                body += message.get("body", b"")
                if len(body) > self.limit:
                    await self._refuse(send)
                    return
                if not message.get("more_body"):
                    break
            replayed = False

            async def replay() -> Message:
                nonlocal replayed
                if not replayed:
                    replayed = True
                    return {"type": "http.request", "body": bytes(body), "more_body": False}
                return await receive()

            await self.app(scope, replay, send)
            return
        await self.app(scope, receive, send)

    async def _refuse(self, send: Send) -> None:
        message = f"the request body is over {self.limit} bytes"
        body = json.dumps(error_body("request_too_large", message, "body")).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


async def _watch_stalled_jobs(app: FastAPI) -> None:
    """Every `watchdog_interval_s`, re-queue or fail jobs that stopped moving (see
    `service.tasks.sweep_stalled`); a failed sweep (database or Redis down) is logged and
    the next one tries again."""
    from service.cache import ChunkCachePruner
    from service.tasks import WorkerContext, sweep_stalled

    state = app.state
    ctx = WorkerContext(
        settings=state.settings,
        store=state.store,
        storage=state.storage,
        catalog=state.catalog,
        queue=state.queue,
        cache_pruner=ChunkCachePruner(
            state.storage, state.store, int(state.settings.chunk_cache_max_bytes)
        ),
        events=state.events,
    )
    while True:
        await asyncio.sleep(state.settings.watchdog_interval_s)
        try:
            await asyncio.to_thread(sweep_stalled, ctx)
        except Exception as exc:
            log.warning("watchdog sweep failed (%s: %s)", type(exc).__name__, exc)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    watchdog = asyncio.create_task(_watch_stalled_jobs(app))
    try:
        yield
    finally:
        speech.close_engine(app)
        watchdog.cancel()
        with suppress(asyncio.CancelledError):
            await watchdog


def create_app(settings: Settings, **state: Any) -> FastAPI:
    """The API for `settings`; `state` may supply ready-made `store`, `storage`, `queue`."""
    from service.tasks import create_celery, open_producers

    app = FastAPI(
        lifespan=_lifespan,
        title="Narrate",
        version="0.1.0",
        description=DESCRIPTION,
        openapi_tags=[
            {"name": "jobs", "description": "Submit articles and fetch their audio."},
            {"name": "feeds", "description": "Podcast feeds and their episodes."},
            {"name": "voices", "description": "The voices available."},
            {"name": "sources", "description": "RSS/Atom feeds and sitemaps polled for articles."},
            {"name": "health", "description": "Liveness, readiness and metrics."},
            {"name": "listening", "description": "Public and read-only: the player pages."},
        ],
        docs_url=None,  # served by install_offline_docs, from files of our own
        redoc_url=None,
    )
    install_offline_docs(app)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    app.state.settings = settings
    app.state.store = state.get("store") or JobStore.from_url(settings.resolved_database_url())
    app.state.storage = state.get("storage") or open_storage(settings)
    app.state.queue = state.get("queue") or create_celery(settings)
    open_producers(app.state.queue)  # before the first burst of submits, not during it
    app.state.quotas = SubmitQuotas.open(settings, app.state.store)
    app.state.catalog = settings.voice_catalog()
    app.state.events = JobEvents(settings, app.state.quotas.redis)  # its connections: open
    app.state.metrics, http_metrics = metrics.metrics_registry(
        settings, app.state.store, app.state.events
    )
    if not settings.api_key_list():
        log.warning("no API keys configured (NARRATE_API_KEYS): the API is open to anyone")
    warn_if_unsigned(settings, log)
    install_error_handlers(app)
    for module in (jobs, voices, health, metrics, speech):
        app.include_router(module.router)
    install_feeds_and_pages(app)  # feeds API, RSS, listener pages (service.web.routes)
    app.state.sources = sources.SourceStore(app.state.store.engine)
    app.include_router(sources.router)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(AccessLog, metrics=http_metrics)
    return app
