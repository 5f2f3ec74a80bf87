"""/v1/jobs: submit an article, poll it, fetch its audio and timings, cancel or delete it."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterator
from typing import Annotated, Any, Final

from fastapi import APIRouter, Header, Request, Response, status
from fastapi.responses import StreamingResponse

from service.api.deps import ApiKey, CatalogDep, QueueDep, SettingsDep, StorageDep, StoreDep
from service.api.ranges import parse_range
from service.api.schemas import (
    ArticleIn,
    AudioResult,
    ErrorOut,
    JobAccepted,
    JobOut,
    Links,
    Progress,
    WebhookState,
)
from service.storage import Storage
from service.store import Job, JobStatus
from service.web.http import public_base_url
from workers.errors import InputTooLarge, NotReady, QueueUnavailable
from workers.tasks import job_prefix, job_timings_key, job_vtt_key
from workers.text.lexicon import request_lexicon

log = logging.getLogger(__name__)

READ_BLOCK: Final = 64 * 1024
PREPARE_TASK: Final = "narrate.prepare"

router = APIRouter(prefix="/v1/jobs", tags=["jobs"], dependencies=[ApiKey])

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "Missing or wrong API key."},
    404: {"model": ErrorOut, "description": "No such job."},
}


def _links(base: str, job: Job) -> Links:
    url = f"{base}/v1/jobs/{job.id}"
    done = job.status is JobStatus.DONE
    return Links(
        self=url,
        audio=f"{url}/audio" if done else None,
        transcript=f"{url}/transcript.vtt" if done else None,
        timings=f"{url}/timings.json" if done else None,
    )


def _progress(job: Job) -> Progress:
    total, done = job.chunks_total, job.chunks_done
    percent = 100.0 if job.status is JobStatus.DONE else (100.0 * done / total if total else 0.0)
    eta = None
    synthesized = done - job.chunks_cached
    if job.status is JobStatus.RUNNING and job.started_at and synthesized > 0 and total:
        elapsed = time.time() - job.started_at
        eta = round(elapsed / synthesized * (total - done), 1)
    return Progress(
        chunks_done=done,
        chunks_total=total,
        chunks_cached=job.chunks_cached,
        percent=round(percent, 1),
        eta_seconds=eta,
    )


def job_out(job: Job, base: str) -> JobOut:
    req = job.request
    links = _links(base, job)
    audio = None
    if job.status is JobStatus.DONE and job.result:
        r = job.result
        audio = AudioResult(
            url=links.audio or "",
            format=r["format"],
            mime=r["mime"],
            size_bytes=r["size"],
            duration_seconds=r["duration"],
            integrated_lufs=r["integrated_lufs"],
            true_peak_dbtp=r["true_peak_dbtp"],
            voice=r["voice"],
        )
    webhook = None
    if req.get("callback_url"):
        webhook = WebhookState(
            attempts=job.webhook_attempts,
            delivered=job.webhook_delivered_at is not None,
            last_error=job.webhook_error,
        )
    return JobOut(
        id=job.id,
        status=job.status,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        progress=_progress(job),
        title=req.get("title"),
        voice=req.get("voice"),
        speed=req.get("speed", 1.0),
        format=req.get("format", "mp3"),
        feed=req.get("feed"),
        audio=audio,
        error=job.error,
        webhook=webhook,
        links=links,
    )


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobAccepted,
    summary="Submit an article",
    responses={
        **_ERRORS,
        409: {"model": ErrorOut, "description": "Idempotency-Key reused for another request."},
        413: {"model": ErrorOut, "description": "The article is longer than the limit."},
        422: {"model": ErrorOut, "description": "A field is invalid; `field` names it."},
        503: {"model": ErrorOut, "description": "The queue is unreachable; submit again."},
    },
)
def submit_job(
    article: ArticleIn,
    request: Request,
    response: Response,
    settings: SettingsDep,
    store: StoreDep,
    queue: QueueDep,
    catalog: CatalogDep,
    idempotency_key: Annotated[str | None, Header(max_length=255)] = None,
) -> JobAccepted:
    """Queue an article for narration. Answers at once with the job's id and links;
    poll `links.self` (or wait for the `callback_url`). Resending with the same
    `Idempotency-Key` returns the same job."""
    if len(article.source) > settings.max_article_chars:
        field = "text" if article.text is not None else "html"
        error = InputTooLarge(
            f"'{field}' has {len(article.source)} characters; "
            f"the limit is {settings.max_article_chars}"
        )
        error.field = field  # type: ignore[attr-defined]
        raise error
    catalog.get(article.voice or settings.default_voice)
    if article.feed:
        request.app.state.feeds.require(article.feed)
    request_lexicon([e.model_dump() for e in article.lexicon or []])
    stored = article.as_request()
    digest = hashlib.sha256(json.dumps(stored, sort_keys=True).encode()).hexdigest()
    job, created = store.create(stored, digest, idempotency_key or None)
    if created:
        try:
            # ignore_result: without it Celery subscribes this process to a result channel
            # per job (a Redis round trip each, and a set that only grows); the job's
            # outcome is in the store, never in a Celery result.
            queue.send_task(
                PREPARE_TASK, args=[job.id], queue=settings.queue_name, ignore_result=True
            )
        except Exception as exc:  # kombu raises several unrelated types when Redis is down
            store.fail(job.id, "the job could not be queued; submit it again")
            raise QueueUnavailable(f"the queue is unreachable: {type(exc).__name__}") from exc
    base = public_base_url(request, settings)
    response.headers["Location"] = f"{base}/v1/jobs/{job.id}"
    if idempotency_key:
        response.headers["Idempotency-Key"] = idempotency_key
    return JobAccepted(id=job.id, status=job.status, links=_links(base, job))


@router.get("/{job_id}", response_model=JobOut, summary="A job's status", responses=_ERRORS)
def get_job(job_id: str, request: Request, settings: SettingsDep, store: StoreDep) -> JobOut:
    """Status, progress (chunks done of total, percent, ETA) and, when done, the audio."""
    return job_out(store.get(job_id), public_base_url(request, settings))


def _audio_headers(job: Job) -> tuple[dict[str, str], str]:
    if job.status is not JobStatus.DONE or not job.result:
        raise NotReady(f"job {job.id} is {job.status.value}; it has no audio")
    r = job.result
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": f'"{r["etag"]}"',
        "Content-Type": r["mime"],
        "Cache-Control": "public, max-age=86400",
        "Content-Disposition": f'inline; filename="{job.id}.{r["format"]}"',
    }
    return headers, r["audio_key"]


def audio_response(
    job: Job, storage: StorageDep, range_header: str | None, if_range: str | None, head: bool
) -> Response:
    """A finished job's audio with ETag, If-Range and Range (206/416) handling; shared by
    this API and the feeds' episode enclosures."""
    headers, key = _audio_headers(job)
    size = storage.size(key)
    if if_range and if_range.strip() != headers["ETag"]:
        range_header = None  # the file changed since the client's copy: send it whole
    span = parse_range(range_header, size)
    if span is None:
        start, end, code = 0, size - 1, status.HTTP_200_OK
    else:
        (start, end), code = span, status.HTTP_206_PARTIAL_CONTENT
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    headers["Content-Length"] = str(end - start + 1)
    if head:
        return Response(status_code=code, headers=headers)
    return StreamingResponse(
        _read_span(storage, key, start, end), status_code=code, headers=headers
    )


