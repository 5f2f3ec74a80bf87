"""What the feeds API reads and writes: feeds in, out and patched; episodes in and out."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Text500 = Annotated[str, Field(min_length=1, max_length=500)]
LongText = Annotated[str, Field(min_length=1, max_length=4000)]
DisclosureAt = Literal["start", "end", "none"]
"""Where the spoken AI disclosure goes; `none`: not spoken."""


Medium = Literal["podcast", "music", "video", "film", "audiobook", "newsletter", "blog"]
Url = Annotated[str, Field(min_length=1, max_length=2000, pattern=r"^https?://")]


class TxtIn(BaseModel):
    """`podcast:txt`, e.g. `{"purpose": "applepodcastsverify", "value": "<Apple's code>"}`."""

    model_config = ConfigDict(extra="forbid")
    value: Annotated[str, Field(min_length=1, max_length=4000)]
    purpose: Annotated[str | None, Field(max_length=128)] = None


class FundingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: Url
    text: Annotated[str, Field(min_length=1, max_length=128)]


class PersonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, Field(min_length=1, max_length=128)]
    role: Annotated[str | None, Field(max_length=64)] = None
    group: Annotated[str | None, Field(max_length=64)] = None
    href: Url | None = None
    img: Url | None = None


class PodcastTags(BaseModel):
    """The optional Podcasting 2.0 tags of a feed (lists of at most 20)."""

    podcast_txt: Annotated[list[TxtIn] | None, Field(max_length=20)] = None
    funding: Annotated[list[FundingIn] | None, Field(max_length=20)] = None
    persons: Annotated[list[PersonIn] | None, Field(max_length=20)] = None
    medium: Medium | None = None


class FeedIn(PodcastTags):
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
    disclosure: DisclosureAt = "start"
    """Where episodes speak "This audio was created with AI assistance." (default: first)."""


class FeedPatch(PodcastTags):
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
    disclosure: DisclosureAt | None = None


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
    disclosure: DisclosureAt
    podcast_txt: list[TxtIn] | None = None
    funding: list[FundingIn] | None = None
    persons: list[PersonIn] | None = None
    medium: Medium | None = None
    links: FeedLinks
    episodes: list[EpisodeOut]
