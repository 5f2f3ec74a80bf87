"""A feed's Podcasting 2.0 extras and its artwork through the API: `podcast:txt`, funding,
people and medium round-trip into the RSS; artwork is checked with Pillow whether it comes
as a multipart upload or by URL (fetched from a site on 127.0.0.1, the tests' stand-in for
the internet, through the safe fetch helper)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.service.feeds.parsers import parse_with_feedparser, parse_with_partytime
from tests.service.feeds.test_rules import image, png
from tests.utils.services import Stack
from tests.utils.site import Page, news_site

FEED = {
    "slug": "morning",
    "title": "Morning",
    "description": "Stories read aloud.",
    "author": "Example News",
    "owner_name": "Audio Desk",
    "owner_email": "audio@example.org",
}


@pytest.fixture
def api(make_stack: Callable[..., Stack]) -> Stack:
    stack = make_stack()
    stack.start_api()
    return stack


def test_extras_round_trip_into_the_rss(api: Stack) -> None:
    extras = {
        "podcast_txt": [{"value": "apple-verify-1", "purpose": "applepodcastsverify"}],
        "funding": [{"url": "https://news.example.org/give", "text": "Support us"}],
        "persons": [{"name": "Ana Ruiz", "role": "host"}],
        "medium": "podcast",
    }
    made = api.http.post("/v1/feeds", json={**FEED, **extras})
    assert made.status_code == 201, made.text
    assert made.json()["disclosure"] == "start"  # spoken by default on podcast feeds
    xml = api.http.get("/feeds/morning.xml").content
    parse_with_feedparser(xml)
    feed = parse_with_partytime(xml)
    assert feed["podcastTxt"] == [{"value": "apple-verify-1", "purpose": "applepodcastsverify"}]
    assert feed["podcastFunding"][0]["url"] == "https://news.example.org/give"
    assert feed["podcastPeople"][0]["name"] == "Ana Ruiz"
    assert feed["medium"] == "podcast"
    changed = api.http.patch("/v1/feeds/morning", json={"medium": "newsletter"})
    assert changed.json()["medium"] == "newsletter"
    bad = api.http.patch("/v1/feeds/morning", json={"medium": "radio"})
    assert bad.status_code == 422 and bad.json()["field"] == "medium"


def test_artwork_by_multipart_upload_and_by_url(api: Stack) -> None:
    assert api.http.post("/v1/feeds", json=FEED).status_code == 201
    put = api.http.put(
        "/v1/feeds/morning/image", files={"image": ("art.png", png(1400, 1400), "image/png")}
    )
    assert put.status_code == 200, put.text
    assert put.json()["image_url"].endswith("/feeds/morning/artwork.png")
    rgba = api.http.put(
        "/v1/feeds/morning/image",
        files={"image": ("art.png", image(1400, 1400, mode="RGBA"), "image/png")},
    )
    assert rgba.status_code == 422 and "RGB" in rgba.json()["message"]
    with news_site() as site:
        site.pages["/art.jpg"] = Page(image(1500, 1500, "JPEG"), content_type="image/jpeg")
        site.pages["/wide.jpg"] = Page(image(1500, 1400, "JPEG"), content_type="image/jpeg")
        by_url = api.http.put("/v1/feeds/morning/image", json={"url": site.url("/art.jpg")})
        assert by_url.status_code == 200, by_url.text
        assert by_url.json()["image_url"].endswith("/feeds/morning/artwork.jpg")
        served = api.http.get("/feeds/morning/artwork.jpg")
        assert served.content == site.pages["/art.jpg"].body
        wide = api.http.put("/v1/feeds/morning/image", json={"url": site.url("/wide.jpg")})
        assert wide.status_code == 422 and "square" in wide.json()["message"]
        gone = api.http.put("/v1/feeds/morning/image", json={"url": site.url("/nothing.jpg")})
        assert gone.status_code == 422 and "404" in gone.json()["message"]
        assert "narrate" in site.hits[0].headers["user-agent"].lower()
