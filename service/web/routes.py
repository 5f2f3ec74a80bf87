"""The listener's side: the player pages, the feed page and RSS, episode files, and the
public, read-only listening paths the player uses (`/listen/{job_id}/...`)."""

from __future__ import annotations

import hmac
import json
import re
from html import escape
from pathlib import Path
from typing import Annotated, Any, Final, Literal
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, FastAPI, Header, Query, Request, Response
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from service.api import feeds as feeds_api
from service.api.deps import SettingsDep, StorageDep, StoreDep
from service.api.feeds import FeedStoreDep
from service.api.jobs import audio_response, finished_text
from service.api.schemas import ErrorOut
from service.api.schemas import _progress as job_progress
from service.feeds import publish
from service.feeds.episodes import timings_of
from service.feeds.rss import RSS_MIME
from service.feeds.store import EpisodeRecord, Feed, FeedStore
from service.keys import job_timings_key, job_vtt_key
from service.store import Job, JobStatus
from service.web.http import conditional_response, public_base_url
from service.web.pages import FAVICON, FAVICON_SVG, template
from workers.chapters import chapters_from_timings, render_chapters_json
from workers.errors import EpisodeNotFound, FeedNotFound, JobNotFound
from workers.timings import render_vtt

WEB_DIR: Final = Path(__file__).parent
FEED_CACHE: Final = "public, max-age=300"
PRIVATE_CACHE: Final = "private, max-age=300"
TRANSCRIPT_JSON_VERSION: Final = "1.0.0"
LISTEN_CACHE: Final = "public, max-age=86400"
"""A finished job's files do not change (a resubmit is another job)."""

EMBED_HEIGHT_PX: Final = 96
"""The compact player's bar (the iframe snippet's height; the issue's bound is 120)."""
EMBED_WIDTH_PX: Final = 640
AI_LABEL: Final = "This audio is created with AI assistance"
OEMBED_PATH: Final = re.compile(r"/(?:jobs|embed)/(?P<id>[0-9a-f]{32})/?$")
CORS: Final = {"Access-Control-Allow-Origin": "*"}
"""On transcripts and chapters: podcast apps on the web read them from other origins."""

router = APIRouter(tags=["pages"], include_in_schema=False)
listen_router = APIRouter(
    prefix="/listen",
    tags=["listening"],
    responses={404: {"model": ErrorOut, "description": "No such job."}},
)


def _page(name: str, **values: str) -> HTMLResponse:
    player = template("_player.html").template
    return HTMLResponse(template(name).substitute(values, player=player, favicon=FAVICON))


def _feed_for(feeds: FeedStore, slug: str, token: str | None) -> Feed:
    """The feed; a private feed without its token is as absent as an unknown one (404)."""
    feed = feeds.get(slug)
    if feed.token and not (token and hmac.compare_digest(token.encode(), feed.token.encode())):
        raise FeedNotFound(slug)
    return feed


@router.get("/")
def index_page() -> HTMLResponse:
    return _page("index.html")


def _byline(job: Job) -> str:
    """Publication · author · date, as far as they are known."""
    article = job.article
    req = job.request
    parts = [
        (article.publication if article else None) or req.publication,
        f"By {author}" if (author := (article.author if article else None) or req.author) else None,
        (article.date if article else None) or req.date,
    ]
    return " · ".join(p for p in parts if p)


def embed_snippets(base: str, job: Job) -> tuple[str, str]:
    """(iframe, script): the HTML a host page pastes to show the compact player."""
    url = f"{base}/embed/{job.id}"
    title = escape(job.title or "Narrated article", quote=True)
    iframe = (
        f'<iframe src="{url}" title="Listen: {title}" width="100%" height="{EMBED_HEIGHT_PX}" '
        'style="border:0;max-width:100%" loading="lazy" allow="autoplay"></iframe>'
    )
    script = f'<script src="{base}/static/embed.js" data-src="{url}" async></script>'
    return iframe, script


class ListenLinks(BaseModel):
    """The finished job's files, for the player (None until it is done)."""

    audio: str | None = None
    timings: str | None = None
    transcript: str | None = None


