"""`/v1/feeds`: create, read, change and delete podcast feeds, and publish jobs as episodes."""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from service.api.deps import ApiKey, CallerDep, SettingsDep, StorageDep, StoreDep
from service.api.feed_schemas import EpisodeIn, EpisodeOut, FeedIn, FeedLinks, FeedOut, FeedPatch
from service.api.schemas import ErrorOut
from service.feeds import publish, rules
from service.feeds.episodes import add_job_to_feed
from service.feeds.rss import podcast_guid
from service.feeds.store import EpisodeRecord, Feed, FeedStore, new_token
from service.fetch import fetch
from service.settings import Settings
from service.sources.poll import USER_AGENT
from service.web.http import public_base_url
from workers.errors import FetchError, ImageTooLarge, InvalidImage, ResponseTooLarge

MAX_ARTWORK_BYTES: Final = 1_000_000
"""Artwork uploads over this are refused with 413 (Apple's 3000 px JPEGs fit well under it)."""


async def get_feed_store(request: Request) -> FeedStore:
    return request.app.state.feeds


FeedStoreDep = Annotated[FeedStore, Depends(get_feed_store)]

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "Missing or wrong API key."},
    404: {
        "model": ErrorOut,
        "description": "No such feed (or episode, or job), or another key's: the same "
        "answer, so nothing leaks.",
    },
}

router = APIRouter(prefix="/v1/feeds", tags=["feeds"], dependencies=[ApiKey], responses=_ERRORS)


def artwork_key(slug: str, ext: str) -> str:
    return f"feeds/{slug}/artwork.{ext}"


def feed_prefix(slug: str) -> str:
    return f"feeds/{slug}"


def episode_out(base: str, e: EpisodeRecord) -> EpisodeOut:
    """The episode's public fields, with its audio URL (the rest, `feed_id`, left out)."""
    return EpisodeOut.model_validate(
        asdict(e)
        | {"audio_url": publish.audio_url(base, e), "duration_seconds": round(e.duration, 3)}
    )


def feed_out(base: str, feed: Feed, episodes: list[EpisodeRecord]) -> FeedOut:
    """The feed's public fields, with its URLs and episodes (storage details left out)."""
    links = FeedLinks(rss=publish.feed_xml_url(base, feed), page=publish.feed_page_url(base, feed))
    return FeedOut.model_validate(
        asdict(feed)
        | {
            "image_url": publish.artwork_url(base, feed),
            "private": feed.private,
            "read_title": feed.reading.read_title,
            "read_byline": feed.reading.read_byline,
            "links": links,
            "episodes": [episode_out(base, e) for e in episodes],
        }
    )


def checked_fields(values: dict[str, Any]) -> dict[str, Any]:
    """Apply the feed rules to the fields given; `private` becomes a token (or none)."""
    checks = {
        "language": rules.check_language,
        "category": rules.check_category,
        "owner_email": rules.check_email,
        "image_url": lambda v: rules.check_url(v, "image_url"),
        "link": lambda v: rules.check_url(v, "link"),
    }
    out = {}
    for key, value in values.items():
        if key == "private":
            out["token"] = new_token() if value else None
        elif value is not None and key in checks:
            out[key] = checks[key](value)
        else:
            out[key] = value
    if out.get("image_url"):
        out |= {"image_key": None, "image_mime": None}
    return out


@router.post(
    "",
    status_code=201,
    response_model=FeedOut,
    responses={409: {"model": ErrorOut, "description": "The slug is taken (slugs are URLs)."}},
)
def create_feed(
    body: FeedIn,
    request: Request,
    response: Response,
    settings: SettingsDep,
    feeds: FeedStoreDep,
    caller: CallerDep,
) -> FeedOut:
    """A new feed, owned by the calling key."""
    slug = rules.check_slug(body.slug)
    base = public_base_url(request, settings)
    values = checked_fields(body.model_dump(exclude={"slug"}))
    # podcast:guid is fixed now, from the URL the feed is born at: moving it keeps the guid.
    guid = podcast_guid(f"{base}/feeds/{slug}.xml")
    feed = feeds.create(slug, guid, owner=caller.key_id, **values)
    response.headers["Location"] = f"{base}/v1/feeds/{slug}"
    return feed_out(base, feed, [])


@router.get("/{slug}", response_model=FeedOut)
def get_feed(
    slug: str, request: Request, settings: SettingsDep, feeds: FeedStoreDep, caller: CallerDep
) -> FeedOut:
    feed = feeds.get(slug, caller.scope)
    base = public_base_url(request, settings)
    return feed_out(base, feed, feeds.episodes(slug))


@router.patch("/{slug}", response_model=FeedOut)
def patch_feed(
    slug: str,
    body: FeedPatch,
    request: Request,
    settings: SettingsDep,
    feeds: FeedStoreDep,
    caller: CallerDep,
) -> FeedOut:
    feeds.get(slug, caller.scope)  # 404 before the fields are checked
    values = checked_fields(body.model_dump(exclude_unset=True))
    feed = feeds.update(slug, owner=caller.scope, **values)
    base = public_base_url(request, settings)
    return feed_out(base, feed, feeds.episodes(slug))


