"""Article sources end to end: a news site on 127.0.0.1 (the stand-in for the internet)
serves an RSS feed and article pages; the real API, a real `narrate beat` and a real worker
poll it, narrate with the real voice, and publish into a podcast feed read back with
feedparser."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from email.utils import formatdate
from html import escape
from typing import Any, Final

import feedparser
import pytest

from service.sources.listing import ListedItem, SourceRules, parse_listing
from tests.utils.services import Stack, wait_for
from tests.utils.site import Page, Site, news_site
from workers.errors import InputError

FETCH_TIMEOUT_S: Final = 2.0
PAGE_CAP: Final = 40_000
PARAGRAPHS: Final = [
    "The harbor bridge reopened on Monday after three months of repairs to its deck.",
    "Engineers replaced forty steel plates and repainted the towers in the original grey.",
    "Traffic was light in the morning, and the ferry service will end on Friday.",
]
EDITED: Final = "Engineers replaced forty-two steel plates, and they repainted both towers."


def article_page(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html><head><title>{escape(title)}</title>"
        '<meta name="author" content="Sam Lee"></head><body><nav><a href="/">Home</a></nav>'
        f"<article><h1>{escape(title)}</h1>{body}</article><footer>Copyright</footer></body></html>"
    ).encode()


def rss(site: Site, items: list[dict[str, Any]], comment: str = "") -> bytes:
    entries = "".join(
        f"<item><title>{escape(i['title'])}</title><link>{site.url(i['path'])}</link>"
        f'<guid isPermaLink="false">{i["guid"]}</guid><category>{i.get("category", "News")}'
        f"</category><pubDate>{formatdate(i.get('date', 1_780_000_000))}</pubDate>"
        f"<description>{escape(i.get('summary', ''))}</description></item>"
        for i in items
    )
    return (
        f'<?xml version="1.0"?><!--{comment}--><rss version="2.0"><channel><title>Example '
        f"News</title><link>{site.url('/')}</link><description>News</description>"
        f"{entries}</channel></rss>"
    ).encode()


ITEMS: Final = [
    {"guid": "story-1", "path": "/news/bridge.html", "title": "Harbor bridge reopens"},
    {"guid": "story-2", "path": "/news/slow.html", "title": "A slow page"},
    {"guid": "story-3", "path": "/news/huge.html", "title": "A huge page"},
    {"guid": "story-4", "path": "/news/report.pdf", "title": "A PDF"},
    {"guid": "story-5", "path": "/members/secret.html", "title": "Members only"},
    {"guid": "story-6", "path": "/news/ad.html", "title": "Sponsored", "category": "Sponsored"},
]


@pytest.fixture
def site() -> Iterator[Site]:
    with news_site() as running:
        running.pages["/robots.txt"] = Page(
            b"User-agent: *\nDisallow: /members/\n", content_type="text/plain"
        )
        running.pages["/news/bridge.html"] = Page(article_page("Harbor bridge reopens", PARAGRAPHS))
        running.pages["/news/slow.html"] = Page(
            article_page("A slow page", PARAGRAPHS), delay_s=3 * FETCH_TIMEOUT_S
        )
        running.pages["/news/huge.html"] = Page(article_page("Huge", PARAGRAPHS * 400))
        running.pages["/news/report.pdf"] = Page(b"%PDF-1.4", content_type="application/pdf")
        running.pages["/members/secret.html"] = Page(article_page("Secret", PARAGRAPHS))
        running.pages["/news/ad.html"] = Page(article_page("Buy", PARAGRAPHS))
        running.pages["/feed.xml"] = Page(rss(running, ITEMS), conditional=True)
        yield running


def item_of(source: dict[str, Any], guid: str) -> dict[str, Any] | None:
    return next((i for i in source["items"] if i["guid"] == guid), None)


def test_a_polled_feed_becomes_episodes_and_an_edit_updates_its_episode(
    make_stack: Callable[..., Stack], site: Site
) -> None:
    stack = make_stack(
        source_tick_s=0.3,
        source_min_interval_s=0.3,
        source_fetch_timeout_s=FETCH_TIMEOUT_S,
        source_max_page_bytes=PAGE_CAP,
    )
    stack.start_api()
    beat = stack.start_beat(wait=False)  # starts while the worker starts
    stack.start_worker(concurrency=2)
    beat.wait_ready()
    http = stack.http
    feed = {"slug": "news", "title": "News", "description": "d", "author": "a"}
    feed |= {"owner_name": "o", "owner_email": "o@example.org"}
    assert http.post("/v1/feeds", json=feed).status_code == 201
    made = http.post(
        "/v1/sources",
        json={
            "url": site.url("/feed.xml"),
            "feed": "news",
            "interval_s": 0.3,
            "speed": 2.0,
            "exclude_categories": ["sponsored"],
        },
    )
    assert made.status_code == 201, made.text
    source_path = f"/v1/sources/{made.json()['id']}"

    def source() -> dict[str, Any]:
        return http.get(source_path).json()

    # New items: the article becomes a job, each bad page fails with its reason.
    def first_poll_done() -> dict[str, Any] | None:
        s = source()
        return s if len(s["items"]) == 5 else None

    polled = wait_for(first_poll_done, 60, "the first poll to take every item")
    reasons = {i["guid"]: i["reason"] for i in polled["items"] if i["status"] == "failed"}
    assert "within 2 s" in reasons["story-2"]
    assert "larger than" in reasons["story-3"]
    assert "not an HTML page" in reasons["story-4"] and "application/pdf" in reasons["story-4"]
    assert "robots.txt" in reasons["story-5"]
    assert item_of(polled, "story-6") is None  # excluded by category
    assert not site.hits_of("/news/ad.html") and not site.hits_of("/members/secret.html")
    bridge = item_of(polled, "story-1")
    assert bridge is not None and bridge["status"] == "submitted" and bridge["jobs"] == 1
    first_job = stack.wait_job(bridge["job_id"])
    assert first_job["status"] == "done", first_job

    def episodes() -> list[dict[str, Any]]:
        return http.get("/v1/feeds/news").json()["episodes"]

    [episode] = wait_for(episodes, 30, "the episode")
    assert episode["job_id"] == first_job["id"]
    # The feed's default: the disclosure is spoken first, its own entry in the timings.
    spoken = http.get(f"/v1/jobs/{first_job['id']}/timings.json").json()["sentences"]
    assert spoken[0].get("disclosure") and "AI assistance" in spoken[0]["text"]
    assert [s["index"] for s in spoken[1:]] == list(range(len(spoken) - 1))

    # The same items again: the feed changes (a new ETag), the items do not: no page is
    # fetched again and no job made; then the feed answers 304 and nothing happens at all.
    site.pages["/feed.xml"] = Page(rss(site, ITEMS, comment="rebuilt"), conditional=True)
    wait_for(lambda: len(site.hits_of("/feed.xml", 304)) >= 3, 30, "conditional polls")
    assert len(site.hits_of("/news/bridge.html")) == 1
    assert source()["last_status"] == "not modified"
    assert item_of(source(), "story-1")["jobs"] == 1
    feed_hits = site.hits_of("/feed.xml")
    assert all("narrate" in h.headers["user-agent"].lower() for h in site.hits)
    assert all(h.headers.get("if-none-match") for h in feed_hits[1:])

    # An edited paragraph: only its chunk is synthesized; the episode keeps its guid and URL.
    site.pages["/news/bridge.html"] = Page(
        article_page("Harbor bridge reopens", [PARAGRAPHS[0], EDITED, PARAGRAPHS[2]])
    )
    edited_items = [{**ITEMS[0], "date": 1_780_003_600}, *ITEMS[1:]]
    site.pages["/feed.xml"] = Page(rss(site, edited_items), conditional=True)
    second = wait_for(
        lambda: (i := item_of(source(), "story-1")) and i["jobs"] == 2 and i, 30, "the edit"
    )
    second_job = stack.wait_job(second["job_id"])
    assert second_job["status"] == "done", second_job
    progress = second_job["progress"]
    # the disclosure, the headline, the byline, three paragraphs
    assert progress["chunks_total"] == 6
    assert progress["chunks_total"] - progress["chunks_cached"] == 1
    wait_for(lambda: episodes()[0]["job_id"] == second_job["id"], 30, "the episode's update")
    [updated] = episodes()
    assert (updated["id"], updated["guid"]) == (episode["id"], episode["guid"])
    parsed = feedparser.parse(http.get("/feeds/news.xml").content)
    [entry] = parsed.entries
    assert entry.id == episode["guid"]
    [enclosure] = entry.enclosures
    assert int(enclosure["length"]) == second_job["audio"]["size_bytes"]
    assert int(enclosure["length"]) != first_job["audio"]["size_bytes"]
    # Failed items were not retried (the retry waits for `source_retry_after_s`), and the
    # site never had two requests at once.
    assert len(site.hits_of("/news/slow.html")) == 1
    assert site.most_active == 1

    # A removed item: its episode stays unless the source is told to unpublish.
    site.pages["/feed.xml"] = Page(rss(site, edited_items[1:]), conditional=True)
    served = len(site.hits_of("/feed.xml", 200))
    wait_for(lambda: len(site.hits_of("/feed.xml", 304)) > served, 30, "a poll of the new feed")
    assert [e["guid"] for e in episodes()] == [episode["guid"]]
    patched = http.patch(source_path, json={"options": {"unpublish_removed": True}})
    assert patched.status_code == 200, patched.text
    wait_for(lambda: not episodes(), 30, "the episode to be unpublished")
    assert item_of(source(), "story-1")["status"] == "removed"

    # A CMS pushes an article with its URL: the disclosure's audio comes from the cache
    # (synthesized once per voice), and pushing it again after an edit updates its episode.
    pushed = {"feed": "news", "source_url": "https://cms.example.org/story-9", "speed": 2.0}
    story = ["The council met on Tuesday.", "It voted for a new library.", "Work starts soon."]
    first_push = stack.wait_job(
        stack.submit(html=article_page("Library", story).decode(), **pushed)["id"]
    )
    # Cached: the disclosure, and the byline (the same author as the polled story's).
    assert first_push["status"] == "done" and first_push["progress"]["chunks_cached"] == 2
    [pushed_episode] = wait_for(episodes, 30, "the pushed article's episode")
    story[1] = "It voted for a new library and a swimming pool."
    second_push = stack.wait_job(
        stack.submit(html=article_page("Library", story).decode(), **pushed)["id"]
    )
    assert second_push["progress"]["chunks_total"] - second_push["progress"]["chunks_cached"] == 1
    wait_for(lambda: episodes()[0]["job_id"] == second_push["id"], 30, "the pushed update")
    [again] = episodes()
    assert (again["id"], again["guid"]) == (pushed_episode["id"], pushed_episode["guid"])


SITEMAP: Final = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://example.org/a.html</loc><lastmod>2026-11-30T10:00:00Z</lastmod></url>
  <url><loc> https://example.org/b.html </loc></url>
</urlset>"""


