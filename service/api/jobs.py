"""/v1/jobs: submit an article, poll it, fetch its audio and timings, cancel or delete it."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import unicodedata
from collections.abc import Callable
from typing import Annotated, Any, Final
from urllib.parse import quote

from fastapi import APIRouter, Header, Request, Response, status
from fastapi.responses import RedirectResponse, StreamingResponse

from service.api.deps import (
    ApiKey,
    CallerDep,
    CatalogDep,
    QueueDep,
    SettingsDep,
    StorageDep,
    StoreDep,
)
from service.api.ranges import parse_range
from service.api.schemas import ArticleIn, ErrorOut, JobAccepted, JobOut, job_links, job_out
from service.fetch import check_public_url
from service.keys import (
    job_audio_key,
    job_prefix,
    job_speechmarks_key,
    job_timings_key,
    job_vtt_key,
)
from service.quotas import SubmitQuotas
from service.storage import Storage
from service.store import Job, JobStatus
from service.tasks import PREPARE, revoke_job_tasks, task_id
from service.web.http import etag_matches, public_base_url
from workers.errors import InputTooLarge, NotFound, NotReady, QueueUnavailable, UnsafeURL
from workers.text.lexicon import request_lexicon

log = logging.getLogger(__name__)

FILENAME_CHARS: Final = 80
SPEECHMARKS_MIME: Final = "application/x-json-stream"
"""What Amazon Polly answers speech marks with: JSON objects, one a line."""
"""A download's file name is made from at most this much of the title."""

router = APIRouter(prefix="/v1/jobs", tags=["jobs"], dependencies=[ApiKey])

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "Missing or wrong API key."},
    404: {
        "model": ErrorOut,
        "description": "No such job, or another key's (the same answer: nothing leaks).",
    },
}


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobAccepted,
    summary="Submit an article",
    responses={
        **_ERRORS,
        409: {"model": ErrorOut, "description": "Idempotency-Key reused for another request."},
        413: {"model": ErrorOut, "description": "The article is longer than the limit."},
        422: {
            "model": ErrorOut,
            "description": "A field is invalid; `field` names it (`feed`: no such feed of "
            "this key's).",
        },
        429: {
            "model": ErrorOut,
            "description": "Over this key's quota (jobs queued or running, or submits a "
            "minute); `Retry-After` says in how many seconds to try again.",
            "headers": {"Retry-After": {"schema": {"type": "integer"}}},
        },
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
    caller: CallerDep,
    idempotency_key: Annotated[str | None, Header(max_length=255)] = None,
) -> JobAccepted:
    """Queue an article for narration. Answers at once with the job's id and links;
    poll `links.self` (or wait for the `callback_url`). Resending with the same
    `Idempotency-Key` returns the same job (keys are per API key, and a resend is never
    refused by the quota)."""
    if len(article.source) > settings.max_article_chars:
        field = "text" if article.text is not None else "html"
        raise InputTooLarge(
            f"'{field}' has {len(article.source)} characters; "
            f"the limit is {settings.max_article_chars}",
            field=field,
        )
    voice = catalog.get(article.voice or settings.default_voice)
    reading, feed_disclosure = None, None
    if article.feed:
        feed = request.app.state.feeds.require(article.feed, caller.scope)
        reading, feed_disclosure = feed.reading, feed.disclosure
    if article.callback_url:
        try:
            check_public_url(str(article.callback_url), settings.allow_private_urls)
        except UnsafeURL as exc:
            exc.field = "callback_url"
            raise
    job_request = article.to_request(voice.id, caller.key_id, reading, feed_disclosure)
    request_lexicon(job_request.lexicon)  # a bad entry is a 422 now, not a failed job later
    stored = job_request.to_json()
    digest = hashlib.sha256(json.dumps(stored, sort_keys=True).encode()).hexdigest()
    key = idempotency_key or None
    known = store.by_idempotency_key(key, digest, caller.key_id) if key else None
    if known is not None:
        job, created = known, False
    else:
        quotas: SubmitQuotas = request.app.state.quotas
        quotas.check(caller.key_id)
        job, created = store.create(job_request, digest, key)
    if created:
        try:
            # ignore_result: without it Celery subscribes this process to a result channel
            # per job (a Redis round trip each, and a set that only grows); the job's
            # outcome is in the store, never in a Celery result.
            queue.send_task(
                PREPARE,
                args=[job.id],
                queue=settings.queue_name,
                ignore_result=True,
                task_id=task_id(job.id, PREPARE),
            )
        except Exception as exc:  # kombu raises several unrelated types when Redis is down
            unqueued = "the job could not be queued; submit it again"
            if store.fail(job.id, unqueued):
                request.app.state.events.failed(job.id, unqueued)
            raise QueueUnavailable(f"the queue is unreachable: {type(exc).__name__}") from exc
        request.app.state.events.queued(job)
    base = public_base_url(request, settings)
    response.headers["Location"] = f"{base}/v1/jobs/{job.id}"
    if idempotency_key:
        response.headers["Idempotency-Key"] = idempotency_key
    return JobAccepted(id=job.id, status=job.status, links=job_links(base, job))


