"""Build a podcast RSS 2.0 document from plain channel and episode records (no I/O)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import datetime
from enum import Enum, StrEnum
from typing import Any, Final, TypeVar

from feedgen.feed import FeedGenerator

from service.feeds.podcast_ns import (
    ChannelExtras,
    PodcastEntryExtension,
    PodcastExtension,
    TranscriptLink,
)

PODCAST_GUID_NAMESPACE: Final = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
"""The Podcasting 2.0 namespace for `podcast:guid` (uuid5 of the feed URL without scheme)."""

RSS_MIME: Final = "application/rss+xml"
CHAPTERS_MIME: Final = "application/json+chapters"
GENERATOR: Final = "Narrate"
UNTITLED: Final = "Untitled"
"""Written where a required title is empty once unwritable characters are removed."""

_NOT_XML_CHAR: Final = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Everything outside XML 1.0's `Char` production: C0 controls other than tab, LF and CR,
lone surrogates, U+FFFE and U+FFFF. No escape can carry them; lxml refuses them."""

Record = TypeVar("Record")


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
    extras: ChannelExtras = field(default_factory=ChannelExtras)


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


def xml_text(text: str) -> str:
    """`text` without the characters an XML 1.0 document cannot hold."""
    return _NOT_XML_CHAR.sub("", text)


def _xml_safe(record: Record) -> Record:
    """A copy of a channel or episode record (and the records inside it) with every string
    made writable, so that one stray control character in one title cannot break the
    whole feed."""
    changes: dict[str, Any] = {}
    for f in fields(record):  # type: ignore[arg-type]
        value = getattr(record, f.name)
        if isinstance(value, str) and not isinstance(value, Enum):
            changes[f.name] = xml_text(value)
        elif isinstance(value, tuple | list):
            changes[f.name] = tuple(_xml_safe(v) if is_dataclass(v) else v for v in value)
        elif is_dataclass(value) and not isinstance(value, type):
            changes[f.name] = _xml_safe(value)
    return replace(record, **changes)  # type: ignore[type-var]


def _or(text: str, fallback: str) -> str:
    return text if text.strip() else fallback


def itunes_duration(seconds: float) -> str:
    return str(round(seconds))


def build_rss(channel: Channel, episodes: Sequence[Episode]) -> bytes:
    """The feed as UTF-8 XML; the same records give the same bytes (no clock is read).

    Characters XML cannot hold are dropped from every string first; a required field left
    empty by that (or given empty) gets a stand-in, so that any records give a feed."""
    channel = _xml_safe(channel)
    episodes = [_xml_safe(ep) for ep in episodes]
    title = _or(channel.title, UNTITLED)
    description = _or(channel.description, title)
    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.register_extension("podcast2", PodcastExtension, PodcastEntryExtension)
    fg.title(title)
    fg.description(description)
    # feedgen writes the *last* link as RSS <link> (its comment says the first): self first.
    fg.link(href=channel.self_url, rel="self")
    fg.link(href=channel.link or channel.self_url or "/", rel="alternate")
    fg.language(channel.language)
    fg.lastBuildDate(channel.updated)
    fg.generator(GENERATOR)
    fg.podcast.itunes_author(channel.author)
    if channel.owner_email:  # feedgen wants both or neither
        fg.podcast.itunes_owner(
            name=channel.owner_name or channel.author or title, email=channel.owner_email
        )
    fg.podcast.itunes_summary(description)
    top, _, sub = (part.strip() for part in channel.category.partition(">"))
    fg.podcast2.itunes_category(top, sub or None)
    if channel.image_url:
        fg.podcast.itunes_image(channel.image_url)
        fg.image(url=channel.image_url, title=title, link=channel.link or channel.self_url)
    fg.podcast2.explicit(channel.explicit)
    fg.podcast2.podcast_locked(channel.locked, channel.owner_email)
    fg.podcast2.podcast_guid(channel.guid)
    fg.podcast2.extras(channel.extras)
    # feedgen prepends new entries; add oldest first so the newest comes first in the XML.
    for ep in sorted(episodes, key=lambda e: (e.published, e.guid)):
        fe = fg.add_entry()
        fe.guid(ep.guid, permalink=False)
        episode_title = _or(ep.title, UNTITLED)
        fe.title(episode_title)
        fe.description(_or(ep.description, episode_title))
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
