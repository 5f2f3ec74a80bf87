"""What the feeds API reads and writes: feeds in, out and patched; episodes in and out."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Text500 = Annotated[str, Field(min_length=1, max_length=500)]
LongText = Annotated[str, Field(min_length=1, max_length=4000)]


class FeedIn(BaseModel):
    """A new podcast feed. `language` is an ISO 639-1 code (`en`, `en-us`); `category` one of
    Apple's (`News`, or `News > Daily News`). Artwork: `image_url`, or upload it with
    `PUT /v1/feeds/{slug}/image`."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "slug": "morning",
                    "title": "Morning Briefing",
                    "description": "The day's stories, read aloud.",
                    "author": "The Daily Example",
                    "owner_name": "Audio Desk",
                    "owner_email": "audio@example.org",
                    "language": "en-us",
                    "category": "News > Daily News",
                    "explicit": False,
                    "image_url": "https://example.org/artwork.jpg",
                    "link": "https://example.org/",
                    "private": False,
                }
            ]
        },
    )

    slug: Annotated[str, Field(min_length=1, max_length=64)]
    title: Text500
    description: LongText
    author: Text500
    owner_name: Text500
    owner_email: Annotated[str, Field(min_length=3, max_length=320)]
    language: Annotated[str, Field(min_length=1, max_length=35)] = "en"
    category: Text500 = "News"
    explicit: bool = False
    image_url: Annotated[str | None, Field(max_length=2000)] = None
    link: Annotated[str | None, Field(max_length=2000)] = None
    private: bool = False
    """Private feeds are only served with their token in the URL."""
    read_title: bool = True
    """Its articles are read headline first (a job may say otherwise)."""
    read_byline: bool = True
    """Its articles read "By NAME" after the headline (a job may say otherwise)."""


class FeedPatch(BaseModel):
    """Change some fields of a feed; `private: true` makes a new token, `false` drops it."""

    model_config = ConfigDict(extra="forbid")

    title: Text500 | None = None
    description: LongText | None = None
    author: Text500 | None = None
    owner_name: Text500 | None = None
    owner_email: Annotated[str | None, Field(min_length=3, max_length=320)] = None
    language: Annotated[str | None, Field(min_length=1, max_length=35)] = None
    category: Text500 | None = None
    explicit: bool | None = None
    image_url: Annotated[str | None, Field(max_length=2000)] = None
    link: Annotated[str | None, Field(max_length=2000)] = None
    private: bool | None = None
    read_title: bool | None = None
    read_byline: bool | None = None


class EpisodeIn(BaseModel):
    """Publish a finished job as an episode; title and description default to the article's."""

    model_config = ConfigDict(extra="forbid")

    job_id: Annotated[str, Field(min_length=1, max_length=64)]
    title: Text500 | None = None
    description: LongText | None = None


class EpisodeOut(BaseModel):
    id: str
    job_id: str
    guid: str
    title: str
    description: str
    published_at: float
    audio_url: str
    audio_size: int
    audio_mime: str
    duration_seconds: float


class FeedLinks(BaseModel):
    rss: str
    page: str


class FeedOut(BaseModel):
    slug: str
    title: str
    description: str
    author: str
    owner_name: str
    owner_email: str
    language: str
    category: str
    explicit: bool
    image_url: str | None
    link: str | None
    private: bool
    token: str | None
    podcast_guid: str
    read_title: bool = True
    read_byline: bool = True
    links: FeedLinks
    episodes: list[EpisodeOut]