@router.get("/{job_id}", response_model=JobOut, summary="A job's status", responses=_ERRORS)
def get_job(
    job_id: str, request: Request, settings: SettingsDep, store: StoreDep, caller: CallerDep
) -> JobOut:
    """Status, progress (chunks done of total, percent, ETA) and, when done, the audio."""
    return job_out(store.get(job_id, caller.scope), public_base_url(request, settings))


def content_disposition(title: str | None, fallback: str, extension: str) -> str:
    """`inline` with a file name made from the title: an ASCII name for every client, and
    the title as written in `filename*` (RFC 6266 / 8187) for those that read it."""
    name = " ".join((title or "").split())[:FILENAME_CHARS].strip() or fallback
    ascii_name = re.sub(r"[^A-Za-z0-9]+", "-", unicodedata.normalize("NFKD", name)).strip("-")
    ascii_name = ascii_name or fallback
    encoded = quote(f"{name}.{extension}", safe="")
    return f"inline; filename=\"{ascii_name}.{extension}\"; filename*=UTF-8''{encoded}"


def _audio_headers(job: Job) -> tuple[dict[str, str], str]:
    if job.status is not JobStatus.DONE or not job.result:
        raise NotReady(f"job {job.id} is {job.status.value}; it has no audio")
    r = job.result
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": f'"{r.etag}"',
        "Content-Type": r.mime,
        "Cache-Control": "public, max-age=86400",
        "Content-Disposition": content_disposition(job.title, job.id, r.format.value),
    }
    return headers, job_audio_key(job.id, r.format)


def audio_response(
    job: Job,
    storage: StorageDep,
    range_header: str | None,
    if_range: str | None,
    head: bool,
    if_none_match: str | None = None,
) -> Response:
    """A finished job's audio with ETag, If-None-Match (304), If-Range and Range (206/416)
    handling; shared by this API, the listening page and the feeds' episode enclosures.
    With object storage, a GET is redirected to a presigned URL (the store, or a CDN before
    it, serves the bytes and the Range); HEAD is answered here, with the exact length."""
    headers, key = _audio_headers(job)
    if if_none_match is not None and etag_matches(if_none_match, headers["ETag"]):
        # RFC 9110 §13.2.2: If-None-Match is evaluated before Range, with weak comparison.
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    if not head:
        url = storage.download_url(
            key,
            content_type=headers["Content-Type"],
            content_disposition=headers["Content-Disposition"],
        )
        if url is not None:
            return RedirectResponse(url, status.HTTP_302_FOUND, {"Cache-Control": "no-store"})
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
    return StreamingResponse(storage.read_range(key, start, end), status_code=code, headers=headers)