class ListenOut(BaseModel):
    """A job as a listener sees it: no request text, callback URL, owner or error detail."""

    id: str
    status: JobStatus
    title: str | None
    percent: float = Field(description="Progress, 0–100.")
    eta_seconds: float | None = Field(default=None, description="While running: time left.")
    duration_seconds: float | None = Field(description="The audio's length, once done.")
    links: ListenLinks


def listen_out(job: Job) -> ListenOut:
    done = job.status is JobStatus.DONE and job.result is not None
    total = job.chunks_total
    percent = 100.0 if done else (100.0 * job.chunks_done / total if total else 0.0)
    base = f"/listen/{job.id}"
    links = (
        ListenLinks(
            audio=f"{base}/audio",
            timings=f"{base}/timings.json",
            transcript=f"{base}/transcript.vtt",
        )
        if done
        else ListenLinks()
    )
    return ListenOut(
        id=job.id,
        status=job.status,
        title=job.title,
        percent=round(percent, 1),
        eta_seconds=job_progress(job).eta_seconds,
        duration_seconds=round(job.result.duration, 3) if done and job.result else None,
        links=links,
    )


@listen_router.get("/{job_id}/status", response_model=ListenOut, summary="A job, for listeners")
def listen_status(job_id: str, store: StoreDep, response: Response) -> ListenOut:
    """Status, progress and title of a job, without a key: what the player page polls. Job
    ids are unguessable; everything else about the job stays behind the key."""
    response.headers["Cache-Control"] = "no-store"
    return listen_out(store.get(job_id))


_LISTEN_AUDIO_RESPONSES: Final[dict[int | str, dict[str, Any]]] = {
    206: {"description": "The requested byte range."},
    409: {"model": ErrorOut, "description": "The job has no audio (not done)."},
    416: {"model": ErrorOut, "description": "The range is outside the file."},
}


@listen_router.get(
    "/{job_id}/audio",
    summary="The audio, for listeners (supports Range)",
    response_class=Response,
    responses={200: {"content": {"audio/mpeg": {}}}, **_LISTEN_AUDIO_RESPONSES},
)
@listen_router.head(
    "/{job_id}/audio",
    summary="The audio's headers, for listeners",
    responses=_LISTEN_AUDIO_RESPONSES,
)
def listen_audio(
    job_id: str,
    request: Request,
    store: StoreDep,
    storage: StorageDep,
    range: Annotated[str | None, Header()] = None,
    if_range: Annotated[str | None, Header()] = None,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """The finished job's audio with `ETag` and Range, as `/v1/jobs/{id}/audio`, no key."""
    job = store.get(job_id)
    return audio_response(
        job, storage, range, if_range, head=request.method == "HEAD", if_none_match=if_none_match
    )


@listen_router.get(
    "/{job_id}/timings.json",
    summary="Sentence timings, for listeners",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}}},
)
def listen_timings(job_id: str, store: StoreDep, storage: StorageDep) -> Response:
    response = finished_text(store.get(job_id), storage, job_timings_key, "application/json")
    response.headers.update({"Cache-Control": LISTEN_CACHE, **CORS})
    return response


@listen_router.get(
    "/{job_id}/transcript.vtt",
    summary="The transcript as WebVTT, for listeners",
    response_class=Response,
    responses={200: {"content": {"text/vtt": {}}}},
)
def listen_transcript(job_id: str, store: StoreDep, storage: StorageDep) -> Response:
    job = store.get(job_id)
    response = finished_text(job, storage, job_vtt_key, "text/vtt; charset=utf-8")
    response.headers.update({"Cache-Control": LISTEN_CACHE, **CORS})
    return response


@router.get("/jobs/{job_id}")
def job_page(job_id: str, request: Request, settings: SettingsDep, store: StoreDep) -> HTMLResponse:
    """The listening page: title and publication, progress while the job runs (with its
    ETA), then the player and the transcript; and the embed snippets."""
    job = store.get(job_id)
    base = public_base_url(request, settings)
    iframe, script = embed_snippets(base, job)
    return _page(
        "job.html",
        title=escape(job.title or "Narrated article"),
        byline=escape(_byline(job)),
        job_id=escape(job_id, quote=True),
        oembed_url=escape(f"{base}/oembed?{urlencode({'url': f'{base}/jobs/{job_id}'})}"),
        embed_height=str(EMBED_HEIGHT_PX),
        iframe_snippet=escape(iframe),
        script_snippet=escape(script),
    )