def test_sitemaps_list_their_urls_and_a_new_lastmod_is_a_change() -> None:
    items = parse_listing(SITEMAP)
    assert [(i.url, i.date) for i in items] == [
        ("https://example.org/a.html", "2026-11-30"),
        ("https://example.org/b.html", None),
    ]
    moved = parse_listing(SITEMAP.replace(b"2026-11-30T10", b"2026-12-01T10"))
    assert moved[0].entry_hash != items[0].entry_hash
    assert moved[1].entry_hash == items[1].entry_hash


@pytest.mark.parametrize(
    "body",
    [b"<html><body>not a feed</body></html>", b"<sitemapindex><sitemap/></sitemapindex>"],
)
def test_anything_else_is_refused_with_a_reason(body: bytes) -> None:
    with pytest.raises(InputError):
        parse_listing(body)


def listed(url: str, *categories: str) -> ListedItem:
    return ListedItem(url, url, None, None, None, categories, "h")


def test_rules_take_and_leave_items() -> None:
    rules = SourceRules(
        include_categories=["News", "Local"],
        exclude_categories=["sponsored"],
        include_urls=["https://example.org/20*"],
        exclude_urls=["*/live/*"],
    )
    assert rules.admits(listed("https://example.org/2026/a.html", "news"))
    assert not rules.admits(listed("https://example.org/2026/a.html", "Sport"))
    assert not rules.admits(listed("https://example.org/2026/a.html", "News", "SPONSORED"))
    assert not rules.admits(listed("https://example.org/about.html", "News"))
    assert not rules.admits(listed("https://example.org/2026/live/x.html", "Local"))
    assert SourceRules().admits(listed("https://example.org/x"))