_AUDIO_RESPONSES: dict[int | str, dict[str, Any]] = {
    **_ERRORS,
    206: {"description": "The requested byte range."},
    302: {
        "description": "With object storage: a presigned URL of the file, which serves "
        "Range itself (`NARRATE_STORAGE_REDIRECT`; HEAD is never redirected)."
    },
    304: {"description": "`If-None-Match` named the file's ETag: the client's copy is current."},
    409: {"model": ErrorOut, "description": "The job has no audio (not done)."},
    416: {"model": ErrorOut, "description": "The range is outside the file."},
}


@router.get(
    "/{job_id}/audio",
    summary="The audio (supports Range)",
    response_class=Response,
    responses={200: {"content": {"audio/mpeg": {}}}, **_AUDIO_RESPONSES},
)
@router.head("/{job_id}/audio", summary="The audio's headers", responses=_AUDIO_RESPONSES)
def get_audio(
    job_id: str,
    request: Request,
    store: StoreDep,
    storage: StorageDep,
    caller: CallerDep,
    range: Annotated[str | None, Header()] = None,
    if_range: Annotated[str | None, Header()] = None,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """The delivered file, with `ETag`, `Accept-Ranges` and single byte ranges (206);
    HEAD answers the same headers without the body; 304 when `If-None-Match` names the
    file's ETag."""
    job = store.get(job_id, caller.scope)
    return audio_response(
        job, storage, range, if_range, head=request.method == "HEAD", if_none_match=if_none_match
    )


@router.get(
    "/{job_id}/transcript.vtt",
    summary="Subtitles with word timings as WebVTT",
    response_class=Response,
    responses={200: {"content": {"text/vtt": {}}}, **_AUDIO_RESPONSES},
)
def get_transcript(
    job_id: str, store: StoreDep, storage: StorageDep, caller: CallerDep
) -> Response:
    job = store.get(job_id, caller.scope)
    return finished_text(job, storage, job_vtt_key, "text/vtt; charset=utf-8")


@router.get(
    "/{job_id}/timings.json",
    summary="Sentence and word timings and loudness as JSON",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}}, **_AUDIO_RESPONSES},
)
def get_timings(job_id: str, store: StoreDep, storage: StorageDep, caller: CallerDep) -> Response:
    job = store.get(job_id, caller.scope)
    return finished_text(job, storage, job_timings_key, "application/json")


@router.get(
    "/{job_id}/speechmarks.jsonl",
    summary="Sentence and word speech marks, as Amazon Polly's JSON lines",
    response_class=Response,
    responses={200: {"content": {SPEECHMARKS_MIME: {}}}, **_AUDIO_RESPONSES},
)
def get_speechmarks(
    job_id: str, store: StoreDep, storage: StorageDep, caller: CallerDep
) -> Response:
    job = store.get(job_id, caller.scope)
    return finished_text(job, storage, job_speechmarks_key, SPEECHMARKS_MIME)


def finished_text(
    job: Job, storage: Storage, key: Callable[[str], str], media_type: str
) -> Response:
    """A finished job's stored text file (transcript or timings); 409 before it is done,
    404 when the job was delivered before the service made that file."""
    _audio_headers(job)
    try:
        return Response(storage.read_text(key(job.id)), media_type=media_type)
    except FileNotFoundError:
        raise NotFound(f"job {job.id} was delivered without this file") from None


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
    job_id: str,
    request: Request,
    settings: SettingsDep,
    store: StoreDep,
    storage: StorageDep,
    caller: CallerDep,
) -> Response:
    """A queued or running job is cancelled (202): workers stop taking its chunks. A
    finished one (done, failed, cancelled) is deleted with its files (204)."""
    job = store.get(job_id, caller.scope)  # another key's job: 404, nothing touched
    if not job.status.finished and store.cancel(job_id):
        cancelled = store.get(job_id)
        revoke_job_tasks(request.app.state.queue, job_id, cancelled.chunks_total)
        request.app.state.events.cancelled(cancelled)
        out = job_out(cancelled, public_base_url(request, settings))
        return Response(out.model_dump_json(), status_code=202, media_type="application/json")
    store.delete(job_id)
    storage.delete_prefix(job_prefix(job_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
