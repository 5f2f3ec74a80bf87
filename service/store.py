"""Jobs and their chunks in a SQL database (SQLite or PostgreSQL), shared by API and workers."""

from __future__ import annotations

import dataclasses
import hashlib
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from service.contract import ArticleInfo, JobRequest, JobResult
from service.db import Base, SqlStore
from service.db import make_engine as make_engine  # callers import it from here
from workers.errors import IdempotencyConflict, JobNotFound
from workers.text.segment import Break, Chunk, Sentence


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED)


ACTIVE: Final = (JobStatus.QUEUED.value, JobStatus.RUNNING.value)
"""A job in one of these holds a place in its owner's quota."""


class JobRow(Base):
    __tablename__ = "jobs"
    # The quota's COUNT of one owner's active jobs reads this index, not the owner's history.
    __table_args__ = (Index("ix_jobs_owner_status", "owner", "status"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(255), unique=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    request: Mapped[dict[str, Any]] = mapped_column(JSON)
    """`JobRequest.to_json()`."""
    owner: Mapped[str | None] = mapped_column(String(64))
    """The id of the API key that submitted the job (never the key); None: an open API."""
    article: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """`ArticleInfo.to_json()`, once `prepare` has read the article."""
    created_at: Mapped[float] = mapped_column(Float)
    started_at: Mapped[float | None] = mapped_column(Float)
    finished_at: Mapped[float | None] = mapped_column(Float)
    chunks_total: Mapped[int] = mapped_column(Integer, default=0)
    chunks_done: Mapped[int] = mapped_column(Integer, default=0)
    chunks_cached: Mapped[int] = mapped_column(Integer, default=0)
    synthesis_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    """CPU-bound seconds spent synthesizing this job's (uncached) chunks."""
    error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """`JobResult.to_json()` of a done job."""
    audio_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    """The delivered audio's duration, in seconds."""
    progress_at: Mapped[float | None] = mapped_column(Float, index=True)
    """When the job last moved on (started, a chunk done, finishing); the watchdog's clock."""
    requeues: Mapped[int] = mapped_column(Integer, default=0)
    """How often the watchdog re-queued the job after it stalled."""
    webhook_attempts: Mapped[int] = mapped_column(Integer, default=0)
    webhook_error: Mapped[str | None] = mapped_column(Text)
    webhook_delivered_at: Mapped[float | None] = mapped_column(Float)
    finishing_by: Mapped[str | None] = mapped_column(String(64))
    """The `finish` task that claimed the job (a redelivery of it keeps its claim)."""
    finishing_at: Mapped[float | None] = mapped_column(Float)


class ChunkRow(Base):
    __tablename__ = "job_chunks"

    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    index: Mapped[int] = mapped_column("idx", Integer, primary_key=True)
    cache_key: Mapped[str] = mapped_column(String(64))
    sentences: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    cached: Mapped[bool] = mapped_column(Boolean, default=False)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)


@dataclass(frozen=True)
class Job:
    """A job as the API and tasks see it (detached from any session)."""

    id: str
    status: JobStatus
    request: JobRequest
    article: ArticleInfo | None
    created_at: float
    started_at: float | None
    finished_at: float | None
    chunks_total: int
    chunks_done: int
    chunks_cached: int
    synthesis_seconds: float
    error: str | None
    result: JobResult | None
    requeues: int
    webhook_attempts: int
    webhook_error: str | None
    webhook_delivered_at: float | None

    @property
    def title(self) -> str | None:
        """The delivered title once the article is read, else the requested one."""
        return self.article.title if self.article else self.request.title

    @classmethod
    def from_row(cls, row: JobRow) -> Job:
        return cls(
            id=row.id,
            status=JobStatus(row.status),
            request=JobRequest.from_json(row.request),
            article=ArticleInfo.from_json(row.article) if row.article else None,
            created_at=row.created_at,
            started_at=row.started_at,
            finished_at=row.finished_at,
            chunks_total=row.chunks_total,
            chunks_done=row.chunks_done,
            chunks_cached=row.chunks_cached,
            synthesis_seconds=row.synthesis_seconds,
            error=row.error,
            result=JobResult.from_json(row.result) if row.result else None,
            requeues=row.requeues or 0,
            webhook_attempts=row.webhook_attempts,
            webhook_error=row.webhook_error,
            webhook_delivered_at=row.webhook_delivered_at,
        )


@dataclass(frozen=True)
class StoredChunk:
    """One chunk of a job: what to say, where its audio is cached, whether it is done."""

    chunk: Chunk
    cache_key: str
    done: bool


def sentence_to_dict(sentence: Sentence) -> dict[str, Any]:
    return {f.name: getattr(sentence, f.name) for f in dataclasses.fields(sentence)}


def sentence_from_dict(data: dict[str, Any]) -> Sentence:
    return Sentence(**{**data, "break_after": Break(data["break_after"])})


def _idempotency_slot(key: str | None, owner: str | None) -> str | None:
    """The stored form of an Idempotency-Key: per owner, so two tenants' "article-1" are
    two jobs (hashed, so owner + key fit the column whatever the key's length)."""
    if not key or owner is None:
        return key
    return f"{owner}:{hashlib.sha256(key.encode()).hexdigest()}"


class JobStore(SqlStore):
    """The repository of jobs: every read and write of job state goes through here.

    `create_schema` makes every table in the shared metadata (the feeds' too, once
    `service.feeds.store` is imported)."""

    # --- jobs -----------------------------------------------------------------------------

    def create(
        self, request: JobRequest, request_hash: str, idempotency_key: str | None = None
    ) -> tuple[Job, bool]:
        """(job, created): with a known `idempotency_key`, the job made for it before.
        Idempotency keys are the owner's own: another owner's same key is another job."""
        if idempotency_key:
            existing = self.by_idempotency_key(idempotency_key, request_hash, request.owner)
            if existing:
                return existing, False
        row = JobRow(
            id=uuid.uuid4().hex,
            status=JobStatus.QUEUED.value,
            idempotency_key=_idempotency_slot(idempotency_key, request.owner),
            request_hash=request_hash,
            request=request.to_json(),
            owner=request.owner,
            created_at=time.time(),
            requeues=0,
            audio_seconds=0.0,
            chunks_total=0,
            chunks_done=0,
            chunks_cached=0,
            synthesis_seconds=0.0,
            webhook_attempts=0,
        )
        try:
            with self._session() as session:
                session.add(row)
        except IntegrityError:  # a concurrent submit with the same key won the race
            existing = self.by_idempotency_key(idempotency_key or "", request_hash, request.owner)
            if existing is None:
                raise
            return existing, False
        return Job.from_row(row), True

    def by_idempotency_key(self, key: str, request_hash: str, owner: str | None) -> Job | None:
        """The owner's job made for `key` (None: none yet); 409 for another request."""
        slot = _idempotency_slot(key, owner)
        with self._session() as session:
            row = session.scalar(select(JobRow).where(JobRow.idempotency_key == slot))
            if row is None:
                return None
            if row.request_hash != request_hash:
                raise IdempotencyConflict(
                    "this Idempotency-Key was already used for a different request"
                )
            return Job.from_row(row)

    def get(self, job_id: str, owner: str | None = None) -> Job:
        """The job; with `owner`, only if that owner's (another's is as absent: 404)."""
        with self._session() as session:
            query = select(JobRow).where(JobRow.id == job_id)
            if owner is not None:
                query = query.where(JobRow.owner == owner)
            row = session.scalar(query)
            if row is None:
                raise JobNotFound(job_id)
            return Job.from_row(row)

    def count_active(self, owner: str | None) -> int:
        """Queued and running jobs of `owner` (None: of the open API, which owns none)."""
        mine = JobRow.owner.is_(None) if owner is None else JobRow.owner == owner
        with self._session() as session:
            return int(
                session.scalar(
                    select(func.count()).select_from(JobRow).where(mine, JobRow.status.in_(ACTIVE))
                )
                or 0
            )

    def voices_in_use(self) -> set[str]:
        """Voice ids queued and running jobs speak with (None: the default voice)."""
        with self._session() as session:
            rows = session.scalars(select(JobRow.request).where(JobRow.status.in_(ACTIVE)))
            return {voice for r in rows if (voice := JobRequest.from_json(r).voice)}

    def start(self, job_id: str) -> bool:
        """queued → running; False when the job is gone or no longer queued/running."""
        with self._session() as session:
            done = session.execute(
                update(JobRow)
                .where(JobRow.id == job_id, JobRow.status == JobStatus.QUEUED.value)
                .values(
                    status=JobStatus.RUNNING.value, started_at=time.time(), progress_at=time.time()
                )
            ).rowcount
            if done:
                return True
            row = session.get(JobRow, job_id)
            return row is not None and row.status == JobStatus.RUNNING.value

    def set_chunks(
        self, job_id: str, chunks: Sequence[tuple[Chunk, str, bool]], article: ArticleInfo
    ) -> bool:
        """Store (chunk, cache key, already cached) for every chunk, and what was learned
        about the article; idempotent for redelivery (False: they were stored before)."""
        with self._session() as session:
            if session.scalar(select(func.count()).where(ChunkRow.job_id == job_id)):
                return False
            for chunk, key, cached in chunks:
                session.add(
                    ChunkRow(
                        job_id=job_id,
                        index=chunk.index,
                        cache_key=key,
                        sentences=[sentence_to_dict(s) for s in chunk.sentences],
                        done=cached,
                        cached=cached,
                        seconds=0.0,
                    )
                )
            cached_count = sum(1 for *_, c in chunks if c)
            session.execute(
                update(JobRow)
                .where(JobRow.id == job_id)
                .values(
                    chunks_total=len(chunks),
                    chunks_done=cached_count,
                    chunks_cached=cached_count,
                    article=article.to_json(),
                    progress_at=time.time(),
                )
            )
            return True

    def chunks(self, job_id: str) -> list[StoredChunk]:
        with self._session() as session:
            rows = session.scalars(
                select(ChunkRow).where(ChunkRow.job_id == job_id).order_by(ChunkRow.index)
            ).all()
            return [
                StoredChunk(
                    Chunk(r.index, tuple(sentence_from_dict(s) for s in r.sentences)),
                    r.cache_key,
                    r.done,
                )
                for r in rows
            ]

    def chunk(self, job_id: str, index: int) -> StoredChunk:
        with self._session() as session:
            r = session.get(ChunkRow, (job_id, index))
            if r is None:
                raise JobNotFound(job_id)
            return StoredChunk(
                Chunk(r.index, tuple(sentence_from_dict(s) for s in r.sentences)),
                r.cache_key,
                r.done,
            )

    def mark_chunk_done(self, job_id: str, index: int, seconds: float, cached: bool) -> bool:
        """Count a chunk once, however often its task runs, and only while the job runs (a
        chunk still in flight when the job is cancelled does not move its progress); False
        if it was not counted."""
        running = select(JobRow.id).where(
            JobRow.id == job_id, JobRow.status == JobStatus.RUNNING.value
        )
        with self._session() as session:
            first = session.execute(
                update(ChunkRow)
                .where(
                    ChunkRow.job_id == job_id,
                    ChunkRow.index == index,
                    ChunkRow.done.is_(False),
                    ChunkRow.job_id.in_(running),
                )
                .values(done=True, cached=cached, seconds=seconds)
            ).rowcount
            if first:
                session.execute(
                    update(JobRow)
                    .where(JobRow.id == job_id)
                    .values(
                        chunks_done=JobRow.chunks_done + 1,
                        chunks_cached=JobRow.chunks_cached + int(cached),
                        synthesis_seconds=JobRow.synthesis_seconds + seconds,
                        progress_at=time.time(),
                    )
                )
            return bool(first)

    def all_chunks_done(self, job_id: str) -> bool:
        with self._session() as session:
            row = session.get(JobRow, job_id)
            return row is not None and 0 < row.chunks_total == row.chunks_done

    def claim_finish(self, job_id: str, task_id: str, stale_after_s: float) -> bool:
        """Let one `finish` task at a time stitch a running job: the first to ask, the same
        task again (redelivered after its worker died), or any task once a claim is stale."""
        now = time.time()
        with self._session() as session:
            return bool(
                session.execute(
                    update(JobRow)
                    .where(
                        JobRow.id == job_id,
                        JobRow.status == JobStatus.RUNNING.value,
                        (JobRow.finishing_by.is_(None))
                        | (JobRow.finishing_by == task_id)
                        | (JobRow.finishing_at < now - stale_after_s),
                    )
                    .values(finishing_by=task_id, finishing_at=now, progress_at=now)
                ).rowcount
            )

    def finish(self, job_id: str, result: JobResult) -> bool:
        """running → done with its result; False when it was cancelled meanwhile."""
        return self._end(
            job_id, JobStatus.DONE, result=result.to_json(), audio_seconds=result.duration
        )

    def fail(self, job_id: str, error: str) -> bool:
        return self._end(job_id, JobStatus.FAILED, error=error)

    def cancel(self, job_id: str) -> bool:
        """queued/running → cancelled; False when it had already ended."""
        self.get(job_id)
        return self._end(job_id, JobStatus.CANCELLED, error="cancelled at the caller's request")

    def _end(self, job_id: str, status: JobStatus, **values: Any) -> bool:
        with self._session() as session:
            return bool(
                session.execute(
                    update(JobRow)
                    .where(
                        JobRow.id == job_id,
                        JobRow.status.in_([JobStatus.QUEUED.value, JobStatus.RUNNING.value]),
                    )
                    .values(status=status.value, finished_at=time.time(), **values)
                ).rowcount
            )

    @staticmethod
    def _stalled_since(before: float) -> Any:
        """Queued or running, and not moved on (progress, else creation) since `before`."""
        return JobRow.status.in_([JobStatus.QUEUED.value, JobStatus.RUNNING.value]) & (
            func.coalesce(JobRow.progress_at, JobRow.created_at) < before
        )

    def last_progress(self) -> float:
        """When any job last moved on (0 when none ever did)."""
        with self._session() as session:
            return float(session.scalar(select(func.max(JobRow.progress_at))) or 0.0)

    def stalled(self, before: float) -> list[Job]:
        """Queued or running jobs that have not moved on since `before` (for the watchdog)."""
        with self._session() as session:
            rows = session.scalars(select(JobRow).where(self._stalled_since(before))).all()
            return [Job.from_row(r) for r in rows]

    def requeue(self, job_id: str, before: float, now: float) -> bool:
        """Count a watchdog re-queue (at `now`) of a job still stalled since `before`; False
        when it moved on meanwhile or another process re-queued it first."""
        with self._session() as session:
            return bool(
                session.execute(
                    update(JobRow)
                    .where(JobRow.id == job_id, self._stalled_since(before))
                    .values(
                        requeues=JobRow.requeues + 1,
                        progress_at=now,
                        finishing_by=None,
                        finishing_at=None,
                    )
                ).rowcount
            )

    def delete(self, job_id: str) -> None:
        with self._session() as session:
            row = session.get(JobRow, job_id)
            if row is None:
                raise JobNotFound(job_id)
            session.execute(ChunkRow.__table__.delete().where(ChunkRow.job_id == job_id))
            session.delete(row)

    def record_webhook(self, job_id: str, error: str | None) -> None:
        values: dict[str, Any] = {"webhook_attempts": JobRow.webhook_attempts + 1}
        if error is None:
            values |= {"webhook_delivered_at": time.time(), "webhook_error": None}
        else:
            values["webhook_error"] = error
        with self._session() as session:
            session.execute(update(JobRow).where(JobRow.id == job_id).values(**values))

    # --- figures for /metrics -------------------------------------------------------------

    def count_by_status(self) -> dict[JobStatus, int]:
        with self._session() as session:
            rows = session.execute(select(JobRow.status, func.count()).group_by(JobRow.status))
            counts = {s: 0 for s in JobStatus}
            for status, count in rows:
                counts[JobStatus(status)] = count
            return counts

    def count_unfinished(self) -> dict[JobStatus, int]:
        """Queued and running jobs: read from the status index, so the cost is the number
        of unfinished jobs, not the history (for /metrics)."""
        counts = {JobStatus.QUEUED: 0, JobStatus.RUNNING: 0}
        with self._session() as session:
            rows = session.execute(
                select(JobRow.status, func.count())
                .where(JobRow.status.in_(ACTIVE))
                .group_by(JobRow.status)
            )
            for status, count in rows:
                counts[JobStatus(status)] = int(count)
        return counts

    # --- the chunk cache ------------------------------------------------------------------

    def cache_keys_in_use(self) -> set[str]:
        """Cache keys of every chunk of a queued or running job, done or not: their audio
        is still to be read (by `finish`), so the cache must keep it."""
        unfinished = [JobStatus.QUEUED.value, JobStatus.RUNNING.value]
        with self._session() as session:
            return set(
                session.scalars(
                    select(ChunkRow.cache_key)
                    .distinct()
                    .join(JobRow, JobRow.id == ChunkRow.job_id)
                    .where(JobRow.status.in_(unfinished))
                )
            )
