"""Keeping the chunk cache within a size: the least recently used chunk audio goes first.

A cached chunk is up to three files under `chunks/<2 hex>/`: `<key>.wav`, its
`<key>.wav.json` sidecar of take lengths, and (left by older versions, which wrote in place)
a `<key>.wav.part`. They are counted, aged and removed together; their age is the WAV's
`used_at`, which a cache hit refreshes with `Storage.touch`. A prune costs one listing of
the cache and one sort; the database is asked only when the cache is over its bound. It
never removes the audio of a queued or running job, nor audio used in the last
`RECENT_USE_GRACE_S` (a job that just found it in the cache may not have recorded its chunks
yet), so the cache can stay above its bound when that much is in use.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable, Iterable, Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from pydantic import ByteSize, TypeAdapter, ValidationError

from service.keys import CHUNK_PREFIX, chunk_audio_key, chunk_takes_key
from service.storage import Storage, StoredFile
from service.store import JobStore
from workers.errors import InputError
from workers.synthesis import ChunkAudio

log = logging.getLogger(__name__)

RECENT_USE_GRACE_S: Final = 60.0
"""Audio used this recently is never pruned: it covers the moment between a job's cache
check and its chunks being recorded as in use."""

AUTO_PRUNE_INTERVAL_S: Final = 60.0
"""A worker process prunes after a finished job at most this often."""

_AUDIO_SUFFIX: Final = ".wav"


@dataclass(frozen=True)
class PruneReport:
    files_removed: int
    bytes_removed: int
    bytes_kept: int

    def line(self) -> str:
        return (
            f"removed {self.files_removed} files, freed {self.bytes_removed} bytes, "
            f"kept {self.bytes_kept} bytes"
        )


@dataclass(slots=True)
class CachedChunk:
    """The files of one cache key, their total size and when its audio was last used."""

    cache_key: str
    files: list[StoredFile] = field(default_factory=list)
    size: int = 0
    audio_used_at: float | None = None
    """`used_at` of the WAV; None when only a sidecar or a partial write is there."""

    @property
    def used_at(self) -> float:
        if self.audio_used_at is not None:
            return self.audio_used_at
        return max(f.used_at for f in self.files)


def store_chunk_audio(storage: Storage, cache_key: str, audio: ChunkAudio) -> None:
    """Put a synthesized chunk in the cache, whatever the storage: written in a private
    scratch directory, then published sidecar first, WAV last (the WAV's presence is what
    says "cached", so a reader never finds it without its sidecar)."""
    with tempfile.TemporaryDirectory(prefix="narrate-chunk-") as scratch:
        wav = Path(scratch) / "chunk.wav"
        audio.write(wav)
        storage.publish(chunk_takes_key(cache_key), Path(f"{wav}.json"))
        storage.publish(chunk_audio_key(cache_key), wav)


def load_chunk_audio(storage: Storage, cache_key: str, index: int) -> ChunkAudio:
    """A cached chunk's audio, read from storage (any machine's synthesis)."""
    wav = storage.read_bytes(chunk_audio_key(cache_key))
    return ChunkAudio.from_bytes(wav, storage.read_bytes(chunk_takes_key(cache_key)), index)


def parse_byte_size(text: str) -> int:
    """`2GiB`, `500MB`, `1.5G` or a number of bytes, as the setting reads them."""
    try:
        return int(TypeAdapter(ByteSize).validate_python(text))
    except ValidationError:
        raise InputError(f"not a size: {text!r} (e.g. 2GiB, 500MB or a number of bytes)") from None


def cache_key_of(storage_key: str) -> str:
    """`chunks/ab/<key>.wav.json` → `<key>`."""
    return storage_key.rsplit("/", 1)[-1].split(".", 1)[0]


def group_chunk_files(files: Iterable[StoredFile]) -> dict[str, CachedChunk]:
    chunks: dict[str, CachedChunk] = {}
    for f in files:
        key = cache_key_of(f.key)
        chunk = chunks.get(key)
        if chunk is None:
            chunk = chunks[key] = CachedChunk(key)
        chunk.files.append(f)
        chunk.size += f.size
        if f.key.endswith(_AUDIO_SUFFIX):
            chunk.audio_used_at = f.used_at
    return chunks


def removable_oldest_first(
    chunks: Iterable[CachedChunk], in_use: Set[str], used_before: float
) -> list[CachedChunk]:
    """The chunks no unfinished job needs and nobody used since `used_before`, least
    recently used first."""
    return sorted(
        (c for c in chunks if c.cache_key not in in_use and c.used_at < used_before),
        key=lambda c: c.used_at,
    )


def prune_chunk_cache(
    storage: Storage,
    store: JobStore,
    max_bytes: int,
    *,
    grace_s: float = RECENT_USE_GRACE_S,
) -> PruneReport:
    """Remove least recently used chunk audio until the cache holds at most `max_bytes`
    (0: everything that may go), keeping what unfinished jobs need and what was used in
    the last `grace_s` seconds."""
    started = time.time()
    chunks = group_chunk_files(storage.iter_prefix(CHUNK_PREFIX))
    total = sum(c.size for c in chunks.values())
    if total <= max_bytes:
        return PruneReport(0, 0, total)
    # Asked after the listing: a job recorded meanwhile is seen, and its chunks are kept.
    candidates = removable_oldest_first(
        chunks.values(), store.cache_keys_in_use(), used_before=started - grace_s
    )
    files_removed = bytes_removed = 0
    for chunk in candidates:
        if total <= max_bytes:
            break
        removed = _remove_chunk(storage, chunk)
        if removed is None:
            continue  # used again since the listing: it stays
        files, size = removed
        files_removed += files
        bytes_removed += size
        total -= size
    report = PruneReport(files_removed, bytes_removed, total)
    if files_removed:
        log.info("chunk cache pruned to %d bytes: %s", max_bytes, report.line())
    return report


def _remove_chunk(storage: Storage, chunk: CachedChunk) -> tuple[int, int] | None:
    """(files, bytes) removed; None when the audio was touched after it was listed."""
    # The WAV goes first, conditionally: a job that touched it after the listing keeps it.
    # Without its WAV the rest is never read (the sidecar is written before the WAV).
    ordered = sorted(chunk.files, key=lambda f: not f.key.endswith(_AUDIO_SUFFIX))
    files = size = 0
    for f in ordered:
        if storage.delete(f.key, unused_since=f.used_at):
            files += 1
            size += f.size
        elif f.key.endswith(_AUDIO_SUFFIX):
            return None
    return files, size


class ChunkCachePruner:
    """The automatic prune after each finished job, at most once per `interval_s` in this
    process; when the cache is under its bound, a prune is one listing and no query."""

    def __init__(
        self,
        storage: Storage,
        store: JobStore,
        max_bytes: int,
        interval_s: float = AUTO_PRUNE_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.storage = storage
        self.store = store
        self.max_bytes = max_bytes
        self.interval_s = interval_s
        self.clock = clock
        self._last: float | None = None

    def after_job(self) -> PruneReport | None:
        """Prune when the interval has passed and a bound is set (`max_bytes` 0: unbounded).
        Never raises: housekeeping that fails is logged, and the job that ended stays as it
        ended; the next interval tries again."""
        if self.max_bytes <= 0:
            return None
        now = self.clock()
        if self._last is not None and now - self._last < self.interval_s:
            return None
        self._last = now
        try:
            return prune_chunk_cache(self.storage, self.store, self.max_bytes)
        except Exception:  # the storage or the database, whatever went wrong
            log.exception("pruning the chunk cache failed")
            return None
