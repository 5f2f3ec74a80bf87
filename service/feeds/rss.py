"""Build a podcast RSS 2.0 document from plain channel and episode records (no I/O)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Final

from feedgen.feed import FeedGenerator

from service.feeds.podcast_ns import PodcastEntryExtension, PodcastExtension, TranscriptLink

PODCAST_GUID_NAMESPACE: Final = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
"""The Podcasting 2.0 namespace for `podcast:guid` (uuid5 of the feed URL without scheme)."""

RSS_MIME: Final = "application/rss+xml"
CHAPTERS_MIME: Final = "application/json+chapters"
GENERATOR: Final = "Narrate"


class EpisodeType(StrEnum):
    FULL = "full"
    TRAILER = "trailer"
    BONUS = "bonus"


def podcast_guid(feed_url: str) -> str:
    """`podcast:guid` of a feed URL: the scheme (`https://`) and trailing slashes are dropped."""
    bare = feed_url.split("://", 1)[1] if "://" in feed_url else feed_url
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare.rstrip("/")))


@dataclass(frozen=True)
class Channel:
    """What a podcast app shows about the show itself; every URL absolute."""

    title: str
    description: str
    link: str
    self_url: str
    """The feed's own URL (`atom:link rel="self"`)."""
    language: str
    author: str
    owner_name: str
    owner_email: str
    category: str
    """Apple category, optionally with a subcategory: `News` or `News > Daily News`."""
    explicit: bool
    guid: str
    """`podcast:guid`, fixed when the feed was created so that a move never changes it."""
    updated: datetime
    image_url: str | None = None
    locked: bool = True


@dataclass(frozen=True)
class Episode:
    """One item; `guid` is fixed when the episode is created and never rebuilt."""

    guid: str
    title: str
    description: str
    published: datetime
    audio_url: str
    audio_length: int
    """Exact size of the audio file in bytes."""
    audio_type: str
    duration: float
    """The audio file's real duration in seconds (written as whole seconds)."""
    link: str | None = None
    episode_type: EpisodeType = EpisodeType.FULL
    transcripts: Sequence[TranscriptLink] = field(default_factory=tuple)
    chapters_url: str | None = None


def itunes_duration(seconds: float) -> str:
    return str(round(seconds))


def build_rss(channel: Channel, episodes: Sequence[Episode]) -> bytes:
    """The feed as UTF-8 XML; the same records give the same bytes (no clock is read)."""
    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.register_extension("podcast2", PodcastExtension, PodcastEntryExtension)
    fg.title(channel.title)
    fg.description(channel.description)
    # feedgen writes the *last* link as RSS <link> (its comment says the first): self first.
    fg.link(href=channel.self_url, rel="self")
    fg.link(href=channel.link, rel="alternate")
    fg.language(channel.language)
    fg.lastBuildDate(channel.updated)
    fg.generator(GENERATOR)
    fg.podcast.itunes_author(channel.author)
    fg.podcast.itunes_owner(name=channel.owner_name, email=channel.owner_email)
    fg.podcast.itunes_summary(channel.description)
    top, _, sub = (part.strip() for part in channel.category.partition(">"))
    fg.podcast.itunes_category(top, sub or None)
    if channel.image_url:
        fg.podcast.itunes_image(channel.image_url)
        fg.image(url=channel.image_url, title=channel.title, link=channel.link)
    fg.podcast2.explicit(channel.explicit)
    fg.podcast2.podcast_locked(channel.locked, channel.owner_email)
    fg.podcast2.podcast_guid(channel.guid)
    # feedgen prepends new entries; add oldest first so the newest comes first in the XML.
    for ep in sorted(episodes, key=lambda e: (e.published, e.guid)):
        fe = fg.add_entry()
        fe.guid(ep.guid, permalink=False)
        fe.title(ep.title)
        fe.description(ep.description or ep.title)
        if ep.link:
            fe.link(href=ep.link)
        fe.pubDate(ep.published)
        fe.enclosure(ep.audio_url, str(ep.audio_length), ep.audio_type)
        fe.podcast.itunes_duration(itunes_duration(ep.duration))
        fe.podcast.itunes_episode_type(ep.episode_type.value)
        for transcript in ep.transcripts:
            fe.podcast2.podcast_transcript(transcript)
        if ep.chapters_url:
            fe.podcast2.podcast_chapters(ep.chapters_url, CHAPTERS_MIME)
    return fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)
