"""`/v1/sources`: RSS/Atom feeds and sitemaps that Narrate polls for articles to narrate into
a podcast feed (see `service.sources`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status
from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field

from service.api.deps import ApiKey, CallerDep, CatalogDep, SettingsDep
from service.api.feeds import FeedStoreDep
from service.api.schemas import SLUG_PATTERN, ErrorOut
from service.fetch import check_public_url
from service.settings import Settings
from service.sources.options import SourceOptions
from service.sources.store import ItemStatus, Source, SourceStore
from voices.catalog import VoiceCatalog
from workers.errors import InputError, UnsafeURL

DEFAULT_INTERVAL_S = 900.0
MAX_INTERVAL_S = 7 * 86400.0


async def get_source_store(request: Request) -> SourceStore:
    return request.app.state.sources


SourceStoreDep = Annotated[SourceStore, Depends(get_source_store)]

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "Missing or wrong API key."},
    404: {"model": ErrorOut, "description": "No such source, or another key's."},
    422: {"model": ErrorOut, "description": "A field is invalid; `field` names it."},
}

router = APIRouter(prefix="/v1/sources", tags=["sources"], dependencies=[ApiKey], responses=_ERRORS)


class SourceIn(SourceOptions):
    """A feed or sitemap to poll, and the podcast feed its articles are published into."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "url": "https://news.example.org/rss.xml",
                    "feed": "morning",
                    "interval_s": 900,
                    "voice": "en_US-joe-medium",
                    "exclude_categories": ["Sponsored"],
                    "include_urls": ["https://news.example.org/2026/*"],
                    "read_byline": True,
                }
            ]
        },
    )

    url: AnyHttpUrl = Field(description="An RSS/Atom feed or a sitemap (`<urlset>`).")
    feed: Annotated[str, Field(pattern=SLUG_PATTERN, description="Podcast feed slug.")]
    interval_s: Annotated[float, Field(gt=0, le=MAX_INTERVAL_S)] = DEFAULT_INTERVAL_S


class SourcePatch(BaseModel):
    """Change some of a source's fields; the rest stay."""

    model_config = ConfigDict(extra="forbid")

    url: AnyHttpUrl | None = None
    feed: Annotated[str | None, Field(pattern=SLUG_PATTERN)] = None
    interval_s: Annotated[float | None, Field(gt=0, le=MAX_INTERVAL_S)] = None
    options: dict[str, Any] | None = Field(
        default=None, description="Any of the reading and rule fields of `POST /v1/sources`."
    )


class ItemOut(BaseModel):
    guid: str
    url: str
    title: str | None
    status: ItemStatus
    reason: str | None = Field(description="Why the item failed, in words.")
    job_id: str | None
    episode_guid: str
    jobs: int = Field(description="Jobs made for it (one more for each edit).")
    updated_at: float


class SourceOut(SourceOptions):
    id: str
    url: str
    feed: str
    interval_s: float
    next_poll_at: float
    last_polled_at: float | None
    last_status: str | None = Field(description="What the last poll did, in words.")
    created_at: float
    items: list[ItemOut] = Field(default_factory=list)


def source_out(source: Source, sources: SourceStore, with_items: bool) -> SourceOut:
    items = [ItemOut.model_validate(i, from_attributes=True) for i in sources.items(source.id)]
    return SourceOut(
        **source.settings,
        id=source.id,
        url=source.url,
        feed=source.feed,
        interval_s=source.interval_s,
        next_poll_at=source.next_poll_at,
        last_polled_at=source.last_polled_at,
        last_status=source.last_status,
        created_at=source.created_at,
        items=items if with_items else [],
    )


def _check(
    settings: Settings,
    catalog: VoiceCatalog,
    url: str | None,
    interval_s: float | None,
    options: SourceOptions | None,
) -> None:
    if url is not None:
        try:
            check_public_url(url, settings.allow_private_urls)
        except UnsafeURL as exc:
            exc.field = "url"
            raise
    if interval_s is not None and interval_s < settings.source_min_interval_s:
        raise InputError(
            f"interval_s must be at least {settings.source_min_interval_s:g} "
            "(NARRATE_SOURCE_MIN_INTERVAL_S)",
            field="interval_s",
        )
    if options and options.voice:
        catalog.get(options.voice)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=SourceOut)
def create_source(
    body: SourceIn,
    settings: SettingsDep,
    catalog: CatalogDep,
    sources: SourceStoreDep,
    feeds: FeedStoreDep,
    caller: CallerDep,
) -> SourceOut:
    """Poll `url` every `interval_s` seconds (the first poll at beat's next tick); each new
    or edited article becomes (or updates) an episode of `feed`."""
    _check(settings, catalog, str(body.url), body.interval_s, body)
    feeds.require(body.feed, caller.scope)
    options = SourceOptions.model_validate(body.model_dump(include=set(SourceOptions.model_fields)))
    source = sources.create(
        owner=caller.key_id,
        url=str(body.url),
        feed=body.feed,
        settings=options.model_dump(mode="json"),
        interval_s=body.interval_s,
    )
    return source_out(source, sources, with_items=False)


@router.get("", response_model=list[SourceOut])
def list_sources(sources: SourceStoreDep, caller: CallerDep) -> list[SourceOut]:
    return [source_out(s, sources, with_items=False) for s in sources.list(caller.scope)]


@router.get("/{source_id}", response_model=SourceOut)
def get_source(source_id: str, sources: SourceStoreDep, caller: CallerDep) -> SourceOut:
    """The source, what its last poll did, and every item seen with its state (a failed
    item says why)."""
    return source_out(sources.get(source_id, caller.scope), sources, with_items=True)


@router.patch("/{source_id}", response_model=SourceOut)
def patch_source(
    source_id: str,
    body: SourcePatch,
    settings: SettingsDep,
    catalog: CatalogDep,
    sources: SourceStoreDep,
    feeds: FeedStoreDep,
    caller: CallerDep,
) -> SourceOut:
    current = sources.get(source_id, caller.scope)
    options = None
    if body.options is not None:
        try:
            options = SourceOptions.model_validate({**current.settings, **body.options})
        except ValueError as exc:
            raise InputError(f"options: {exc}", field="options") from None
    url = str(body.url) if body.url else None
    _check(settings, catalog, url, body.interval_s, options)
    if body.feed:
        feeds.require(body.feed, caller.scope)
    given = {"url": url, "feed": body.feed, "interval_s": body.interval_s}
    values: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
    if options is not None:
        values["settings"] = options.model_dump(mode="json")
    return source_out(sources.update(source_id, caller.scope, **values), sources, with_items=True)


@router.delete("/{source_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_source(source_id: str, sources: SourceStoreDep, caller: CallerDep) -> Response:
    """Stop polling; the episodes it made stay in their feed."""
    sources.delete(source_id, caller.scope)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
