"""Feeds and their episodes, in the jobs database (same SQLAlchemy metadata as `service.store`)."""

from __future__ import annotations

import secrets
import time
import uuid
from dataclasses import dataclass, fields
from typing import Any, Final

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from service.db import Base, SqlStore
from service.store import JobRow
from workers.errors import EpisodeNotFound, FeedExists, FeedNotFound, UnknownFeed
from workers.text.prepare import Reading

DEFAULT_DISCLOSURE: Final = "start"
"""Podcast feeds speak the AI disclosure by default (Apple asks for it in the audio)."""
TOKEN_BYTES: Final = 18
"""Private feed tokens: 144 random bits, URL-safe."""


class FeedRow(Base):
    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(Text)
    owner_name: Mapped[str] = mapped_column(Text)
    owner_email: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(35))
    category: Mapped[str] = mapped_column(Text)
    explicit: Mapped[bool] = mapped_column(Boolean, default=False)
    link: Mapped[str | None] = mapped_column(Text)
    image_url: Mapped[str | None] = mapped_column(Text)
    image_key: Mapped[str | None] = mapped_column(Text)
    """Storage key of uploaded artwork (served by the feed's own URL)."""
    image_mime: Mapped[str | None] = mapped_column(String(32))
    token: Mapped[str | None] = mapped_column(String(64))
    """Set on private feeds: the feed is only served with `?token=<token>`."""
    podcast_guid: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[float] = mapped_column(Float)
    owner: Mapped[str | None] = mapped_column(String(64), index=True)
    """The id of the API key that created the feed (the tenant; not the podcast's
    `owner_name`); None: made on an open API."""
    read_title: Mapped[bool] = mapped_column(Boolean, default=True)
    """Its jobs read the headline first, unless the job says otherwise."""
    read_byline: Mapped[bool] = mapped_column(Boolean, default=True)
    """Its jobs read "By NAME" after the headline, unless the job says otherwise."""
    podcast_txt: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    """`podcast:txt` entries: `{"value", "purpose"}`."""
    funding: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    """`podcast:funding` entries: `{"url", "text"}`."""
    persons: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    """`podcast:person` entries: `{"name", "role", "group", "href", "img"}`."""
    medium: Mapped[str | None] = mapped_column(String(16))
    disclosure: Mapped[str | None] = mapped_column(String(8), default=DEFAULT_DISCLOSURE)
    """Where its episodes speak the AI disclosure: `start`, `end` or `none` (a job or
    source may say otherwise)."""


class EpisodeRow(Base):
    __tablename__ = "feed_episodes"
    __table_args__ = (UniqueConstraint("feed_id", "job_id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"), index=True)
    job_id: Mapped[str] = mapped_column(ForeignKey(JobRow.id, ondelete="CASCADE"), index=True)
    guid: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    published_at: Mapped[float] = mapped_column(Float)
    audio_size: Mapped[int] = mapped_column(Integer)
    audio_mime: Mapped[str] = mapped_column(String(32))
    duration: Mapped[float] = mapped_column(Float)


@dataclass(frozen=True)
class Feed:
    """A feed as routes and the RSS builder see it (detached from any session)."""

    id: int
    slug: str
    title: str
    description: str
    author: str
    owner_name: str
    owner_email: str
    language: str
    category: str
    explicit: bool
    link: str | None
    image_url: str | None
    image_key: str | None
    image_mime: str | None
    token: str | None
    podcast_guid: str
    created_at: float
    updated_at: float
    owner: str | None = None
    """The id of the API key that created it (see `FeedRow.owner`)."""
    read_title: bool = True
    read_byline: bool = True
    podcast_txt: list[dict[str, Any]] | None = None
    funding: list[dict[str, Any]] | None = None
    persons: list[dict[str, Any]] | None = None
    medium: str | None = None
    disclosure: str | None = DEFAULT_DISCLOSURE

    @property
    def private(self) -> bool:
        return self.token is not None

    @property
    def reading(self) -> Reading:
        """How its jobs read the headline and byline (unset, e.g. patched to null: on)."""
        return Reading(self.read_title is not False, self.read_byline is not False)

    @classmethod
    def from_row(cls, row: FeedRow) -> Feed:
        return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})


@dataclass(frozen=True)
class EpisodeRecord:
    """One episode: the job it came from and the audio figures measured when it was added."""

    id: str
    feed_id: int
    job_id: str
    guid: str
    title: str
    description: str
    published_at: float
    audio_size: int
    audio_mime: str
    duration: float

    @classmethod
    def from_row(cls, row: EpisodeRow) -> EpisodeRecord:
        return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})


EDITABLE: Final = frozenset(
    {"title", "description", "author", "owner_name", "owner_email", "language", "category",
     "explicit", "link", "image_url", "image_key", "image_mime", "token", "read_title",
     "read_byline", "disclosure", "podcast_txt", "funding", "persons", "medium"}
)  # fmt: skip


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


