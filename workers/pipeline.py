"""The whole engine in one process tree: prepared article → chunks synthesized in a pool
of one process per core → stitched program on disk → mastered, tagged file."""

from __future__ import annotations

import multiprocessing
import os
import signal
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from voices.catalog import Voice, load_piper_voice
from workers.master import AudioFormat, MasterReport, Tags, dry_run_filters, master_program
from workers.stitch import PausePolicy, Program, ProgramWriter, SentenceTiming
from workers.synthesis import ChunkAudio, SynthesisSettings, synthesize_chunk
from workers.text.prepare import PreparedArticle
from workers.text.segment import Chunk

Progress = Callable[[int, int], None]
"""Called with (chunks done, chunks total) as synthesis advances."""


def default_processes() -> int:
    """One synthesis process per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


_worker_voice: Any = None


def _init_worker(voice: Voice) -> None:
    global _worker_voice
    # The parent decides about Ctrl-C and SIGTERM and stops the pool; a worker just dies.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _worker_voice = load_piper_voice(voice)


def _synthesize(job: tuple[int, Chunk, SynthesisSettings]) -> tuple[int, ChunkAudio]:
    position, chunk, settings = job
    return position, synthesize_chunk(_worker_voice, chunk, settings)


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
    """Processes that each load the voice once (at start) and synthesize chunks.

    Start it early: the workers load the model while the caller prepares the text.
    """

    def __init__(self, voice: Voice, processes: int | None = None) -> None:
        self.voice = voice
        self.processes = processes or default_processes()
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self._pool = context.Pool(self.processes, initializer=_init_worker, initargs=(voice,))

    def synthesize(self, chunks: list[Chunk], settings: SynthesisSettings) -> Iterator[ChunkAudio]:
        """Audio of every chunk, in order, as soon as each (and all before it) is done.

        Every chunk is handed to the workers now, not at the first `next()`: the caller
        may have set-up of its own to do first. Only chunks finished ahead of their turn
        wait in memory: a few near the end.
        """
        jobs = [(i, chunks[i], settings) for i in dispatch_order(chunks, self.processes)]
        return _in_order(self._pool.imap_unordered(_synthesize, jobs, chunksize=1))

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


@dataclass(frozen=True)
class ConvertOptions:
    """Everything about one conversion except the text."""

    format: AudioFormat = AudioFormat.MP3
    synthesis: SynthesisSettings = field(default_factory=SynthesisSettings)
    pauses: PausePolicy = field(default_factory=PausePolicy)
    mp3_kbps: int = 64


@dataclass(frozen=True)
class ConvertResult:
    """A finished conversion."""

    report: MasterReport
    timings: list[SentenceTiming]
    duration: float
    chunks: int
    seconds: float


def stitch_program(
    chunks: list[Chunk],
    audio: Iterator[ChunkAudio],
    path: Path,
    sample_rate: int,
    options: ConvertOptions,
    progress: Progress | None = None,
) -> Program:
    """Write every chunk's audio, in order, into one program WAV at `path`."""
    writer = ProgramWriter(
        path, sample_rate, options.pauses, options.synthesis.speed, dry_run_filters()
    )
    try:
        for done, (chunk, chunk_audio) in enumerate(zip(chunks, audio, strict=True), start=1):
            writer.add(chunk, chunk_audio)
            if progress:
                progress(done, len(chunks))
    except BaseException:
        writer.abort()
        raise
    return writer.close()


def convert_article(
    article: PreparedArticle,
    voice: Voice,
    out: Path,
    options: ConvertOptions | None = None,
    pool: SynthesisPool | None = None,
    progress: Progress | None = None,
) -> ConvertResult:
    """Synthesize, stitch and master `article` into `out` (written whole or not at all)."""
    options = options or ConvertOptions()
    started = time.monotonic()
    own_pool = pool is None
    pool = pool or SynthesisPool(voice)
    meta = article.meta
    tags = Tags(meta.title, meta.author, meta.publication, meta.date, voice.id)
    try:
        with tempfile.TemporaryDirectory(prefix="narrate-") as scratch:
            program = stitch_program(
                article.chunks,
                pool.synthesize(article.chunks, options.synthesis),
                Path(scratch) / "program.wav",
                voice.sample_rate,
                options,
                progress,
            )
            if own_pool:
                pool.close()
            partial = out.with_name(f".{out.name}.part")
            try:
                report = master_program(program, partial, options.format, tags, options.mp3_kbps)
                partial.replace(out)
            finally:
                partial.unlink(missing_ok=True)
    except BaseException:
        if own_pool:
            pool.terminate()
        raise
    return ConvertResult(
        report=MasterReport(**{**report.__dict__, "path": out}),
        timings=program.timings,
        duration=program.duration,
        chunks=len(article.chunks),
        seconds=time.monotonic() - started,
    )
