"""One poll of one source: conditional GET of its listing, then each new or changed item's
page fetched politely (robots.txt, one request at a time per host), read, and made a job.

A poll is idempotent: an item's record says what was done for it (the listing entry's hash,
the article text's hash, the job), and the job for a given text has an idempotency key, so a
poll run twice (a redelivered task) makes no second job.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from typing import Final
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import redis

from service.contract import JobRequest, resolve_disclosure
from service.feeds.store import FeedStore
from service.fetch import NOT_MODIFIED, FetchResponse, fetch
from service.settings import Settings
from service.sources.listing import ListedItem, parse_listing
from service.sources.options import SourceOptions
from service.sources.store import ItemStatus, Source, SourceItem, SourceStore
from service.store import JobStore
from workers.errors import FeedNotFound, FetchError, InputError, NarrateError
from workers.text.extract import extract_html
from workers.text.prepare import InputFormat

log = logging.getLogger(__name__)

ROBOTS_AGENT: Final = "Narrate"
"""The product token robots.txt rules name (`User-agent: Narrate`)."""
USER_AGENT: Final = "Narrate/0.1 (article narration; polite fetcher; honours robots.txt)"
HTML_TYPES: Final = ("text/html", "application/xhtml+xml")
HOST_LOCK_PREFIX: Final = "narrate:source-host:"
REASON_CHARS: Final = 300


@dataclass
class Poller:
    """What a poll needs: settings, the stores, a way to queue a job, Redis for host locks."""

    settings: Settings
    jobs: JobStore
    sources: SourceStore
    feeds: FeedStore
    queue_job: Callable[[str], None]
    """Queue the first step of a new job (by id)."""
    redis: redis.Redis
    _robots: dict[str, RobotFileParser | str] = field(default_factory=dict)

    def get(self, url: str, headers: dict[str, str] | None = None) -> FetchResponse:
        return fetch(
            "GET",
            url,
            timeout=self.settings.source_fetch_timeout_s,
            headers={"User-Agent": self.user_agent, **(headers or {})},
            max_bytes=self.settings.source_max_page_bytes,
            allow_private=self.settings.allow_private_urls,
        )

    @property
    def user_agent(self) -> str:
        base = self.settings.public_base_url
        return f"{USER_AGENT[:-1]}; +{base})" if base else USER_AGENT

    @contextmanager
    def host_turn(self, url: str) -> Iterator[None]:
        """One request at a time to a host, across every worker (a Redis lock per host)."""
        host = urlsplit(url).netloc.lower()
        limit = self.settings.source_fetch_timeout_s
        lock = self.redis.lock(
            HOST_LOCK_PREFIX + host, timeout=limit + 5, blocking_timeout=3 * limit + 5
        )
        if not lock.acquire():
            raise FetchError(f"{host} is busy with other fetches; tried again next poll")
        try:
            yield
        finally:
            # Expired meanwhile (the next fetch may hold it already): nothing to release.
            with suppress(redis.exceptions.LockError):
                lock.release()

    def robots_refusal(self, url: str) -> str | None:
        """Why robots.txt forbids `url` (None: allowed). A robots.txt that answers 4xx allows
        everything; one that cannot be read (5xx, unreachable) forbids everything for now
        (RFC 9309 §2.3.1)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            try:
                with self.host_turn(origin):
                    answer = self.get(f"{origin}/robots.txt")
            except FetchError as exc:
                self._robots[origin] = f"robots.txt could not be read ({exc})"
            else:
                if 200 <= answer.status < 300:
                    rules = RobotFileParser()
                    rules.parse(answer.body.decode("utf-8", "replace").splitlines())
                    self._robots[origin] = rules
                elif 400 <= answer.status < 500:
                    self._robots[origin] = RobotFileParser()
                    self._robots[origin].parse([])
                else:
                    self._robots[origin] = f"robots.txt answered {answer.status}"
        rules = self._robots[origin]
        if isinstance(rules, str):
            return rules
        return None if rules.can_fetch(ROBOTS_AGENT, url) else "robots.txt disallows the page"


def _reason(message: str) -> str:
    flat = " ".join(message.split())
    return flat if len(flat) <= REASON_CHARS else flat[: REASON_CHARS - 1] + "…"


def poll_source(poller: Poller, source_id: str) -> str:
    """Poll the source once; returns (and records) what happened, in words."""
    source = poller.sources.get(source_id)
    headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9"}
    if source.etag:
        headers["If-None-Match"] = source.etag
    if source.last_modified:
        headers["If-Modified-Since"] = source.last_modified
    try:
        with poller.host_turn(source.url):
            answer = poller.get(source.url, headers)
        if answer.status == NOT_MODIFIED:
            poller.sources.record_poll(source, "not modified", keep_validators=True)
            return "not modified"
        if answer.status != 200:
            raise FetchError(f"the source answered {answer.status}")
        listed = parse_listing(answer.body)
    except (FetchError, InputError) as exc:
        status = _reason(f"failed: {exc}")
        poller.sources.record_poll(source, status, keep_validators=True)
        return status
    options = SourceOptions.model_validate(source.settings)
    admitted = [i for i in listed if options.admits(i)][: poller.settings.source_max_items]
    counts = {"new": 0, "changed": 0, "failed": 0}
    for item in admitted:
        outcome = _take_item(poller, source, options, item)
        if outcome:
            counts[outcome] += 1
    if options.unpublish_removed:
        counts["removed"] = _unpublish_removed(poller, source, {i.key for i in listed})
    status = ", ".join(f"{n} {what}" for what, n in counts.items() if n) or "nothing new"
    poller.sources.record_poll(
        source, status, etag=answer.header("ETag"), last_modified=answer.header("Last-Modified")
    )
    return status


