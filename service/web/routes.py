"""The listener's side: the player pages, the feed page and RSS, and episode files."""

from __future__ import annotations

import hmac
import json
from functools import cache
from html import escape
from pathlib import Path
from string import Template
from typing import Annotated, Final

from fastapi import APIRouter, FastAPI, Header, Query, Request, Response
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from service.api import feeds as feeds_api
from service.api.deps import SettingsDep, StorageDep, StoreDep
from service.api.feeds import FeedStoreDep
from service.api.jobs import audio_response
from service.feeds import publish
from service.feeds.episodes import timings_of
from service.feeds.rss import RSS_MIME
from service.feeds.store import EpisodeRecord, Feed, FeedStore
from service.keys import job_timings_key
from service.web.http import conditional_response, public_base_url
from workers.chapters import chapters_from_timings, render_chapters_json
from workers.errors import EpisodeNotFound, FeedNotFound
from workers.timings import render_vtt

WEB_DIR: Final = Path(__file__).parent
TEMPLATES: Final = WEB_DIR / "templates"
FEED_CACHE: Final = "public, max-age=300"
PRIVATE_CACHE: Final = "private, max-age=300"
TRANSCRIPT_JSON_VERSION: Final = "1.0.0"

router = APIRouter(tags=["pages"], include_in_schema=False)


@cache
def template(name: str) -> Template:
    return Template((TEMPLATES / name).read_text(encoding="utf-8"))


def _page(name: str, **values: str) -> HTMLResponse:
    player = template("_player.html").template
    return HTMLResponse(template(name).substitute(values, player=player))


def _feed_for(feeds: FeedStore, slug: str, token: str | None) -> Feed:
    """The feed; a private feed without its token is as absent as an unknown one (404)."""
    feed = feeds.get(slug)
    if feed.token and not (token and hmac.compare_digest(token.encode(), feed.token.encode())):
        raise FeedNotFound(slug)
    return feed


@router.get("/")
def index_page() -> HTMLResponse:
    return _page("index.html")


def _player(job_id: str, embed: bool) -> HTMLResponse:
    return _page(
        "job.html",
        title=escape(job_id),
        job_id=escape(job_id, quote=True),
        body_class="embed" if embed else "",
        heading="" if embed else '<h1><a href="/">Narrate</a></h1>',
    )


@router.get("/jobs/{job_id}")
def job_page(job_id: str, store: StoreDep) -> HTMLResponse:
    store.get(job_id)
    return _player(job_id, embed=False)


@router.get("/embed/{job_id}")
def embed_page(job_id: str, store: StoreDep) -> HTMLResponse:
    store.get(job_id)
    response = _player(job_id, embed=True)
    response.headers["Content-Security-Policy"] = "frame-ancestors *"
    return response


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
    with storage.open(feed.image_key) as fh:
        data = fh.read()
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
) -> Response:
    """The episode's audio with HEAD and Range, answered by the job service's download code
    (the episode id is unguessable, so podcast apps need no API key)."""
    episode = feeds.episode(episode_id)
    job = store.get(episode.job_id)
    if job.result is None or job.result.format.value != ext:
        raise EpisodeNotFound(f"episode {episode_id} has no .{ext} audio")
    return audio_response(job, storage, range, if_range, head=request.method == "HEAD")


@router.get("/episodes/{episode_id}/transcript.vtt")
def episode_vtt(
    episode_id: str, feeds: FeedStoreDep, store: StoreDep, storage: StorageDep
) -> Response:
    timings = timings_of(_episode_timings(store, storage, feeds.episode(episode_id)))
    return Response(render_vtt(timings), media_type="text/vtt; charset=utf-8")


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
    return Response(json.dumps(doc, ensure_ascii=False), media_type="application/json")


@router.get("/episodes/{episode_id}/chapters.json")
def episode_chapters(
    episode_id: str, feeds: FeedStoreDep, store: StoreDep, storage: StorageDep
) -> Response:
    episode = feeds.episode(episode_id)
    doc = _episode_timings(store, storage, episode)
    chapters = chapters_from_timings(timings_of(doc), episode.duration, episode.title)
    return Response(
        render_chapters_json(chapters, episode.title), media_type="application/json+chapters"
    )


def install_feeds_and_pages(app: FastAPI) -> None:
    """Feeds API, listener pages and static files, on the app's own store and storage."""
    feeds = FeedStore(app.state.store.engine)
    feeds.create_schema()
    app.state.feeds = feeds
    app.include_router(feeds_api.router)
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
