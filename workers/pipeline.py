"""The whole engine in one process tree: prepared article → chunks synthesized in a pool
of one process per core → stitched program on disk → mastered, tagged file."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from voices.catalog import Voice
from workers.master import AudioFormat, MasterReport, Tags, dry_run_filters, master_program
from workers.pool import SynthesisPool
from workers.stitch import PausePolicy, Program, ProgramWriter, SentenceTiming
from workers.synthesis import ChunkAudio, SynthesisSettings
from workers.text.prepare import PreparedArticle
from workers.text.segment import Chunk

Progress = Callable[[int, int], None]
"""Called with (chunks done, chunks total) as synthesis advances."""


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
                pool.synthesize(voice, article.chunks, options.synthesis),
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
