"""Finished jobs become episodes: their audio measured, their text summarized, their chapters."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Final

from service.feeds.store import EpisodeRecord, FeedStore
from service.keys import job_audio_key, job_timings_key
from service.storage import Storage
from service.store import Job, JobStatus, JobStore
from workers.errors import FeedNotFound, NotReady
from workers.master import AI_NOTICE
from workers.pipeline import UNTITLED
from workers.stitch import SentenceTiming

log = logging.getLogger(__name__)

DESCRIPTION_CHARS: Final = 400
"""An episode's description: the article's opening sentences, up to about this long."""


def timings_of(doc: dict[str, Any]) -> list[SentenceTiming]:
    """Sentence timings back from the job's `timings.json`."""
    return [
        SentenceTiming(
            s["index"],
            s["start"],
            s["end"],
            s["text"],
            s["heading"],
            s["block"],
            bool(s.get("disclosure")),
        )
        for s in doc.get("sentences", [])
    ]


def audio_duration(path: Path) -> float:
    """The file's real playing time, as a player computes it."""
    import mutagen

    audio = mutagen.File(path)
    if audio is None or not getattr(audio, "info", None):
        raise NotReady(f"cannot read the audio file {path.name}")
    return float(audio.info.length)


def _stored_duration(storage: Storage, key: str) -> float:
    with storage.local_copy(key) as path:
        return audio_duration(path)


def episode_text(job: Job, timings: list[SentenceTiming]) -> tuple[str, str]:
    """(title, description): the job's delivered title and the article's opening."""
    title = job.title
    body: list[str] = []
    for t in timings:
        if (t.heading and t.text == title) or t.disclosure:
            continue
        if sum(len(s) + 1 for s in body) + len(t.text) > DESCRIPTION_CHARS and body:
            break
        body.append(t.text)
    if not title:
        title = body[0] if body else UNTITLED
    description = " ".join(body)
    return title, f"{description}\n\n{AI_NOTICE}." if description else f"{AI_NOTICE}."


def add_job_to_feed(
    feeds: FeedStore,
    jobs: JobStore,
    storage: Storage,
    slug: str,
    job_id: str,
    title: str | None = None,
    description: str | None = None,
) -> EpisodeRecord:
    """Make the finished job an episode of the feed (again: the same episode)."""
    feeds.get(slug)  # FeedNotFound before anything else
    job = jobs.get(job_id)
    result = job.result
    if job.status is not JobStatus.DONE or result is None:
        raise NotReady(f"job {job_id} has no audio to publish (status: {job.status.value})")
    key = job_audio_key(job_id, result.format)
    if not storage.exists(key):
        raise NotReady(f"the audio of job {job_id} is no longer stored")
    timings = timings_of(json.loads(storage.read_text(job_timings_key(job_id))))
    auto_title, auto_description = episode_text(job, timings)
    return feeds.add_episode(
        slug,
        job_id,
        title=title or auto_title,
        description=description or auto_description,
        audio_size=storage.size(key),
        audio_mime=result.mime,
        duration=_stored_duration(storage, key),
        published_at=job.finished_at,
        guid=job.request.episode_guid,
    )


def publish_finished_job(jobs: JobStore, storage: Storage, job_id: str) -> None:
    """The worker's hook after a job is done: a job submitted with `feed` becomes an episode.
    A feed deleted while the job ran is logged, not an error of the job."""
    job = jobs.get(job_id)
    slug = job.request.feed
    if not slug:
        return
    feeds = FeedStore(jobs.engine)
    try:
        if feeds.get(slug).created_at > job.created_at:
            # Deleted and made again (perhaps by another key) while the job ran: not the
            # feed the submit was checked against.
            raise FeedNotFound(slug)
        add_job_to_feed(feeds, jobs, storage, slug, job_id)
    except FeedNotFound:
        log.warning("job %s finished, but its feed %r is gone", job_id, slug)