@router.delete("/{slug}", status_code=204)
def delete_feed(slug: str, feeds: FeedStoreDep, storage: StorageDep, caller: CallerDep) -> Response:
    """The feed, its episodes and its artwork go; the jobs and their audio stay."""
    feeds.delete(slug, caller.scope)
    storage.delete_prefix(feed_prefix(slug))
    return Response(status_code=204)


async def _form_image(request: Request) -> bytes:
    async with request.form(max_files=1, max_fields=5) as form:  # closes its temp files
        upload = form.get("image")
        if upload is None or isinstance(upload, str):
            raise InvalidImage("send the artwork as the form's `image` file")
        return await upload.read(MAX_ARTWORK_BYTES + 1)


def _fetched_image(body: bytes, settings: Settings) -> bytes:
    try:
        url = ImageUrlIn.model_validate_json(body).url
    except ValueError:
        raise InvalidImage('give the artwork\'s address as {"url": "https://…"}') from None
    try:
        answer = fetch(
            "GET",
            url,
            timeout=settings.source_fetch_timeout_s,
            headers={"User-Agent": USER_AGENT, "Accept": "image/jpeg, image/png"},
            max_bytes=MAX_ARTWORK_BYTES,
            allow_private=settings.allow_private_urls,
        )
    except ResponseTooLarge:
        raise ImageTooLarge(f"the image is over the limit of {MAX_ARTWORK_BYTES} bytes") from None
    except FetchError as exc:
        raise InvalidImage(f"could not fetch the image: {exc}") from None
    if answer.status != 200:
        raise InvalidImage(f"the image's address answered {answer.status}")
    return answer.body


class ImageUrlIn(BaseModel):
    url: Annotated[str, Field(min_length=1, max_length=2000)]


@router.put(
    "/{slug}/image",
    response_model=FeedOut,
    responses={
        413: {"model": ErrorOut, "description": "Over the artwork's byte limit."},
        422: {"model": ErrorOut, "description": "Not a usable JPEG or PNG."},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                **{
                    mime: {"schema": {"type": "string", "format": "binary"}}
                    for mime in ("image/jpeg", "image/png")
                },
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {"image": {"type": "string", "format": "binary"}},
                        "required": ["image"],
                    }
                },
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {"url": {"type": "string"}},
                        "required": ["url"],
                    }
                },
            },
        }
    },
)
async def put_feed_image(
    slug: str,
    request: Request,
    settings: SettingsDep,
    feeds: FeedStoreDep,
    storage: StorageDep,
    caller: CallerDep,
) -> FeedOut:
    """Set the artwork: a JPEG or PNG, square, 1400–3000 px, RGB (422 says what is wrong).
    Send it as the raw body (`Content-Type: image/jpeg` or `image/png`), as a multipart
    form's `image` file, or give its address as JSON `{"url": "https://…"}`: it is then
    fetched once, through the safe fetch helper, and served from here."""
    feeds.get(slug, caller.scope)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        data = await _form_image(request)
    elif content_type == "application/json":
        data = await asyncio.to_thread(_fetched_image, await request.body(), settings)
    else:
        data = bytearray()
        async for part in request.stream():
            data += part
            if len(data) > MAX_ARTWORK_BYTES:
                break  # refuse without reading the rest
    art = rules.check_artwork(bytes(data), MAX_ARTWORK_BYTES)
    storage.delete_prefix(feed_prefix(slug))
    storage.write_bytes(artwork_key(slug, art.extension), art.data)
    feed = feeds.update(
        slug,
        owner=caller.scope,
        image_key=artwork_key(slug, art.extension),
        image_mime=art.mime,
        image_url=None,
    )
    base = public_base_url(request, settings)
    return feed_out(base, feed, feeds.episodes(slug))


@router.post(
    "/{slug}/episodes",
    status_code=201,
    response_model=EpisodeOut,
    responses={409: {"model": ErrorOut, "description": "The job has no audio (not done)."}},
)
def add_episode(
    slug: str,
    body: EpisodeIn,
    request: Request,
    settings: SettingsDep,
    feeds: FeedStoreDep,
    store: StoreDep,
    storage: StorageDep,
    caller: CallerDep,
) -> EpisodeOut:
    """Publish a finished job as an episode: both the feed and the job must be the key's."""
    feeds.get(slug, caller.scope)
    store.get(body.job_id, caller.scope)
    episode = add_job_to_feed(
        feeds, store, storage, slug, body.job_id, body.title, body.description
    )
    return episode_out(public_base_url(request, settings), episode)


@router.delete("/{slug}/episodes/{episode_id}", status_code=204)
def remove_episode(slug: str, episode_id: str, feeds: FeedStoreDep, caller: CallerDep) -> Response:
    feeds.remove_episode(slug, episode_id, caller.scope)
    return Response(status_code=204)
