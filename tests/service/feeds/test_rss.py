"""The RSS builder, read back by feedparser, podcastparser and podcast-partytime."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from service.feeds.podcast_ns import (
    ITUNES_NS,
    PODCAST_NS,
    ChannelExtras,
    Funding,
    Person,
    PodcastTxt,
    TranscriptLink,
)
from service.feeds.rss import Channel, Episode, EpisodeType, build_rss, podcast_guid
from tests.service.feeds.parsers import (
    parse_with_feedparser,
    parse_with_partytime,
    parse_with_podcastparser,
)

BASE = "https://news.example.org"
FEED_URL = f"{BASE}/feeds/morning.xml"


def make_channel(explicit: bool = False) -> Channel:
    return Channel(
        title="Morning Briefing",
        description="The day's stories, read aloud.",
        link=f"{BASE}/feeds/morning",
        self_url=FEED_URL,
        language="en-us",
        author="Example News",
        owner_name="Audio Desk",
        owner_email="audio@example.org",
        category="News > Daily News",
        explicit=explicit,
        guid=podcast_guid(FEED_URL),
        updated=datetime(2024, 5, 2, 7, 0, tzinfo=UTC),
        image_url=f"{BASE}/feeds/morning/artwork.png",
    )


def make_episode(n: int) -> Episode:
    return Episode(
        guid=f"narrate-episode-{n}",
        title=f"Story {n}",
        description=f"What happened, part {n}.",
        published=datetime(2024, 5, n, 6, 30, tzinfo=UTC),
        audio_url=f"{BASE}/v1/jobs/job{n}/audio",
        audio_length=100_000 + n,
        audio_type="audio/mpeg",
        duration=60.4 + n,
        episode_type=EpisodeType.FULL,
        transcripts=(
            TranscriptLink(
                f"{BASE}/v1/jobs/job{n}/transcript.vtt", "text/vtt", "en-us", "captions"
            ),
            TranscriptLink(f"{BASE}/episodes/{n}/transcript.json", "application/json", "en-us"),
        ),
        chapters_url=f"{BASE}/episodes/{n}/chapters.json",
    )


EPISODES = [make_episode(1), make_episode(2)]


def test_podcast_guid_matches_the_spec_test_vector() -> None:
    assert podcast_guid("https://podnews.net/rss") == "9b024349-ccf0-5f69-a609-6b82873eab3c"
    assert podcast_guid("podnews.net/rss") == "9b024349-ccf0-5f69-a609-6b82873eab3c"
    assert podcast_guid("http://podnews.net/rss/") == "9b024349-ccf0-5f69-a609-6b82873eab3c"


def test_xml_is_well_formed_and_uses_the_namespaces() -> None:
    root = ET.fromstring(build_rss(make_channel(), EPISODES))
    assert root.tag == "rss" and root.attrib["version"] == "2.0"
    channel = root.find("channel")
    assert channel is not None
    assert channel.findtext(f"{{{ITUNES_NS}}}explicit") == "false"
    assert channel.findtext(f"{{{PODCAST_NS}}}guid") == podcast_guid(FEED_URL)
    locked = channel.find(f"{{{PODCAST_NS}}}locked")
    assert locked is not None and locked.text == "yes"
    assert locked.attrib["owner"] == "audio@example.org"
    self_link = channel.find("{http://www.w3.org/2005/Atom}link")
    assert self_link is not None
    assert self_link.attrib == {"href": FEED_URL, "rel": "self"}
    assert channel.findtext("link") == f"{BASE}/feeds/morning"
    items = channel.findall("item")
    assert [i.findtext("guid") for i in items] == ["narrate-episode-2", "narrate-episode-1"]
    for item in items:
        guid = item.find("guid")
        assert guid is not None and guid.attrib["isPermaLink"] == "false"
        assert item.findtext(f"{{{ITUNES_NS}}}episodeType") == "full"
        assert len(item.findall(f"{{{PODCAST_NS}}}transcript")) == 2


def test_explicit_is_true_or_false_never_yes_no() -> None:
    root = ET.fromstring(build_rss(make_channel(explicit=True), EPISODES))
    explicit = root.findall(f".//{{{ITUNES_NS}}}explicit")
    assert [e.text for e in explicit] == ["true"]


def test_same_records_give_the_same_bytes() -> None:
    assert build_rss(make_channel(), EPISODES) == build_rss(make_channel(), EPISODES)


def test_feedparser_reads_every_episode() -> None:
    parsed = parse_with_feedparser(build_rss(make_channel(), EPISODES))
    assert parsed.version == "rss20"
    assert parsed.feed.title == "Morning Briefing"
    assert parsed.feed.language == "en-us"
    by_guid = {e.id: e for e in parsed.entries}
    assert set(by_guid) == {ep.guid for ep in EPISODES}
    for ep in EPISODES:
        entry = by_guid[ep.guid]
        assert entry.guidislink is False
        (enclosure,) = entry.enclosures
        assert enclosure.href == ep.audio_url
        assert int(enclosure.length) == ep.audio_length
        assert enclosure.type == "audio/mpeg"
        assert entry.itunes_duration == str(round(ep.duration))
        assert entry.published_parsed[:5] == ep.published.timetuple()[:5]
        # Quirk: feedparser keeps only the last podcast:transcript of an item.
        assert entry.podcast_transcript["url"] == ep.transcripts[-1].url
        assert entry.podcast_chapters["url"] == ep.chapters_url


def test_podcastparser_reads_every_episode() -> None:
    parsed = parse_with_podcastparser(build_rss(make_channel(), EPISODES), FEED_URL)
    assert parsed["title"] == "Morning Briefing"
    assert parsed["explicit"] is False
    assert parsed["itunes_categories"] == [["News", "Daily News"]]
    assert parsed["cover_url"] == f"{BASE}/feeds/morning/artwork.png"
    by_guid = {e["guid"]: e for e in parsed["episodes"]}
    assert set(by_guid) == {ep.guid for ep in EPISODES}
    for ep in EPISODES:
        entry = by_guid[ep.guid]
        assert entry["enclosures"] == [
            {"url": ep.audio_url, "file_size": ep.audio_length, "mime_type": "audio/mpeg"}
        ]
        assert entry["total_time"] == round(ep.duration)
        assert entry["published"] == int(ep.published.timestamp())
        # Quirk: podcastparser knows only the old podcast namespace URI, so no transcripts.
        assert "transcript_url" not in entry


@pytest.mark.parametrize("explicit", [False, True])
def test_podcastparser_reads_apples_true_false_explicit(explicit: bool) -> None:
    parsed = parse_with_podcastparser(build_rss(make_channel(explicit), EPISODES), FEED_URL)
    assert parsed["explicit"] is explicit


def test_partytime_reads_the_podcast_namespace() -> None:
    feed = parse_with_partytime(build_rss(make_channel(explicit=True), EPISODES))
    assert feed["guid"] == podcast_guid(FEED_URL)
    assert feed["locked"] is True
    assert feed["podcastOwner"] == "audio@example.org"
    assert feed["explicit"] is True
    assert feed["pubsub"]["self"] == FEED_URL
    assert feed["owner"] == {"name": "Audio Desk", "email": "audio@example.org"}
    by_guid = {i["guid"]: i for i in feed["items"]}
    assert set(by_guid) == {ep.guid for ep in EPISODES}
    for ep in EPISODES:
        item = by_guid[ep.guid]
        assert item["enclosure"] == {
            "url": ep.audio_url,
            "length": ep.audio_length,
            "type": "audio/mpeg",
        }
        assert item["duration"] == round(ep.duration)
        assert item["itunesEpisodeType"] == "full"
        assert [(t["url"], t["type"]) for t in item["podcastTranscripts"]] == [
            (t.url, t.type) for t in ep.transcripts
        ]
        assert item["podcastChapters"] == {
            "url": ep.chapters_url,
            "type": "application/json+chapters",
        }


# --- any text in any field still gives a feed (issue 10, item 5) --------------------------


def is_xml_char(c: str) -> bool:
    """XML 1.0 (Fifth Edition) §2.2 `Char`, written out here as the spec gives it."""
    cp = ord(c)
    return (
        cp in (0x9, 0xA, 0xD)
        or 0x20 <= cp <= 0xD7FF
        or 0xE000 <= cp <= 0xFFFD
        or 0x10000 <= cp <= 0x10FFFF
    )


def writable(text: str) -> str:
    return "".join(c for c in text if is_xml_char(c))


HOSTILE_CHARS = st.characters(codec=None, exclude_categories=()) | st.sampled_from(
    ["\x00", "\x08", "\x0b", "\x0c", "\x1f", "\ud800", "\udfff", "\ufffe", "\uffff", "\r", "\x7f"]
)
TEXT = st.text(HOSTILE_CHARS, max_size=40)
WHEN = st.datetimes(
    min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
ANY_TRANSCRIPTS = st.lists(
    st.builds(TranscriptLink, url=TEXT, type=TEXT, language=TEXT | st.none(), rel=TEXT | st.none()),
    max_size=2,
).map(tuple)
ANY_CHANNEL = st.builds(
    Channel,
    title=TEXT,
    description=TEXT,
    link=TEXT,
    self_url=TEXT,
    language=TEXT,
    author=TEXT,
    owner_name=TEXT,
    owner_email=TEXT,
    category=TEXT,
    explicit=st.booleans(),
    guid=TEXT,
    updated=WHEN,
    image_url=TEXT | st.none(),
    locked=st.booleans(),
)
ANY_EPISODE = st.builds(
    Episode,
    guid=TEXT,
    title=TEXT,
    description=TEXT,
    published=WHEN,
    audio_url=TEXT,
    audio_length=st.integers(min_value=0, max_value=2**40),
    audio_type=TEXT,
    duration=st.floats(min_value=0, max_value=1e6),
    link=TEXT | st.none(),
    episode_type=st.sampled_from(EpisodeType),
    transcripts=ANY_TRANSCRIPTS,
    chapters_url=TEXT | st.none(),
)


def replaced(channel: Channel, **changes: object) -> Channel:
    return dataclasses.replace(channel, **changes)


@given(
    channel=ANY_CHANNEL,
    # Distinct (date, guid) pairs, so that the expected order is defined.
    episodes=st.lists(ANY_EPISODE, max_size=3, unique_by=lambda e: (e.published, writable(e.guid))),
)
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@example(
    channel=replaced(make_channel(), title="Morning\u000bBriefing"), episodes=[make_episode(1)]
)
@example(
    channel=make_channel(),
    episodes=[dataclasses.replace(make_episode(1), description="Back\u0008space in the text")],
)
def test_any_text_in_any_field_gives_a_well_formed_feed(
    channel: Channel, episodes: list[Episode]
) -> None:
    """The audit's feed: one `\\u0008` in an article (or `\\u000b` in a feed title) and lxml
    raised, so `/feeds/{slug}.xml` answered 500 for everyone. The oracles are expat (the
    standard library's parser, not the lxml that wrote the feed) and feedparser."""
    xml = build_rss(channel, episodes)
    root = ET.fromstring(xml)  # raises on anything not well-formed
    rss_channel = root.find("channel")
    assert rss_channel is not None
    items = rss_channel.findall("item")
    assert len(items) == len(episodes)
    title = writable(channel.title)
    assert rss_channel.findtext("title") == (title if title.strip() else "Untitled")
    newest_first = sorted(episodes, key=lambda e: (e.published, writable(e.guid)), reverse=True)
    for item, episode in zip(items, newest_first, strict=True):
        expected = writable(episode.title)
        assert item.findtext("title") == (expected if expected.strip() else "Untitled")
        enclosure = item.find("enclosure")
        assert enclosure is not None and enclosure.get("url") == writable(episode.audio_url)
        for element, link in zip(
            item.findall(f"{{{PODCAST_NS}}}transcript"), episode.transcripts, strict=True
        ):
            assert element.get("url") == writable(link.url)
    assert len(parse_with_feedparser(xml).entries) == len(episodes)


def test_partytime_reads_txt_funding_person_and_medium() -> None:
    extras = ChannelExtras(
        txt=(PodcastTxt("apple-code-123", "applepodcastsverify"),),
        funding=(Funding("https://news.example.org/support", "Support the newsroom"),),
        persons=(Person("Ana Ruiz", "host", None, "https://news.example.org/ana"),),
        medium="podcast",
    )
    xml = build_rss(dataclasses.replace(make_channel(), extras=extras), EPISODES)
    parse_with_feedparser(xml)  # still well-formed and read by the others
    assert len(parse_with_podcastparser(xml, FEED_URL)["episodes"]) == len(EPISODES)
    feed = parse_with_partytime(xml)
    assert feed["podcastTxt"] == [{"value": "apple-code-123", "purpose": "applepodcastsverify"}]
    assert feed["podcastFunding"] == [
        {"message": "Support the newsroom", "url": "https://news.example.org/support"}
    ]
    [person] = feed["podcastPeople"]
    assert (person["name"], person["role"].lower()) == ("Ana Ruiz", "host")
    assert feed["medium"] == "podcast"