def _take_item(
    poller: Poller, source: Source, options: SourceOptions, item: ListedItem
) -> str | None:
    """Make a job for the item if it is new or its text changed; returns `new`, `changed`,
    `failed` or None (nothing to do)."""
    known = poller.sources.item(source.id, item.key)
    now = time.time()
    if known and known.entry_hash == item.entry_hash:
        retry = now - known.updated_at >= poller.settings.source_retry_after_s
        if known.status is not ItemStatus.FAILED or not retry:
            return None
    record = known or SourceItem(
        source_id=source.id,
        key=item.key,
        guid=item.guid,
        url=item.url,
        title=item.title,
        entry_hash=item.entry_hash,
        text_hash=None,
        status=ItemStatus.FAILED,
        reason=None,
        job_id=None,
        episode_guid=f"narrate-item-{item.key[:32]}",
        jobs=0,
        updated_at=now,
    )
    record = replace(record, url=item.url, title=item.title, entry_hash=item.entry_hash)
    try:
        html = _fetch_page(poller, item.url)
        extracted = extract_html(html)
    except NarrateError as exc:
        poller.sources.save_item(
            replace(record, status=ItemStatus.FAILED, reason=_reason(str(exc)), updated_at=now)
        )
        return "failed"
    text = [[b.kind.value, b.text] for b in extracted.blocks]
    text_hash = hashlib.sha256(json.dumps([text, extracted.author]).encode()).hexdigest()
    if known and known.text_hash == text_hash and known.status is ItemStatus.SUBMITTED:
        poller.sources.save_item(replace(record, updated_at=now))
        return None
    request = JobRequest(
        source=html,
        input_format=InputFormat.HTML,
        voice=options.voice or poller.settings.default_voice,
        speed=options.speed,
        format=options.format,
        language=options.language,
        title=item.title,
        author=item.author,
        publication=options.publication,
        date=item.date,
        feed=source.feed,
        owner=source.owner,
        source_url=item.url,
        episode_guid=record.episode_guid,
        read_title=options.read_title,
        read_byline=options.read_byline,
        disclosure=resolve_disclosure(options.disclosure, _feed_disclosure(poller, source)),
    )
    digest = hashlib.sha256(json.dumps(request.to_json(), sort_keys=True).encode()).hexdigest()
    job, created = poller.jobs.create(request, digest, f"source:{source.id}:{item.key}:{text_hash}")
    if created:
        poller.queue_job(job.id)
    poller.sources.save_item(
        replace(
            record,
            text_hash=text_hash,
            status=ItemStatus.SUBMITTED,
            reason=None,
            job_id=job.id,
            jobs=record.jobs + int(created),
            updated_at=now,
        )
    )
    return "changed" if known and known.text_hash else "new"


def _feed_disclosure(poller: Poller, source: Source) -> str | None:
    try:
        return poller.feeds.get(source.feed).disclosure
    except FeedNotFound:
        return None


def _fetch_page(poller: Poller, url: str) -> str:
    """The article page's HTML, fetched the polite way; `NarrateError` says why not."""
    refusal = poller.robots_refusal(url)
    if refusal:
        raise FetchError(refusal)
    with poller.host_turn(url):
        try:
            answer = poller.get(url, {"Accept": "text/html, application/xhtml+xml"})
        except FetchError as exc:
            if type(exc) is not FetchError:
                raise  # too large, a redirect, a refused address: the message says it
            limit = poller.settings.source_fetch_timeout_s
            raise FetchError(f"no answer from the page within {limit:g} s ({exc})") from None
    if answer.status != 200:
        raise FetchError(f"the page answered {answer.status}")
    content_type = (answer.header("Content-Type") or "").split(";")[0].strip().lower()
    if content_type not in HTML_TYPES:
        raise InputError(f"not an HTML page (Content-Type: {content_type or 'none'})")
    return answer.body.decode(_charset(answer), "replace")


def _charset(answer: FetchResponse) -> str:
    for part in (answer.header("Content-Type") or "").split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            import codecs

            try:
                return codecs.lookup(value.strip("\"'")).name
            except LookupError:
                break
    return "utf-8"


def _unpublish_removed(poller: Poller, source: Source, listed: set[str]) -> int:
    removed = 0
    for item in poller.sources.items(source.id):
        if item.key in listed or item.status is not ItemStatus.SUBMITTED:
            continue
        with suppress(FeedNotFound):  # the feed is gone, and its episodes with it
            poller.feeds.remove_episode_by_guid(source.feed, item.episode_guid)
        poller.sources.save_item(
            replace(item, status=ItemStatus.REMOVED, reason="no longer listed by the source")
        )
        removed += 1
    return removed
