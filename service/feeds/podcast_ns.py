"""A small feedgen extension for the Podcasting 2.0 `podcast:` tags and Apple's `true`/`false`.

feedgen's podcast extension writes `itunes:explicit` as `yes`/`no`/`clean`; Apple now wants
`true`/`false`, so the channel's explicit flag is written here instead (never set it through
feedgen's `itunes_explicit`). `itunes:category` too (never feedgen's `itunes_category`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import lxml.etree  # noqa: F401 (feedgen.util uses lxml.etree without importing it)
from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.util import xml_elem

PODCAST_NS: Final = "https://podcastindex.org/namespace/1.0"
ITUNES_NS: Final = "http://www.itunes.com/dtds/podcast-1.0.dtd"


@dataclass(frozen=True)
class TranscriptLink:
    """One `podcast:transcript` of an episode."""

    url: str
    type: str
    """MIME type: `text/vtt`, `application/json`, …"""
    language: str | None = None
    rel: str | None = None
    """`captions` when the file carries timings fit for closed captions."""


@dataclass(frozen=True)
class PodcastTxt:
    """`podcast:txt`: free text for a purpose, e.g. Apple's ownership check
    (`purpose="applepodcastsverify"`)."""

    value: str
    purpose: str | None = None


@dataclass(frozen=True)
class Funding:
    """`podcast:funding`: where listeners can support the show."""

    url: str
    text: str


@dataclass(frozen=True)
class Person:
    """`podcast:person`: someone behind the show (role and group from the Podcast Index
    taxonomy: `host`, `editor`, `producer`…)."""

    name: str
    role: str | None = None
    group: str | None = None
    href: str | None = None
    img: str | None = None


@dataclass(frozen=True)
class ChannelExtras:
    """The channel's optional Podcasting 2.0 tags."""

    txt: tuple[PodcastTxt, ...] = ()
    funding: tuple[Funding, ...] = ()
    persons: tuple[Person, ...] = ()
    medium: str | None = None


def _write_extras(channel, extras: ChannelExtras) -> None:  # type: ignore[no-untyped-def]
    for txt in extras.txt:
        elem = xml_elem(f"{{{PODCAST_NS}}}txt", channel)
        elem.text = txt.value
        if txt.purpose:
            elem.attrib["purpose"] = txt.purpose
    for funding in extras.funding:
        elem = xml_elem(f"{{{PODCAST_NS}}}funding", channel)
        elem.attrib["url"] = funding.url
        elem.text = funding.text
    for person in extras.persons:
        elem = xml_elem(f"{{{PODCAST_NS}}}person", channel)
        elem.text = person.name
        for name in ("role", "group", "href", "img"):
            if value := getattr(person, name):
                elem.attrib[name] = value
    if extras.medium:
        xml_elem(f"{{{PODCAST_NS}}}medium", channel).text = extras.medium


class PodcastExtension(BaseExtension):
    """Channel-level `podcast:guid`, `podcast:locked`, `itunes:explicit` (true/false) and the
    optional `podcast:txt`, `podcast:funding`, `podcast:person`, `podcast:medium`."""

    def __init__(self) -> None:
        self._guid: str | None = None
        self._locked: bool | None = None
        self._locked_owner: str | None = None
        self._explicit: bool | None = None
        self._category: tuple[str, str | None] | None = None
        self._extras = ChannelExtras()

    def extras(self, extras: ChannelExtras) -> None:
        self._extras = extras

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS, "itunes": ITUNES_NS}

    def podcast_guid(self, guid: str) -> None:
        self._guid = guid

    def podcast_locked(self, locked: bool, owner: str | None = None) -> None:
        self._locked = locked
        self._locked_owner = owner

    def explicit(self, explicit: bool) -> None:
        self._explicit = explicit

    def itunes_category(self, category: str, subcategory: str | None = None) -> None:
        """Written here rather than by feedgen, whose lookup puts the name into an XPath
        expression (a `"` in it raises)."""
        self._category = (category, subcategory)

    def extend_rss(self, rss_feed):  # type: ignore[no-untyped-def]  (feedgen's lxml element)
        channel = rss_feed[0]
        if self._explicit is not None:
            elem = xml_elem(f"{{{ITUNES_NS}}}explicit", channel)
            elem.text = "true" if self._explicit else "false"
        if self._category and self._category[0]:
            top, sub = self._category
            elem = xml_elem(f"{{{ITUNES_NS}}}category", channel)
            elem.attrib["text"] = top
            if sub:
                xml_elem(f"{{{ITUNES_NS}}}category", elem).attrib["text"] = sub
        if self._locked is not None:
            elem = xml_elem(f"{{{PODCAST_NS}}}locked", channel)
            elem.text = "yes" if self._locked else "no"
            if self._locked_owner:
                elem.attrib["owner"] = self._locked_owner
        if self._guid:
            elem = xml_elem(f"{{{PODCAST_NS}}}guid", channel)
            elem.text = self._guid
        _write_extras(channel, self._extras)
        return rss_feed


class PodcastEntryExtension(BaseEntryExtension):
    """Item-level `podcast:transcript` (any number) and `podcast:chapters`."""

    def __init__(self) -> None:
        self._transcripts: list[TranscriptLink] = []
        self._chapters: tuple[str, str] | None = None

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS}

    def podcast_transcript(self, link: TranscriptLink) -> None:
        self._transcripts.append(link)

    def podcast_chapters(self, url: str, type: str = "application/json+chapters") -> None:
        self._chapters = (url, type)

    def extend_rss(self, item):  # type: ignore[no-untyped-def]  (feedgen's lxml element)
        for t in self._transcripts:
            elem = xml_elem(f"{{{PODCAST_NS}}}transcript", item)
            elem.attrib["url"] = t.url
            elem.attrib["type"] = t.type
            if t.language:
                elem.attrib["language"] = t.language
            if t.rel:
                elem.attrib["rel"] = t.rel
        if self._chapters:
            elem = xml_elem(f"{{{PODCAST_NS}}}chapters", item)
            elem.attrib["url"], elem.attrib["type"] = self._chapters
        return item
