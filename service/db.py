"""The SQL database (SQLite or PostgreSQL) under the job and feed stores: one table metadata,
the engine, and a transaction per store call."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar, Final, Self

from sqlalchemy import Table, create_engine, event, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

SQLITE_BUSY_TIMEOUT_S: Final = 30
"""How long a SQLite writer waits for another process's write to end before failing."""


class Base(DeclarativeBase):
    """Every store's tables, in one metadata: feed episodes refer to jobs."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the API read while worker processes write; foreign keys for the cascade.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    return engine


def add_missing_columns(engine: Engine, tables: Sequence[Table]) -> list[str]:
    """Add the columns (and indexes) a newer version defines to tables an older one made:
    an upgrade keeps the stored jobs and feeds. Only additive changes are made, each column
    nullable with its default, so rows written before read as they were. Returns the
    `table.column` names added."""
    added: list[str] = []
    with engine.begin() as conn:
        for table in tables:
            present = {c["name"] for c in inspect(conn).get_columns(table.name)}
            for column in table.columns:
                if column.name in present:
                    continue
                kind = column.type.compile(dialect=engine.dialect)
                default = column.default.arg if column.default is not None else None
                literal = _sql_literal(default)
                clause = f" DEFAULT {literal}" if literal is not None else ""
                conn.execute(
                    text(f"ALTER TABLE {table.name} ADD COLUMN {column.name} {kind}{clause}")
                )
                added.append(f"{table.name}.{column.name}")
            for index in table.indexes:
                index.create(conn, checkfirst=True)
    return added


def _sql_literal(value: object) -> str | None:
    """A scalar column default as SQL (None: no literal default, e.g. a callable)."""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return None


class SqlStore:
    """A store over one engine (stores may share it): its schema, one transaction per call,
    a health check and shutdown."""

    tables: ClassVar[Sequence[Table] | None] = None
    """The tables `create_schema` makes; None: every table in `Base.metadata`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def from_url(cls, url: str) -> Self:
        store = cls(make_engine(url))
        store.create_schema()
        return store

    def create_schema(self) -> None:
        """Create the tables, and bring tables made by an earlier version up to date."""
        Base.metadata.create_all(self.engine, tables=self.tables)
        add_missing_columns(self.engine, self.tables or list(Base.metadata.sorted_tables))

    def dispose(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _session(self) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back if it raises."""
        with self._sessions.begin() as session:
            yield session

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