def _read_span(storage: StorageDep, key: str, start: int, end: int) -> Iterator[bytes]:
    with storage.open(key) as fh:
        fh.seek(start)
        left = end - start + 1
        while left > 0:
            block = fh.read(min(READ_BLOCK, left))
            if not block:
                break
            left -= len(block)
            yield block


_AUDIO_RESPONSES: dict[int | str, dict[str, Any]] = {
    **_ERRORS,
    206: {"description": "The requested byte range."},
    409: {"model": ErrorOut, "description": "The job has no audio (not done)."},
    416: {"model": ErrorOut, "description": "The range is outside the file."},
}


@router.get(
    "/{job_id}/audio",
    summary="The audio (supports Range)",
    response_class=Response,
    responses={200: {"content": {"audio/mpeg": {}}}, **_AUDIO_RESPONSES},
)
def get_audio(
    job_id: str,
    store: StoreDep,
    storage: StorageDep,
    range: Annotated[str | None, Header()] = None,
    if_range: Annotated[str | None, Header()] = None,
) -> Response:
    """The delivered file, with `ETag`, `Accept-Ranges` and single byte ranges (206)."""
    return audio_response(store.get(job_id), storage, range, if_range, head=False)


@router.head("/{job_id}/audio", summary="The audio's headers", responses=_AUDIO_RESPONSES)
def head_audio(
    job_id: str,
    store: StoreDep,
    storage: StorageDep,
    range: Annotated[str | None, Header()] = None,
    if_range: Annotated[str | None, Header()] = None,
) -> Response:
    return audio_response(store.get(job_id), storage, range, if_range, head=True)


@router.get(
    "/{job_id}/transcript.vtt",
    summary="Sentence timings as WebVTT",
    response_class=Response,
    responses={200: {"content": {"text/vtt": {}}}, **_AUDIO_RESPONSES},
)
def get_transcript(job_id: str, store: StoreDep, storage: StorageDep) -> Response:
    return _finished_text(store.get(job_id), storage, job_vtt_key, "text/vtt; charset=utf-8")


@router.get(
    "/{job_id}/timings.json",
    summary="Sentence timings and loudness as JSON",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}}, **_AUDIO_RESPONSES},
)
def get_timings(job_id: str, store: StoreDep, storage: StorageDep) -> Response:
    return _finished_text(store.get(job_id), storage, job_timings_key, "application/json")


def _finished_text(
    job: Job, storage: Storage, key: Callable[[str], str], media_type: str
) -> Response:
    """A finished job's stored text file (transcript or timings); 409 before it is done."""
    _audio_headers(job)
    return Response(storage.read_text(key(job.id)), media_type=media_type)


@router.delete(
    "/{job_id}",
    summary="Cancel a running job, or delete a finished one",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={
        **_ERRORS,
        202: {"model": JobOut, "description": "Cancelled; its chunk tasks stop."},
        204: {"description": "Deleted with its files."},
    },
)
def delete_job(
    job_id: str, request: Request, settings: SettingsDep, store: StoreDep, storage: StorageDep
) -> Response:
    """A queued or running job is cancelled (202): workers stop taking its chunks. A
    finished one (done, failed, cancelled) is deleted with its files (204)."""
    job = store.get(job_id)
    if not job.status.finished and store.cancel(job_id):
        out = job_out(store.get(job_id), public_base_url(request, settings))
        return Response(out.model_dump_json(), status_code=202, media_type="application/json")
    store.delete(job_id)
    storage.delete_prefix(job_prefix(job_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
