"""Article sources (RSS/Atom feeds and sitemaps polled for new articles) and what each poll
found, in the jobs database (the same SQLAlchemy metadata as `service.store`)."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any, Final

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from service.db import Base, SqlStore
from workers.errors import SourceNotFound


class ItemStatus(StrEnum):
    SUBMITTED = "submitted"
    """A job was made for the item's current text."""
    FAILED = "failed"
    """The page could not be fetched or read; `reason` says why."""
    REMOVED = "removed"
    """Gone from the source; its episode was unpublished."""


class SourceRow(Base):
    __tablename__ = "sources"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str | None] = mapped_column(String(64), index=True)
    url: Mapped[str] = mapped_column(Text)
    feed: Mapped[str] = mapped_column(String(64))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    """`SourceSettings` as JSON: voice, speed, format, rules, what is read."""
    interval_s: Mapped[float] = mapped_column(Float)
    next_poll_at: Mapped[float] = mapped_column(Float, index=True)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    last_polled_at: Mapped[float | None] = mapped_column(Float)
    last_status: Mapped[str | None] = mapped_column(Text)
    """What the last poll did, in words (`304 not modified`, `3 new, 1 changed`, an error)."""
    created_at: Mapped[float] = mapped_column(Float)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    """Counts changes of the source: a poll that began before one keeps no validators."""


class SourceItemRow(Base):
    __tablename__ = "source_items"

    source_id: Mapped[str] = mapped_column(
        ForeignKey("sources.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    """SHA-256 of the item's guid (or, without one, its URL)."""
    guid: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    entry_hash: Mapped[str] = mapped_column(String(64))
    """Of the item as the source lists it: unchanged, its page is not fetched again."""
    text_hash: Mapped[str | None] = mapped_column(String(64))
    """Of the article text extracted from the page: unchanged, no job is made."""
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    job_id: Mapped[str | None] = mapped_column(String(32))
    episode_guid: Mapped[str] = mapped_column(String(64))
    jobs: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[float] = mapped_column(Float)


@dataclass(frozen=True)
class Source:
    id: str
    owner: str | None
    url: str
    feed: str
    settings: dict[str, Any]
    interval_s: float
    next_poll_at: float
    etag: str | None
    last_modified: str | None
    last_polled_at: float | None
    last_status: str | None
    created_at: float
    revision: int = 0

    @classmethod
    def from_row(cls, row: SourceRow) -> Source:
        return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})


@dataclass(frozen=True)
class SourceItem:
    source_id: str
    key: str
    guid: str
    url: str
    title: str | None
    entry_hash: str
    text_hash: str | None
    status: ItemStatus
    reason: str | None
    job_id: str | None
    episode_guid: str
    jobs: int
    updated_at: float

    @classmethod
    def from_row(cls, row: SourceItemRow) -> SourceItem:
        values = {f.name: getattr(row, f.name) for f in fields(cls)}
        return cls(**{**values, "status": ItemStatus(row.status)})


EDITABLE: Final = frozenset({"url", "feed", "settings", "interval_s"})


