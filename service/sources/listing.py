"""What a source lists: the items of an RSS/Atom feed or a sitemap, and which of them pass a
source's include/exclude rules."""

from __future__ import annotations

import fnmatch
import hashlib
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field

from workers.errors import InputError

SITEMAP_NS: Final = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
Patterns = list[str]


class SourceRules(BaseModel):
    """Which listed items become episodes. Categories compare without regard to case; URL
    patterns are shell-style globs (`https://example.org/news/*`)."""

    model_config = ConfigDict(extra="forbid")

    include_categories: Patterns = Field(default_factory=list, max_length=50)
    """When given, an item needs one of these categories."""
    exclude_categories: Patterns = Field(default_factory=list, max_length=50)
    include_urls: Patterns = Field(default_factory=list, max_length=50)
    """When given, an item's URL must match one of these patterns."""
    exclude_urls: Patterns = Field(default_factory=list, max_length=50)

    def admits(self, item: ListedItem) -> bool:
        categories = {c.casefold() for c in item.categories}
        if self.include_categories and not categories & _folded(self.include_categories):
            return False
        if categories & _folded(self.exclude_categories):
            return False
        if self.include_urls and not _matches(item.url, self.include_urls):
            return False
        return not _matches(item.url, self.exclude_urls)


def _folded(values: Sequence[str]) -> set[str]:
    return {v.casefold() for v in values}


def _matches(url: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(url, p) for p in patterns)


@dataclass(frozen=True)
class ListedItem:
    """One article as the source lists it."""

    guid: str
    url: str
    title: str | None
    author: str | None
    date: str | None
    """`YYYY-MM-DD`, when the source gives one."""
    categories: tuple[str, ...]
    entry_hash: str
    """Of everything the source says about the item: a change means the page may have
    changed (an edit), and it is fetched again."""

    @property
    def key(self) -> str:
        return hashlib.sha256(self.guid.encode()).hexdigest()


def parse_listing(body: bytes) -> list[ListedItem]:
    """The items of a feed (RSS 0.9x/1.0/2.0, Atom) or a sitemap (`<urlset>`), in the
    source's order; `InputError` for anything else, a sitemap index included."""
    head = body[:4096].lstrip()
    if b"<urlset" in head or b"<sitemapindex" in head:
        return _sitemap_items(body)
    import feedparser

    parsed = feedparser.parse(body)
    if not parsed.get("version") and not parsed.entries:
        raise InputError("the source is neither an RSS/Atom feed nor a sitemap")
    return [item for entry in parsed.entries if (item := _feed_item(entry))]


def _hash(values: Any) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def _feed_item(entry: Any) -> ListedItem | None:
    url = entry.get("link")
    if not url:
        return None
    stamp = entry.get("updated_parsed") or entry.get("published_parsed")
    content = [c.get("value") for c in entry.get("content", [])]
    categories = tuple(t.get("term") for t in entry.get("tags", []) if t.get("term"))
    return ListedItem(
        guid=entry.get("id") or url,
        url=url,
        title=entry.get("title"),
        author=entry.get("author"),
        date=time.strftime("%Y-%m-%d", stamp) if stamp else None,
        categories=categories,
        entry_hash=_hash(
            [
                url,
                entry.get("title"),
                entry.get("updated"),
                entry.get("published"),
                entry.get("summary"),
                content,
                categories,
            ]
        ),
    )


def _sitemap_items(body: bytes) -> list[ListedItem]:
    from lxml import etree

    # No DTDs, entities or network: a sitemap is plain XML.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(f"the sitemap is not well-formed XML: {exc}") from None
    if root.tag.endswith("sitemapindex"):
        raise InputError("this is a sitemap index: give one of the sitemaps it lists")
    items = []
    for entry in root.iter(f"{SITEMAP_NS}url"):
        url = (entry.findtext(f"{SITEMAP_NS}loc") or "").strip()
        if not url:
            continue
        lastmod = (entry.findtext(f"{SITEMAP_NS}lastmod") or "").strip() or None
        items.append(
            ListedItem(
                guid=url,
                url=url,
                title=None,
                author=None,
                date=lastmod[:10] if lastmod else None,
                categories=(),
                entry_hash=_hash([url, lastmod]),
            )
        )
    return items
