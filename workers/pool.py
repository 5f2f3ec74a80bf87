"""Synthesis processes, one per core: each loads a voice once and turns chunks into audio,
which comes back in reading order."""

from __future__ import annotations

import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Iterator
from multiprocessing.pool import AsyncResult
from typing import Final, TypeVar

from voices.catalog import Voice, load_piper_voice
from workers.cores import usable_cores
from workers.synthesis import ChunkAudio, SynthesisSettings, synthesize_chunk
from workers.text.segment import Chunk

T = TypeVar("T")


def _init_worker(preload: Voice | None) -> None:
    # The parent decides about Ctrl-C and SIGTERM and stops the pool; a worker just dies.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if preload is not None:
        load_piper_voice(preload)


def _synthesize(job: tuple[int, Voice, Chunk, SynthesisSettings]) -> tuple[int, ChunkAudio]:
    position, voice, chunk, settings = job
    return position, synthesize_chunk(load_piper_voice(voice), chunk, settings.for_voice(voice))


TAIL_CHUNKS_PER_PROCESS: Final = 3
"""The last this-many chunks per process are dispatched longest first, so no process sits
idle at the end while another still reads a long paragraph."""


def dispatch_order(chunks: list[Chunk], processes: int) -> list[int]:
    """Positions in reading order, except the tail, which goes longest first."""
    split = max(0, len(chunks) - processes * TAIL_CHUNKS_PER_PROCESS)
    tail = sorted(range(split, len(chunks)), key=lambda i: -len(chunks[i].spoken))
    return [*range(split), *tail]


def _in_order(results: Iterator[tuple[int, ChunkAudio]]) -> Iterator[ChunkAudio]:
    waiting: dict[int, ChunkAudio] = {}
    next_position = 0
    for position, audio in results:
        waiting[position] = audio
        while next_position in waiting:
            yield waiting.pop(next_position)
            next_position += 1


class SynthesisPool:
    """Processes that synthesize chunks, each loading a voice once, when first asked for it.

    Start it early, with the voice it will most likely be asked for as `preload`: the
    workers load that model while the caller is still setting up and preparing the text.
    This module imports little, so a caller can start the pool before its heavier imports.
    """

    def __init__(
        self, preload: Voice | None = None, processes: int | None = None, fork: bool = True
    ) -> None:
        self.processes = processes or usable_cores()
        methods = multiprocessing.get_all_start_methods()
        # A process with threads of its own (a web server) must not fork: a lock another
        # thread holds at that moment stays held in the child forever. It spawns instead.
        context = multiprocessing.get_context("fork" if fork and "fork" in methods else "spawn")
        self._pool = context.Pool(self.processes, initializer=_init_worker, initargs=(preload,))

    def synthesize(
        self, voice: Voice, chunks: list[Chunk], settings: SynthesisSettings
    ) -> Iterator[ChunkAudio]:
        """Audio of every chunk, in order, as soon as each (and all before it) is done.

        Every chunk is handed to the workers now, not at the first `next()`: the caller
        may have set-up of its own to do first. Only chunks finished ahead of their turn
        wait in memory: a few near the end.
        """
        jobs = [(i, voice, chunks[i], settings) for i in dispatch_order(chunks, self.processes)]
        return _in_order(self._pool.imap_unordered(_synthesize, jobs, chunksize=1))

    def stream(
        self, voice: Voice, chunks: list[Chunk], settings: SynthesisSettings, ahead: int
    ) -> Iterator[ChunkAudio]:
        """Audio of every chunk in reading order, with at most `ahead` chunks handed to the
        workers beyond the one the caller waits for. Closing the iterator early (a client
        went away) hands out nothing more: only the chunks already handed out still run.
        Several streams may share the pool; their chunks queue in the order handed out."""
        pending: deque[AsyncResult[tuple[int, ChunkAudio]]] = deque()
        handed = 0
        for _ in range(len(chunks)):
            while handed < len(chunks) and len(pending) <= ahead:
                job = (handed, voice, chunks[handed], settings)
                pending.append(self._pool.apply_async(_synthesize, (job,)))
                handed += 1
            yield pending.popleft().get()[1]

    def call(self, function: Callable[..., T], *args: object) -> T:
        """`function(*args)` in one of the workers (where voices are loaded)."""
        return self._pool.apply(function, args)

    def close(self) -> None:
        self._pool.close()
        self._pool.join()

    def terminate(self) -> None:
        self._pool.terminate()
        self._pool.join()

    def __enter__(self) -> SynthesisPool:
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.terminate()


class InlineSynthesis:
    """Synthesis in the calling thread, for a few words (a voice preview): starting
    processes would cost more than it saves, and a server's threads must not fork."""

    def synthesize(
        self, voice: Voice, chunks: list[Chunk], settings: SynthesisSettings
    ) -> Iterator[ChunkAudio]:
        piper = load_piper_voice(voice)
        for chunk in chunks:
            yield synthesize_chunk(piper, chunk, settings.for_voice(voice))