class SourceStore(SqlStore):
    """Every read and write of sources and their items goes through here."""

    tables = (SourceRow.__table__, SourceItemRow.__table__)

    def _row(self, session: Session, source_id: str, owner: str | None) -> SourceRow:
        query = select(SourceRow).where(SourceRow.id == source_id)
        if owner is not None:
            query = query.where(SourceRow.owner == owner)
        row = session.scalar(query)
        if row is None:
            raise SourceNotFound(source_id)
        return row

    def create(
        self, *, owner: str | None, url: str, feed: str, settings: dict[str, Any], interval_s: float
    ) -> Source:
        now = time.time()
        row = SourceRow(
            id=uuid.uuid4().hex,
            owner=owner,
            url=url,
            feed=feed,
            settings=settings,
            interval_s=interval_s,
            next_poll_at=now,  # polled at the next tick
            created_at=now,
            revision=0,
        )
        with self._session() as session:
            session.add(row)
        return Source.from_row(row)

    def get(self, source_id: str, owner: str | None = None) -> Source:
        with self._session() as session:
            return Source.from_row(self._row(session, source_id, owner))

    def list(self, owner: str | None = None) -> list[Source]:
        query = select(SourceRow).order_by(SourceRow.created_at)
        if owner is not None:
            query = query.where(SourceRow.owner == owner)
        with self._session() as session:
            return [Source.from_row(r) for r in session.scalars(query)]

    def update(self, source_id: str, owner: str | None = None, **values: Any) -> Source:
        with self._session() as session:
            row = self._row(session, source_id, owner)
            for key, value in values.items():
                if key not in EDITABLE:
                    raise TypeError(f"not a source field: {key}")
                setattr(row, key, value)
            row.revision = (row.revision or 0) + 1
            if {"url", "interval_s", "settings"} & values.keys():
                row.next_poll_at = time.time()
            if {"url", "settings"} & values.keys():
                # Another document, or other rules for it: read it whole at the next poll.
                row.etag = row.last_modified = None
            session.flush()
            return Source.from_row(row)

    def delete(self, source_id: str, owner: str | None = None) -> None:
        with self._session() as session:
            row = self._row(session, source_id, owner)
            session.execute(
                SourceItemRow.__table__.delete().where(SourceItemRow.source_id == source_id)
            )
            session.delete(row)

    # --- polling --------------------------------------------------------------------------

    def claim_due(self, now: float) -> list[str]:
        """Ids of the sources due at `now`, each moved on to its next poll time; a source
        is claimed by one caller only (two beats, or a slow tick, poll it once)."""
        with self._session() as session:
            due = session.execute(
                select(SourceRow.id, SourceRow.next_poll_at, SourceRow.interval_s).where(
                    SourceRow.next_poll_at <= now
                )
            ).all()
        claimed = []
        for source_id, at, interval in due:
            with self._session() as session:
                moved = session.execute(
                    update(SourceRow)
                    .where(SourceRow.id == source_id, SourceRow.next_poll_at == at)
                    .values(next_poll_at=now + interval)
                ).rowcount
            if moved:
                claimed.append(source_id)
        return claimed

    def record_poll(
        self,
        source: Source,
        status: str,
        etag: str | None = None,
        last_modified: str | None = None,
        keep_validators: bool = False,
    ) -> None:
        """What the poll of `source` (as it was read when the poll began) did; the listing's
        validators are kept only when the source did not change meanwhile (else the next
        poll reads the listing whole, with the new rules)."""
        values: dict[str, Any] = {"last_polled_at": time.time(), "last_status": status}
        with self._session() as session:
            session.execute(update(SourceRow).where(SourceRow.id == source.id).values(**values))
            if not keep_validators:
                session.execute(
                    update(SourceRow)
                    .where(SourceRow.id == source.id, SourceRow.revision == source.revision)
                    .values(etag=etag, last_modified=last_modified)
                )

    # --- items ----------------------------------------------------------------------------

    def items(self, source_id: str) -> list[SourceItem]:
        with self._session() as session:
            rows = session.scalars(
                select(SourceItemRow)
                .where(SourceItemRow.source_id == source_id)
                .order_by(SourceItemRow.updated_at)
            )
            return [SourceItem.from_row(r) for r in rows]

    def item(self, source_id: str, key: str) -> SourceItem | None:
        with self._session() as session:
            row = session.get(SourceItemRow, (source_id, key))
            return SourceItem.from_row(row) if row else None

    def save_item(self, item: SourceItem) -> None:
        """Insert or replace the item's record."""
        with self._session() as session:
            row = session.get(SourceItemRow, (item.source_id, item.key))
            values = {f.name: getattr(item, f.name) for f in fields(SourceItem)}
            values["status"] = item.status.value
            if row is None:
                session.add(SourceItemRow(**values))
            else:
                for name, value in values.items():
                    setattr(row, name, value)