def _duration_text(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}:{secs:02d}"


@router.get("/embed/{job_id}")
def embed_page(
    job_id: str,
    store: StoreDep,
    theme: Annotated[Literal["light", "dark"], Query()] = "light",
) -> HTMLResponse:
    """The compact player: one bar (≤ 120 px), everything inline, no other request until
    the listener presses play (the audio is `preload="none"`)."""
    job = store.get(job_id)
    done = job.status is JobStatus.DONE and job.result is not None
    duration = job.result.duration if done and job.result else 0.0
    title = escape(job.title or "Narrated article")
    response = HTMLResponse(
        template("embed.html").substitute(
            title=title,
            theme="dark" if theme == "dark" else "",
            favicon=FAVICON,
            job_id=escape(job_id, quote=True),
            status=job.status.value,
            disabled="" if done else " disabled",
            page_url=f"/jobs/{escape(job_id, quote=True)}",
            duration=f"{duration:.1f}",
            duration_text=_duration_text(duration) if done else job.status.value,
            notice=AI_LABEL,
            audio_url=f"/listen/{escape(job_id, quote=True)}/audio" if done else "",
        )
    )
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
        "media-src 'self'; connect-src 'self'; img-src data:; frame-ancestors *"
    )
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


class OEmbedOut(BaseModel):
    """An oEmbed 1.0 `rich` answer (https://oembed.com)."""

    version: str = "1.0"
    type: str = "rich"
    provider_name: str = "Narrate"
    provider_url: str
    title: str
    html: str
    width: int
    height: int


@router.get("/oembed", response_model=OEmbedOut)
def oembed(
    url: Annotated[str, Query(max_length=2000)],
    request: Request,
    settings: SettingsDep,
    store: StoreDep,
    format: Annotated[str, Query()] = "json",
    maxwidth: Annotated[int | None, Query(gt=0)] = None,
) -> OEmbedOut:
    """oEmbed for a listening page or embed URL (`/jobs/{id}` or `/embed/{id}`): the iframe
    snippet. Only JSON (`format=xml`: 501, as the spec says)."""
    if format != "json":
        return Response(status_code=501)  # type: ignore[return-value]
    match = OEMBED_PATH.search(urlsplit(url).path)
    if match is None:
        raise JobNotFound(url[:100])
    job = store.get(match["id"])
    base = public_base_url(request, settings)
    iframe, _ = embed_snippets(base, job)
    width = min(maxwidth or EMBED_WIDTH_PX, EMBED_WIDTH_PX)
    return OEmbedOut(
        provider_url=base or "/",
        title=job.title or "Narrated article",
        html=iframe,
        width=width,
        height=EMBED_HEIGHT_PX,
    )


@router.get("/favicon.ico")
def favicon() -> Response:
    return Response(FAVICON_SVG, media_type="image/svg+xml", headers={"Cache-Control": FEED_CACHE})


@router.api_route("/feeds/{slug}.xml", methods=["GET", "HEAD"])
def feed_xml(
    slug: str,
    request: Request,
    settings: SettingsDep,
    feeds: FeedStoreDep,
    token: Annotated[str | None, Query(max_length=128)] = None,
) -> Response:
    """RSS 2.0 with ETag/Last-Modified; 304 for a matching conditional request."""
    feed = _feed_for(feeds, slug, token)
    episodes = feeds.episodes(slug)
    base = public_base_url(request, settings)
    body = publish.build_feed_document(feed, episodes, base)
    return conditional_response(
        request,
        body,
        f"{RSS_MIME}; charset=utf-8",
        publish.last_modified(feed, episodes),
        PRIVATE_CACHE if feed.private else FEED_CACHE,
    )


def _episode_item(base: str, e: EpisodeRecord) -> str:
    minutes, seconds = divmod(round(e.duration), 60)
    return (
        f'<li><a href="{escape(base)}/jobs/{escape(e.job_id)}">{escape(e.title)}</a> '
        f"<small>({minutes}:{seconds:02d})</small><br>{escape(e.description)}</li>"
    )


