"""Feeds over HTTP against the live service: parsed by three podcast parsers, conditional
GET, Range on episode audio, ID3 chapters, private feeds, proxies and bad input."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
from mutagen.mp3 import MP3

from service.feeds.rss import podcast_guid
from tests.audio import decode_to_pcm
from tests.service.feeds.conftest import HEADINGS, LiveService
from tests.service.feeds.parsers import (
    parse_with_feedparser,
    parse_with_partytime,
    parse_with_podcastparser,
)
from tests.service.feeds.test_rules import png
from workers.chapters import read_id3_chapters

pytestmark = pytest.mark.slow

SECOND_ARTICLE = "A short note. The council meets on Friday."


@dataclass
class Published:
    service: LiveService
    feed: dict[str, Any]
    jobs: list[str]


@pytest.fixture(scope="module")
def published(live_service: LiveService) -> Published:
    """Feed `morning` with two episodes: one submitted with `feed`, one added afterwards;
    feed `evening` shares the second job."""
    svc = live_service
    assert svc.create_feed("morning").status_code == 201
    assert svc.create_feed("evening").status_code == 201
    first = svc.submit(feed="morning", title="Harbor Bridge Reopens")
    second = svc.submit(SECOND_ARTICLE)
    svc.wait_done(first)
    svc.wait_done(second)
    added = svc.client.post("/v1/feeds/morning/episodes", json={"job_id": second})
    assert added.status_code == 201, added.text
    assert svc.client.post("/v1/feeds/evening/episodes", json={"job_id": second}).status_code == 201
    feed = svc.client.get("/v1/feeds/morning").json()
    return Published(svc, feed, [first, second])


def _xml(p: Published, **headers: str) -> bytes:
    response = p.service.client.get("/feeds/morning.xml", headers=headers)
    assert response.status_code == 200
    return response.content


def _real_duration(p: Published, url: str) -> tuple[float, int]:
    """(seconds decoded from the file itself, its size in bytes)."""
    data = p.service.client.get(url).content
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "episode.mp3"
        path.write_bytes(data)
        pcm, rate, channels = decode_to_pcm(path)
    return len(pcm) / (2 * channels * rate), len(data)


def test_episode_from_submit_and_from_an_existing_job(published: Published) -> None:
    episodes = published.feed["episodes"]
    assert sorted(e["job_id"] for e in episodes) == sorted(published.jobs)
    by_job = {e["job_id"]: e for e in episodes}
    assert by_job[published.jobs[0]]["title"] == "Harbor Bridge Reopens"


def test_feedparser_reads_every_episode_right(published: Published) -> None:
    parsed = parse_with_feedparser(_xml(published))
    assert len(parsed.entries) == 2
    for entry, ep in zip(
        sorted(parsed.entries, key=lambda e: e.id),
        sorted(published.feed["episodes"], key=lambda e: e["guid"]),
        strict=True,
    ):
        assert entry.id == ep["guid"] and entry.guidislink is False
        (enclosure,) = entry.enclosures
        assert enclosure.href == ep["audio_url"] and enclosure.href.startswith("http://")
        assert enclosure.type == "audio/mpeg"
        seconds, size = _real_duration(published, enclosure.href)
        assert int(enclosure.length) == size
        assert int(entry.itunes_duration) == round(seconds)


def test_podcastparser_reads_every_episode_right(published: Published) -> None:
    url = published.feed["links"]["rss"]
    parsed = parse_with_podcastparser(_xml(published), url)
    assert len(parsed["episodes"]) == 2
    by_guid = {e["guid"]: e for e in published.feed["episodes"]}
    for episode in parsed["episodes"]:
        ep = by_guid[episode["guid"]]
        (enclosure,) = episode["enclosures"]
        assert enclosure == {
            "url": ep["audio_url"],
            "file_size": ep["audio_size"],
            "mime_type": "audio/mpeg",
        }
        assert episode["total_time"] == round(ep["duration_seconds"])


def test_partytime_reads_guid_lock_transcripts_and_chapters(published: Published) -> None:
    feed = parse_with_partytime(_xml(published))
    assert feed["guid"] == published.feed["podcast_guid"]
    assert feed["guid"] == podcast_guid(published.feed["links"]["rss"])
    assert feed["locked"] is True
    assert len(feed["items"]) == 2
    client = published.service.client
    for item in feed["items"]:
        assert item["enclosure"]["length"] == int(
            client.head(item["enclosure"]["url"]).headers["content-length"]
        )
        (vtt, json_transcript) = item["podcastTranscripts"]
        assert vtt["type"] == "text/vtt"
        assert client.get(vtt["url"]).text.startswith("WEBVTT")
        assert client.get(json_transcript["url"]).json()["segments"]
        chapters = client.get(item["podcastChapters"]["url"]).json()
        assert chapters["version"] == "1.2.0"
        # Web podcast players read transcripts and chapters from another origin.
        for url in (vtt["url"], json_transcript["url"], item["podcastChapters"]["url"]):
            assert client.get(url).headers["access-control-allow-origin"] == "*"


def test_chapters_follow_the_headings_in_json_and_id3(published: Published) -> None:
    client = published.service.client
    job = published.jobs[0]
    episode = next(e for e in published.feed["episodes"] if e["job_id"] == job)
    timings = client.get(f"/v1/jobs/{job}/timings.json").json()["sentences"]
    heading_starts = [s["start"] for s in timings if s["heading"]]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "a.mp3"
        path.write_bytes(client.get(episode["audio_url"]).content)
        chapters = read_id3_chapters(path)
        duration = MP3(path).info.length
    assert [c.title for c in chapters] == HEADINGS
    assert chapters[0].start == 0.0
    assert [c.start for c in chapters[1:]] == pytest.approx(heading_starts[1:], abs=0.002)
    assert chapters[-1].end == pytest.approx(duration, abs=0.2)
    json_chapters = client.get(episode["audio_url"].replace("audio.mp3", "chapters.json")).json()
    assert [c["title"] for c in json_chapters["chapters"]] == HEADINGS


def test_feed_headers_head_and_conditional_get(published: Published) -> None:
    client = published.service.client
    response = client.get("/feeds/morning.xml")
    assert response.headers["content-type"].startswith("application/rss+xml")
    etag, modified = response.headers["etag"], response.headers["last-modified"]
    head = client.head("/feeds/morning.xml")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == etag
    assert int(head.headers["content-length"]) == len(response.content)
    assert client.get("/feeds/morning.xml", headers={"If-None-Match": etag}).status_code == 304
    assert (
        client.get("/feeds/morning.xml", headers={"If-Modified-Since": modified}).status_code == 304
    )
    earlier = format_datetime(datetime.now(UTC) - timedelta(days=1), usegmt=True)
    assert (
        client.get("/feeds/morning.xml", headers={"If-Modified-Since": earlier}).status_code == 200
    )
    stale = client.get("/feeds/morning.xml", headers={"If-None-Match": '"old"'})
    assert stale.status_code == 200


def test_rebuilding_the_feed_keeps_every_guid(published: Published) -> None:
    client = published.service.client
    before = parse_with_feedparser(_xml(published))
    patched = client.patch("/v1/feeds/morning", json={"title": "Morning Briefing"})
    assert patched.status_code == 200
    after = parse_with_feedparser(_xml(published))
    assert after.feed.title == "Morning Briefing"
    assert sorted(e.id for e in after.entries) == sorted(e.id for e in before.entries)
    assert after.feed.podcast_guid == before.feed.podcast_guid


def test_episode_audio_ranges(published: Published) -> None:
    client = published.service.client
    url = published.feed["episodes"][0]["audio_url"]
    full = client.get(url).content
    size = len(full)
    head = client.head(url)
    assert head.status_code == 200 and head.headers["accept-ranges"] == "bytes"
    part = client.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 100-199/{size}"
    assert part.content == full[100:200]
    suffix = client.get(url, headers={"Range": "bytes=-500"})
    assert suffix.status_code == 206 and suffix.content == full[-500:]
    assert suffix.headers["content-range"] == f"bytes {size - 500}-{size - 1}/{size}"
    outside = client.get(url, headers={"Range": f"bytes={size}-"})
    assert outside.status_code == 416
    assert outside.headers["content-range"] == f"bytes */{size}"


def test_absolute_urls_follow_the_proxy_headers(published: Published) -> None:
    xml = _xml(published, **{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "news.example.org"})
    parsed = parse_with_feedparser(xml)
    assert all(
        e.enclosures[0].href.startswith("https://news.example.org/episodes/")
        for e in parsed.entries
    )
    assert parsed.feed.podcast_guid == published.feed["podcast_guid"]  # fixed at creation


def test_private_feed_needs_its_token(published: Published) -> None:
    client = published.service.client
    created = published.service.create_feed("members", private=True)
    assert created.status_code == 201
    token = created.json()["token"]
    assert token and created.json()["links"]["rss"].endswith(f"?token={token}")
    assert client.get("/feeds/members.xml").status_code == 404
    assert client.get("/feeds/members.xml", params={"token": "wrong"}).status_code == 404
    assert client.get("/feeds/members", params={"token": "wrong"}).status_code == 404
    assert client.get("/feeds/members.xml", params={"token": token}).status_code == 200


def test_feed_page_lists_episodes_and_subscribe_link(published: Published) -> None:
    page = published.service.client.get("/feeds/morning")
    assert page.status_code == 200
    assert "Harbor Bridge Reopens" in page.text
    assert "/feeds/morning.xml" in page.text


def test_bad_feed_input_is_a_clear_4xx(published: Published) -> None:
    svc = published.service
    duplicate = svc.create_feed("morning")
    assert duplicate.status_code == 409 and duplicate.json()["field"] == "slug"
    language = svc.create_feed("other", language="english")
    assert language.status_code == 422 and language.json()["field"] == "language"
    assert "language code" in language.json()["message"]
    assert svc.create_feed("Bad Slug").status_code == 422
    big = svc.client.put(
        "/v1/feeds/morning/image", content=png(1400, 1400) + bytes(1_100_000),
        headers={"Content-Type": "image/png"},
    )  # fmt: skip
    assert big.status_code == 413 and big.json()["field"] == "image"
    small = svc.client.put("/v1/feeds/morning/image", content=png(600, 600))
    assert small.status_code == 422 and "1400" in small.json()["message"]
    unknown = svc.client.post("/v1/jobs", json={"text": "Hello.", "feed": "no-such-feed"})
    assert unknown.status_code == 422 and unknown.json()["field"] == "feed"
    not_done = svc.client.post("/v1/feeds/morning/episodes", json={"job_id": "nope"})
    assert not_done.status_code == 404


def test_artwork_upload_is_served(published: Published) -> None:
    client = published.service.client
    put = client.put("/v1/feeds/evening/image", content=png(1400, 1400))
    assert put.status_code == 200, put.text
    art = put.json()["image_url"]
    assert art.endswith("/feeds/evening/artwork.png")
    got = client.get(art)
    assert got.status_code == 200 and got.headers["content-type"] == "image/png"
    parsed = parse_with_podcastparser(client.get("/feeds/evening.xml").content, art)
    assert parsed["cover_url"] == art


def test_deleting_a_feed_keeps_other_feeds_audio(published: Published) -> None:
    client = published.service.client
    evening = client.get("/v1/feeds/evening").json()
    shared_job = evening["episodes"][0]["job_id"]
    assert client.delete("/v1/feeds/evening").status_code == 204
    assert client.get("/feeds/evening.xml").status_code == 404
    assert client.get("/v1/feeds/evening").status_code == 404
    morning = client.get("/v1/feeds/morning").json()
    for ep in morning["episodes"]:
        assert client.get(ep["audio_url"]).status_code == 200
    assert client.head(f"/v1/jobs/{shared_job}/audio").status_code == 200


def test_removing_an_episode(published: Published) -> None:
    client = published.service.client
    assert published.service.create_feed("scratch").status_code == 201
    added = client.post("/v1/feeds/scratch/episodes", json={"job_id": published.jobs[1]})
    episode_id = added.json()["id"]
    assert client.delete(f"/v1/feeds/scratch/episodes/{episode_id}").status_code == 204
    assert parse_with_feedparser(client.get("/feeds/scratch.xml").content).entries == []
    assert client.delete(f"/v1/feeds/scratch/episodes/{episode_id}").status_code == 404