class FeedStore(SqlStore):
    """Every read and write of feeds and episodes goes through here (on the jobs' engine)."""

    tables = (FeedRow.__table__, EpisodeRow.__table__)

    def _row(self, session: Session, slug: str, owner: str | None = None) -> FeedRow:
        """The feed; with `owner`, only if that owner's (another's is as absent: 404)."""
        query = select(FeedRow).where(FeedRow.slug == slug)
        if owner is not None:
            query = query.where(FeedRow.owner == owner)
        row = session.scalar(query)
        if row is None:
            raise FeedNotFound(slug)
        return row

    # --- feeds ----------------------------------------------------------------------------
    # `owner` on a method: only that owner's feed is found (None: any feed, for admins,
    # an open API and the public pages).

    def create(
        self, slug: str, podcast_guid: str, *, owner: str | None = None, **values: Any
    ) -> Feed:
        """A new feed owned by `owner`; slugs are one namespace (they are public URLs)."""
        now = time.time()
        row = FeedRow(
            slug=slug, podcast_guid=podcast_guid, created_at=now, updated_at=now, owner=owner
        )
        for key, value in values.items():
            if key not in EDITABLE:
                raise TypeError(f"not a feed field: {key}")
            setattr(row, key, value)
        try:
            with self._session() as session:
                session.add(row)
        except IntegrityError as exc:
            raise FeedExists(slug) from exc
        return Feed.from_row(row)

    def get(self, slug: str, owner: str | None = None) -> Feed:
        with self._session() as session:
            return Feed.from_row(self._row(session, slug, owner))

    def require(self, slug: str, owner: str | None = None) -> Feed:
        """For a job submitted with `feed`: the feed must exist and be the submitter's (422
        otherwise, the same answer for both: another tenant's feed is not revealed)."""
        try:
            return self.get(slug, owner)
        except FeedNotFound as exc:
            raise UnknownFeed(f"no feed {slug!r}; create it with POST /v1/feeds first") from exc

    def list(self) -> list[Feed]:
        with self._session() as session:
            return [Feed.from_row(r) for r in session.scalars(select(FeedRow).order_by(FeedRow.id))]

    def update(self, slug: str, *, owner: str | None = None, **values: Any) -> Feed:
        with self._session() as session:
            row = self._row(session, slug, owner)
            for key, value in values.items():
                if key not in EDITABLE:
                    raise TypeError(f"not a feed field: {key}")
                setattr(row, key, value)
            row.updated_at = time.time()
            session.flush()
            return Feed.from_row(row)

    def delete(self, slug: str, owner: str | None = None) -> Feed:
        """Delete the feed and its episodes (the jobs and their audio stay)."""
        with self._session() as session:
            row = self._row(session, slug, owner)
            feed = Feed.from_row(row)
            session.execute(EpisodeRow.__table__.delete().where(EpisodeRow.feed_id == row.id))
            session.delete(row)
            return feed

    # --- episodes -------------------------------------------------------------------------

    def add_episode(
        self,
        slug: str,
        job_id: str,
        *,
        title: str,
        description: str,
        audio_size: int,
        audio_mime: str,
        duration: float,
        published_at: float | None = None,
        guid: str | None = None,
    ) -> EpisodeRecord:
        """Add the job to the feed; adding the same job again returns the episode it made.
        With the `guid` of an episode of this feed, that episode is updated instead: its
        audio becomes the job's, its guid, URL and publication date stay (an edited
        article is the same episode to podcast apps)."""
        with self._session() as session:
            feed = self._row(session, slug)
            existing = session.scalar(
                select(EpisodeRow).where(EpisodeRow.feed_id == feed.id, EpisodeRow.job_id == job_id)
            )
            if existing is not None:
                return EpisodeRecord.from_row(existing)
            same = guid and session.scalar(
                select(EpisodeRow).where(EpisodeRow.feed_id == feed.id, EpisodeRow.guid == guid)
            )
            if same:
                same.job_id = job_id
                same.title, same.description = title, description
                same.audio_size, same.audio_mime, same.duration = audio_size, audio_mime, duration
                feed.updated_at = time.time()
                session.flush()
                return EpisodeRecord.from_row(same)
            row = EpisodeRow(
                id=uuid.uuid4().hex,
                feed_id=feed.id,
                job_id=job_id,
                guid=guid or f"narrate-{uuid.uuid4()}",
                title=title,
                description=description,
                published_at=published_at or time.time(),
                audio_size=audio_size,
                audio_mime=audio_mime,
                duration=duration,
            )
            session.add(row)
            feed.updated_at = time.time()
            return EpisodeRecord.from_row(row)

    def episodes(self, slug: str) -> list[EpisodeRecord]:
        """Newest first."""
        with self._session() as session:
            feed = self._row(session, slug)
            rows = session.scalars(
                select(EpisodeRow)
                .where(EpisodeRow.feed_id == feed.id)
                .order_by(EpisodeRow.published_at.desc(), EpisodeRow.id)
            )
            return [EpisodeRecord.from_row(r) for r in rows]

    def episode(self, episode_id: str) -> EpisodeRecord:
        with self._session() as session:
            row = session.get(EpisodeRow, episode_id)
            if row is None:
                raise EpisodeNotFound(f"no episode {episode_id!r}")
            return EpisodeRecord.from_row(row)

    def remove_episode_by_guid(self, slug: str, guid: str) -> bool:
        """Unpublish the feed's episode with this guid; False when there is none."""
        with self._session() as session:
            feed = self._row(session, slug)
            row = session.scalar(
                select(EpisodeRow).where(EpisodeRow.feed_id == feed.id, EpisodeRow.guid == guid)
            )
            if row is None:
                return False
            session.delete(row)
            feed.updated_at = time.time()
            return True

    def remove_episode(self, slug: str, episode_id: str, owner: str | None = None) -> None:
        with self._session() as session:
            feed = self._row(session, slug, owner)
            row = session.get(EpisodeRow, episode_id)
            if row is None or row.feed_id != feed.id:
                raise EpisodeNotFound(f"no episode {episode_id!r} in feed {slug!r}")
            session.delete(row)
            feed.updated_at = time.time()