@router.get("/feeds/{slug}")
def feed_page(
    slug: str,
    request: Request,
    settings: SettingsDep,
    feeds: FeedStoreDep,
    token: Annotated[str | None, Query(max_length=128)] = None,
) -> HTMLResponse:
    feed = _feed_for(feeds, slug, token)
    base = public_base_url(request, settings)
    art = publish.artwork_url(base, feed)
    episodes = feeds.episodes(slug)
    return _page(
        "feed.html",
        title=escape(feed.title),
        description=escape(feed.description),
        feed_url=escape(publish.feed_xml_url(base, feed), quote=True),
        image=f'<img src="{escape(art, quote=True)}" alt="" width="200">' if art else "",
        episodes="\n".join(_episode_item(base, e) for e in episodes) or "<li>No episodes yet.</li>",
    )


@router.get("/feeds/{slug}/artwork.{ext}")
def feed_artwork(
    slug: str,
    ext: str,
    feeds: FeedStoreDep,
    storage: StorageDep,
    token: Annotated[str | None, Query(max_length=128)] = None,
) -> Response:
    feed = _feed_for(feeds, slug, token)
    if not feed.image_key or not feed.image_key.endswith(f".{ext}"):
        raise FeedNotFound(slug)
    data = storage.read_bytes(feed.image_key)
    return Response(data, media_type=feed.image_mime, headers={"Cache-Control": FEED_CACHE})


def _episode_timings(store: StoreDep, storage: StorageDep, episode: EpisodeRecord) -> dict:
    job = store.get(episode.job_id)
    if job.result is None:
        raise EpisodeNotFound(f"episode {episode.id} has no audio")
    return json.loads(storage.read_text(job_timings_key(job.id)))


@router.api_route("/episodes/{episode_id}/audio.{ext}", methods=["GET", "HEAD"])
def episode_audio(
    episode_id: str,
    ext: str,
    request: Request,
    feeds: FeedStoreDep,
    store: StoreDep,
    storage: StorageDep,
    range: Annotated[str | None, Header()] = None,
    if_range: Annotated[str | None, Header()] = None,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """The episode's audio with HEAD and Range, answered by the job service's download code
    (the episode id is unguessable, so podcast apps need no API key)."""
    episode = feeds.episode(episode_id)
    job = store.get(episode.job_id)
    if job.result is None or job.result.format.value != ext:
        raise EpisodeNotFound(f"episode {episode_id} has no .{ext} audio")
    return audio_response(
        job, storage, range, if_range, head=request.method == "HEAD", if_none_match=if_none_match
    )


@router.get("/episodes/{episode_id}/transcript.vtt")
def episode_vtt(
    episode_id: str, feeds: FeedStoreDep, store: StoreDep, storage: StorageDep
) -> Response:
    timings = timings_of(_episode_timings(store, storage, feeds.episode(episode_id)))
    return Response(render_vtt(timings), media_type="text/vtt; charset=utf-8", headers=CORS)


@router.get("/episodes/{episode_id}/transcript.json")
def episode_transcript_json(
    episode_id: str, feeds: FeedStoreDep, store: StoreDep, storage: StorageDep
) -> Response:
    """The Podcasting 2.0 JSON transcript: one segment per sentence."""
    timings = timings_of(_episode_timings(store, storage, feeds.episode(episode_id)))
    doc = {
        "version": TRANSCRIPT_JSON_VERSION,
        "segments": [{"startTime": t.start, "endTime": t.end, "body": t.text} for t in timings],
    }
    return Response(
        json.dumps(doc, ensure_ascii=False), media_type="application/json", headers=CORS
    )


@router.get("/episodes/{episode_id}/chapters.json")
def episode_chapters(
    episode_id: str, feeds: FeedStoreDep, store: StoreDep, storage: StorageDep
) -> Response:
    episode = feeds.episode(episode_id)
    doc = _episode_timings(store, storage, episode)
    chapters = chapters_from_timings(timings_of(doc), episode.duration, episode.title)
    return Response(
        render_chapters_json(chapters, episode.title),
        media_type="application/json+chapters",
        headers=CORS,
    )


def install_feeds_and_pages(app: FastAPI) -> None:
    """Feeds API, listener pages and static files, on the app's own store and storage."""
    feeds = FeedStore(app.state.store.engine)
    feeds.create_schema()
    app.state.feeds = feeds
    app.include_router(feeds_api.router)
    app.include_router(router)
    app.include_router(listen_router)
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
