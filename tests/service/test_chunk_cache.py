"""The chunk cache stays within its bound: least recently used audio goes first, never the
audio an unfinished job still needs. Real files on disk, a real SQLite store."""

from __future__ import annotations

import gc
import hashlib
import itertools
import os
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Final

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.cache import (
    RECENT_USE_GRACE_S,
    ChunkCachePruner,
    group_chunk_files,
    parse_byte_size,
    prune_chunk_cache,
    removable_oldest_first,
)
from service.cli import main
from service.contract import ArticleInfo, JobRequest
from service.keys import chunk_audio_key
from service.storage import DirectoryStorage, StoredFile
from service.store import JobStore, make_engine
from voices.catalog import DEFAULT_VOICE_ID
from workers.synthesis import ChunkAudio
from workers.text.prepare import InputFormat
from workers.text.segment import Break, Chunk, Sentence

HOUR = 3600.0


def cache_key(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def cache_chunk(storage: DirectoryStorage, key: str, frames: int, used_at: float) -> int:
    """Write a chunk's audio as synthesis does (WAV + sidecar), last used at `used_at`;
    its size on disk."""
    wav = storage.local_path(chunk_audio_key(key))
    ChunkAudio(0, 22050, (np.zeros(frames, dtype=np.int16),)).write(wav)
    sidecar = Path(f"{wav}.json")
    for path in (wav, sidecar):
        os.utime(path, (used_at, used_at))
    return wav.stat().st_size + sidecar.stat().st_size


def is_cached(storage: DirectoryStorage, key: str) -> bool:
    return storage.exists(chunk_audio_key(key))


def disk_files(root: Path) -> dict[Path, int]:
    """Every file under the cache directory with its size, found by walking it ourselves."""
    found: dict[Path, int] = {}
    for directory, _, names in os.walk(root / "chunks"):
        for name in names:
            path = Path(directory) / name
            found[path] = path.stat().st_size
    return found


def unfinished_job(store: JobStore, keys: Iterable[str], *, running: bool = True) -> str:
    """A job that still needs the audio of `keys` (its chunks already done or not)."""
    request = JobRequest(source="x", input_format=InputFormat.TEXT, voice=DEFAULT_VOICE_ID)
    job, _ = store.create(request, uuid.uuid4().hex)
    if running:
        assert store.start(job.id)
    sentence = Sentence("x", "x", 0, False, Break.END)
    chunks = [(Chunk(i, (sentence,)), k, i % 2 == 0) for i, k in enumerate(keys)]
    store.set_chunks(job.id, chunks, ArticleInfo("x"))
    return job.id


@pytest.fixture
def storage(tmp_path: Path) -> DirectoryStorage:
    return DirectoryStorage(tmp_path / "storage")


@pytest.fixture
def store(tmp_path: Path) -> JobStore:
    store = JobStore.from_url(f"sqlite:///{tmp_path / 'narrate.db'}")
    yield store  # type: ignore[misc]
    store.dispose()


def test_prune_removes_least_recently_used_first_down_to_the_bound(
    storage: DirectoryStorage, store: JobStore
) -> None:
    now = time.time()
    keys = [cache_key(f"chunk {i}") for i in range(10)]
    # Written in shuffled order, aged 1..10 hours: the listing order says nothing.
    sizes = {k: cache_chunk(storage, k, 1000, now - (i + 1) * HOUR) for i, k in enumerate(keys)}
    for i in (3, 7, 1):
        cache_chunk(storage, keys[i], 1000, now - (i + 1) * HOUR)
    size = sizes[keys[0]]
    assert set(sizes.values()) == {size}

    report = prune_chunk_cache(storage, store, max_bytes=4 * size + size // 2)

    assert [is_cached(storage, k) for k in keys] == [True] * 4 + [False] * 6
    assert (report.files_removed, report.bytes_removed, report.bytes_kept) == (
        12,
        6 * size,
        4 * size,
    )
    assert sum(disk_files(storage.root).values()) == 4 * size


def test_a_used_chunk_is_kept_however_old_it_was(
    storage: DirectoryStorage, store: JobStore
) -> None:
    now = time.time()
    old, older, oldest = (cache_key(n) for n in ("old", "older", "oldest"))
    size = cache_chunk(storage, old, 500, now - 1 * HOUR)
    cache_chunk(storage, older, 500, now - 2 * HOUR)
    cache_chunk(storage, oldest, 500, now - 3 * HOUR)

    assert storage.touch(chunk_audio_key(oldest))  # a cache hit
    assert not storage.touch(chunk_audio_key(cache_key("never cached")))
    report = prune_chunk_cache(storage, store, max_bytes=size, grace_s=0)

    assert is_cached(storage, oldest)
    assert not is_cached(storage, old) and not is_cached(storage, older)
    assert report.bytes_kept == size


def test_audio_used_moments_ago_is_kept_even_when_the_bound_is_zero(
    storage: DirectoryStorage, store: JobStore
) -> None:
    """A job that just found a chunk in the cache may not have recorded it yet."""
    now = time.time()
    recent, stale = cache_key("recent"), cache_key("stale")
    cache_chunk(storage, recent, 100, now - RECENT_USE_GRACE_S / 4)
    cache_chunk(storage, stale, 100, now - 2 * RECENT_USE_GRACE_S)

    prune_chunk_cache(storage, store, max_bytes=0)

    assert is_cached(storage, recent) and not is_cached(storage, stale)


def test_chunks_of_unfinished_jobs_are_never_pruned(
    storage: DirectoryStorage, store: JobStore
) -> None:
    now = time.time()
    running = [cache_key(f"running {i}") for i in range(3)]
    queued = [cache_key("queued")]
    ended = [cache_key(f"ended {i}") for i in range(2)]
    deleted = [cache_key("deleted")]
    for age, key in enumerate([*running, *queued, *ended, *deleted]):
        cache_chunk(storage, key, 800, now - 1000 * HOUR + age)  # in use: the very oldest
    newer = cache_key("newer, unused")
    cache_chunk(storage, newer, 800, now - HOUR)
    unfinished_job(store, running)
    unfinished_job(store, queued, running=False)
    ended_id = unfinished_job(store, ended)
    assert store.fail(ended_id, "ended")
    store.delete(unfinished_job(store, deleted))

    report = prune_chunk_cache(storage, store, max_bytes=0)

    assert all(is_cached(storage, k) for k in [*running, *queued])
    assert not any(is_cached(storage, k) for k in [*ended, *deleted, newer])
    assert report.files_removed == 2 * 4
    assert report.bytes_kept == sum(disk_files(storage.root).values()) > 0


def test_under_the_bound_a_prune_is_one_listing_and_no_query(
    storage: DirectoryStorage, tmp_path: Path
) -> None:
    # A store whose database cannot even be opened: any query would raise.
    broken = JobStore(make_engine(f"sqlite:///{tmp_path / 'no such dir' / 'narrate.db'}"))
    size = cache_chunk(storage, cache_key("a"), 100, time.time() - HOUR)

    report = prune_chunk_cache(storage, broken, max_bytes=size)

    assert (report.files_removed, report.bytes_kept) == (0, size)
    with pytest.raises(Exception, match="unable to open database"):
        prune_chunk_cache(storage, broken, max_bytes=size - 1)


class HitDuringPrune(DirectoryStorage):
    """A directory where a job's cache hit lands between a prune's listing and its deletes."""

    def __init__(self, root: Path, hit: str) -> None:
        super().__init__(root)
        self.hit = hit

    def iter_prefix(self, prefix: str) -> Iterator[StoredFile]:
        yield from super().iter_prefix(prefix)
        assert self.touch(self.hit)


def test_a_chunk_used_after_the_listing_is_kept_whole(tmp_path: Path, store: JobStore) -> None:
    raced, idle = cache_key("raced"), cache_key("idle")
    storage = HitDuringPrune(tmp_path / "storage", chunk_audio_key(raced))
    cache_chunk(storage, raced, 100, time.time() - 2 * HOUR)
    cache_chunk(storage, idle, 100, time.time() - HOUR)

    report = prune_chunk_cache(storage, store, max_bytes=0)

    assert not is_cached(storage, idle)
    assert report.files_removed == 2
    # Both the audio and its sidecar are still there: the chunk still reads.
    audio = ChunkAudio.read(storage.local_path(chunk_audio_key(raced)), 0)
    assert audio.frames == 100


def test_a_conditional_delete_spares_a_file_used_since(storage: DirectoryStorage) -> None:
    key = chunk_audio_key(cache_key("used"))
    cache_chunk(storage, cache_key("used"), 100, time.time() - HOUR)
    assert storage.touch(key)

    assert not storage.delete(key, unused_since=time.time() - HOUR)
    assert storage.exists(key)
    assert storage.delete(key) and not storage.exists(key)
    assert not storage.delete(key)
    assert not storage.touch(key)


def test_the_automatic_prune_runs_at_most_once_per_interval(
    storage: DirectoryStorage, store: JobStore
) -> None:
    now = time.time()
    clock = [1000.0]
    size = cache_chunk(storage, cache_key("first"), 100, now - 3 * HOUR)
    pruner = ChunkCachePruner(storage, store, max_bytes=size, interval_s=60, clock=lambda: clock[0])

    assert pruner.after_job() is not None  # under the bound: nothing to do
    cache_chunk(storage, cache_key("second"), 100, now - 2 * HOUR)
    clock[0] += 30
    assert pruner.after_job() is None and is_cached(storage, cache_key("first"))
    clock[0] += 31
    report = pruner.after_job()
    assert report is not None and report.files_removed == 2
    assert not is_cached(storage, cache_key("first"))

    unbounded = ChunkCachePruner(storage, store, max_bytes=0, clock=lambda: clock[0])
    assert unbounded.after_job() is None and is_cached(storage, cache_key("second"))


def test_a_failing_automatic_prune_is_logged_not_raised(
    storage: DirectoryStorage, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = JobStore(make_engine(f"sqlite:///{tmp_path / 'no such dir' / 'narrate.db'}"))
    size = cache_chunk(storage, cache_key("a"), 100, time.time() - HOUR)
    pruner = ChunkCachePruner(storage, broken, max_bytes=size - 1)

    assert pruner.after_job() is None
    assert "pruning the chunk cache failed" in caplog.text
    assert is_cached(storage, cache_key("a"))


def test_narrate_cache_prune_end_to_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NARRATE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("NARRATE_STORAGE_DIR", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("NARRATE_DATABASE_URL", raising=False)
    storage = DirectoryStorage(tmp_path / "storage")
    store = JobStore.from_url(f"sqlite:///{tmp_path / 'narrate.db'}")
    now = time.time()
    keys = [cache_key(f"cli {i}") for i in range(6)]
    size = 0
    for i, key in enumerate(keys):
        size = cache_chunk(storage, key, 2000, now - (i + 1) * HOUR)
    unfinished_job(store, keys[-1:])  # the oldest, but a running job needs it
    store.dispose()

    # The setting's bound: 4 chunks' worth.
    monkeypatch.setenv("NARRATE_CHUNK_CACHE_MAX_BYTES", str(4 * size))
    assert main(["cache", "prune"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out == [f"chunk cache: removed 4 files, freed {2 * size} bytes, kept {4 * size} bytes"]
    assert [is_cached(storage, k) for k in keys] == [True, True, True, False, False, True]

    # --max-bytes overrides it, with a unit.
    assert main(["cache", "prune", "--max-bytes", f"{2 * size / 1000}kB"]) == 0
    assert capsys.readouterr().out.strip() == (
        f"chunk cache: removed 4 files, freed {2 * size} bytes, kept {2 * size} bytes"
    )
    assert [is_cached(storage, k) for k in keys] == [True] + [False] * 4 + [True]

    # 0 in the setting means unbounded: nothing goes.
    monkeypatch.setenv("NARRATE_CHUNK_CACHE_MAX_BYTES", "0")
    assert main(["cache", "prune"]) == 0
    assert capsys.readouterr().out.strip() == (
        f"chunk cache: removed 0 files, freed 0 bytes, kept {2 * size} bytes"
    )

    with pytest.raises(SystemExit) as exit_:
        main(["cache", "prune", "--max-bytes", "plenty"])
    assert exit_.value.code == 2
    assert "not a size: 'plenty'" in capsys.readouterr().err


# --- the growth property ----------------------------------------------------------------

cached_chunks = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=4000),  # frames
        st.one_of(  # age in seconds: recent (inside the grace) or well past it
            st.integers(min_value=1, max_value=int(RECENT_USE_GRACE_S // 2)),
            st.integers(min_value=int(2 * RECENT_USE_GRACE_S), max_value=10**7),
        ),
        st.booleans(),  # needed by a running job
    ),
    max_size=14,
)


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JobStore]:
    """One database for every example (each uses keys of its own): opening one is slow."""
    store = JobStore.from_url(f"sqlite:///{tmp_path_factory.mktemp('db') / 'narrate.db'}")
    yield store
    store.dispose()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chunks=cached_chunks, bound_fraction=st.floats(min_value=0, max_value=1.2))
def test_after_a_prune_the_cache_fits_or_holds_only_what_must_stay(
    shared_store: JobStore, chunks: list[tuple[int, int, bool]], bound_fraction: float
) -> None:
    example = uuid.uuid4().hex
    with tempfile.TemporaryDirectory() as tmp:
        storage = DirectoryStorage(Path(tmp))
        now = time.time()
        used_at: dict[str, float] = {}
        size: dict[str, int] = {}
        for i, (frames, age, _) in enumerate(chunks):
            key = cache_key(f"{example} {i}")
            used_at[key] = now - age
            size[key] = cache_chunk(storage, key, frames, now - age)
        in_use = {cache_key(f"{example} {i}") for i, c in enumerate(chunks) if c[2]}
        unfinished_job(shared_store, sorted(in_use))
        before = disk_files(storage.root)
        bound = int(sum(before.values()) * bound_fraction)

        report = prune_chunk_cache(storage, shared_store, bound)

        after = disk_files(storage.root)
    kept = {k for k in size if any(k in p.name for p in after)}
    removed = set(size) - kept
    # Each chunk went whole or stayed whole.
    assert all(sum(1 for p in after if k in p.name) == 2 for k in kept)
    must_stay = {k for k in size if k in in_use or now - used_at[k] < RECENT_USE_GRACE_S}
    total = sum(after.values())
    assert total <= bound or kept <= must_stay
    assert not (removed & must_stay)
    prunable_kept = kept - must_stay
    if removed and prunable_kept:
        assert max(used_at[k] for k in removed) <= min(used_at[k] for k in prunable_kept)
    if removed:  # it stopped as soon as it fitted: before the last removal it did not
        latest = max(used_at[k] for k in removed)
        assert total + max(size[k] for k in removed if used_at[k] == latest) > bound
    assert report.bytes_kept == total
    assert report.bytes_removed == sum(before.values()) - total
    assert report.files_removed == len(before) - len(after)


# --- cost: linear in the number of cached files -------------------------------------------

GROWTH_CHUNKS: Final = 200
GROWTH_FACTOR: Final = 4
GROWTH_SLACK: Final = 10
"""4× the files within 10× the time: linear (or n log n) with room for a busy machine and
caches; quadratic is 16×."""
PLAN_FILES: Final = 10_000
"""Large enough that a quadratic step in the planning would dominate any constant."""


def cache_listing(files: int) -> list[StoredFile]:
    """What listing a cache of `files` files (WAV + sidecar each) gives, in scrambled use order."""
    return [
        StoredFile(f"chunks/{key[:2]}/{key}.wav{suffix}", 1000, 1e9 + (i * 7919) % files)
        for i in range(files // 2)
        for key in [cache_key(str(i))]
        for suffix in ("", ".json")
    ]


def plan(listing: list[StoredFile], in_use: set[str]) -> float:
    """Seconds to group a listing and order what may go (checked on the way)."""
    started = time.perf_counter()
    order = removable_oldest_first(group_chunk_files(listing).values(), in_use, 2e9)
    seconds = time.perf_counter() - started
    assert len(order) == len(listing) // 2 - len(in_use)
    assert all(a.used_at <= b.used_at for a, b in itertools.pairwise(order))
    return seconds


def test_planning_a_prune_grows_linearly_with_the_listing() -> None:
    small, large = cache_listing(PLAN_FILES), cache_listing(GROWTH_FACTOR * PLAN_FILES)
    in_use = {cache_key(str(i)) for i in range(0, PLAN_FILES // 2, 10)}
    gc.collect()
    gc.freeze()  # the listings are input: the collector need not walk them again and again
    try:  # alternated, best of five each: a busy moment of the machine hits both alike
        times = [(plan(small, in_use), plan(large, in_use)) for _ in range(5)]
    finally:
        gc.unfreeze()
    best_small, best_large = (min(t) for t in zip(*times, strict=True))
    assert best_large < GROWTH_SLACK * best_small, f"{best_large:.3f} s vs {best_small:.3f} s"


def prune_seconds(root: Path, store: JobStore, chunks: int) -> float:
    """The best of three prunes of `chunks` cached chunks (WAV + sidecar) down to half."""
    best = float("inf")
    now = time.time()
    for attempt in range(3):
        storage = DirectoryStorage(root / f"{chunks}-{attempt}")
        for i in range(chunks):
            wav = storage.local_path(chunk_audio_key(cache_key(f"{attempt} {i}")))
            wav.write_bytes(bytes(1000))
            Path(f"{wav}.json").write_text("[478]")
            used_at = now - HOUR - (i * 7919) % chunks  # a scrambled order of use
            os.utime(wav, (used_at, used_at))
        started = time.perf_counter()
        report = prune_chunk_cache(storage, store, max_bytes=chunks * 1005 // 2)
        best = min(best, time.perf_counter() - started)
        assert report.files_removed == chunks
    return best


def test_prune_time_grows_linearly_with_the_cache(tmp_path: Path, store: JobStore) -> None:
    unfinished_job(store, [cache_key(f"0 {i}") for i in range(0, GROWTH_CHUNKS, 10)])
    small = prune_seconds(tmp_path, store, GROWTH_CHUNKS)
    large = prune_seconds(tmp_path, store, GROWTH_FACTOR * GROWTH_CHUNKS)
    assert large < GROWTH_SLACK * small, f"{large:.3f} s vs {small:.3f} s"


@pytest.mark.slow
def test_the_service_touches_cache_hits_and_prunes_after_a_job(make_stack) -> None:  # type: ignore[no-untyped-def]
    """Through a real worker: a resubmitted article's chunks count as used (so they outlive
    older audio), and a finished job prunes the cache to its bound."""
    from tests.utils.services import SHORT_ARTICLE

    stack = make_stack(chunk_cache_max_bytes=1)
    stack.start_api()
    first_worker = stack.start_worker(concurrency=1)
    assert stack.wait_job(stack.submit(text=SHORT_ARTICLE)["id"], 120)["status"] == "done"
    first_worker.stop()  # the next worker process prunes at its first finished job

    storage = DirectoryStorage(stack.settings.resolved_storage_dir())
    article_chunks = [f.key for f in storage.iter_prefix("chunks") if f.key.endswith(".wav")]
    assert article_chunks
    stray = cache_key("audio nobody has used for hours")
    cache_chunk(storage, stray, 22050, time.time() - 2 * HOUR)
    for stored in storage.iter_prefix("chunks"):
        old = time.time() - 2 * HOUR
        os.utime(storage.local_path(stored.key), (old, old))

    stack.start_worker(concurrency=1)
    job = stack.wait_job(stack.submit(text=SHORT_ARTICLE)["id"], 120)
    assert job["status"] == "done" and job["progress"]["chunks_cached"] == len(article_chunks)
    assert wait_for_removal(storage, stray)
    assert all(storage.exists(key) for key in article_chunks)  # touched: recently used


def wait_for_removal(storage: DirectoryStorage, key: str, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while is_cached(storage, key):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


@given(st.integers(0, 10**12), st.sampled_from([("kB", 1000), ("MB", 10**6)]))
def test_decimal_sizes_mean_the_bytes_they_say(size: int, unit: tuple[str, int]) -> None:
    """`8.152kB` is 8152 bytes (not 8151, as multiplying in floating point gives)."""
    name, factor = unit
    if size % (factor // 1000):
        size -= size % (factor // 1000)  # MB written with three decimals at most here
    assert parse_byte_size(f"{size / factor}{name}") == size
