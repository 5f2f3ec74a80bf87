"""From stored feeds and episodes to the RSS document, with every URL made absolute."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Final
from urllib.parse import quote, urlencode

from service.feeds.podcast_ns import ChannelExtras, Funding, Person, PodcastTxt, TranscriptLink
from service.feeds.rss import Channel, Episode, build_rss
from service.feeds.store import EpisodeRecord, Feed
from workers.master import AudioFormat

JOB_PAGE_PATH: Final = "/jobs/{job_id}"
EPISODE_PATH: Final = "/episodes/{episode_id}"
VTT_MIME: Final = "text/vtt"
JSON_TRANSCRIPT_MIME: Final = "application/json"


def _token_query(feed: Feed) -> str:
    return "?" + urlencode({"token": feed.token}) if feed.token else ""


def feed_xml_url(base: str, feed: Feed, with_token: bool = True) -> str:
    query = _token_query(feed) if with_token else ""
    return f"{base}/feeds/{quote(feed.slug)}.xml{query}"


def feed_page_url(base: str, feed: Feed) -> str:
    return f"{base}/feeds/{quote(feed.slug)}{_token_query(feed)}"


def artwork_url(base: str, feed: Feed) -> str | None:
    if feed.image_key:
        ext = "png" if feed.image_mime == "image/png" else "jpg"
        return f"{base}/feeds/{quote(feed.slug)}/artwork.{ext}{_token_query(feed)}"
    return feed.image_url


def episode_url(base: str, episode: EpisodeRecord, name: str) -> str:
    return base + EPISODE_PATH.format(episode_id=episode.id) + "/" + name


def audio_url(base: str, episode: EpisodeRecord) -> str:
    """A public URL that ends in the file's extension (Apple wants one); HEAD and Range are
    answered there by the job service's download code."""
    ext = next((f.value for f in AudioFormat if f.mime == episode.audio_mime), "mp3")
    return episode_url(base, episode, f"audio.{ext}")


def last_modified(feed: Feed, episodes: Sequence[EpisodeRecord]) -> float:
    return max([feed.updated_at, *(e.published_at for e in episodes)])


def _utc(timestamp: float) -> datetime:
    return datetime.fromtimestamp(int(timestamp), UTC)


def build_feed_document(feed: Feed, episodes: Sequence[EpisodeRecord], base: str) -> bytes:
    channel = Channel(
        title=feed.title,
        description=feed.description,
        link=feed.link or feed_page_url(base, feed),
        self_url=feed_xml_url(base, feed),
        language=feed.language,
        author=feed.author,
        owner_name=feed.owner_name,
        owner_email=feed.owner_email,
        category=feed.category,
        explicit=feed.explicit,
        guid=feed.podcast_guid,
        updated=_utc(last_modified(feed, episodes)),
        image_url=artwork_url(base, feed),
        extras=ChannelExtras(
            txt=tuple(PodcastTxt(**t) for t in feed.podcast_txt or ()),
            funding=tuple(Funding(**f) for f in feed.funding or ()),
            persons=tuple(Person(**p) for p in feed.persons or ()),
            medium=feed.medium,
        ),
    )
    items = [
        Episode(
            guid=e.guid,
            title=e.title,
            description=e.description,
            published=_utc(e.published_at),
            audio_url=audio_url(base, e),
            audio_length=e.audio_size,
            audio_type=e.audio_mime,
            duration=e.duration,
            link=base + JOB_PAGE_PATH.format(job_id=e.job_id),
            transcripts=(
                TranscriptLink(
                    episode_url(base, e, "transcript.vtt"), VTT_MIME, feed.language, "captions"
                ),
                TranscriptLink(
                    episode_url(base, e, "transcript.json"), JSON_TRANSCRIPT_MIME, feed.language
                ),
            ),
            chapters_url=episode_url(base, e, "chapters.json"),
        )
        for e in episodes
    ]
    return build_rss(channel, items)
