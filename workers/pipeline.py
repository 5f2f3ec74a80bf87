"""The whole engine: prepared article → chunks synthesized in a pool of one process per
core → stitched program on disk → `deliver_program`, the one finish path (mastered, tagged
file with chapters, timings and WebVTT) that the CLI and the service's `finish` task share."""

from __future__ import annotations

import datetime
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final

from voices.catalog import Voice
from workers.chapters import Chapter, chapters_from_timings, write_id3_chapters
from workers.errors import InputError
from workers.master import AudioFormat, MasterReport, Tags, dry_run_filters, master_program
from workers.pool import InlineSynthesis, SynthesisPool
from workers.stitch import PausePolicy, Program, ProgramWriter, SentenceTiming, WordTiming
from workers.synthesis import ChunkAudio, SynthesisSettings
from workers.text.prepare import DISCLOSURE_TEXT, ArticleMeta, Disclosure, PreparedArticle
from workers.text.segment import Chunk
from workers.timings import render_speechmarks, render_timings_json, render_vtt

TITLE_CHARS: Final = 80
"""A title made from the first sentence is cut to about this many characters, at a word."""
UNTITLED: Final = "Untitled article"
ISO_DATE_PATTERN: Final = r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?"
"""The dates the tags carry: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (ID3's TDRC forms)."""
_ISO_DATE: Final = re.compile(ISO_DATE_PATTERN)

Progress = Callable[[int, int], None]
"""Called with (chunks done, chunks total) as synthesis advances."""


@dataclass(frozen=True)
class ConvertOptions:
    """Everything about one conversion except the text."""

    format: AudioFormat = AudioFormat.MP3
    synthesis: SynthesisSettings = field(default_factory=SynthesisSettings)
    pauses: PausePolicy = field(default_factory=PausePolicy)
    mp3_kbps: int = 64
    disclosure: Disclosure | None = None
    """Where the article was given the spoken disclosure (`Reading.disclosure`)."""


@dataclass(frozen=True)
class Delivery:
    """A delivered file and everything said about it."""

    report: MasterReport
    tags: Tags
    timings: list[SentenceTiming]
    duration: float
    chapters: list[Chapter]
    words: list[WordTiming] = field(default_factory=list)
    text: str = ""
    """The article's text, which the timings' character offsets point into."""

    def vtt(self) -> str:
        return render_vtt(self.timings, self.words)

    def timings_json(self) -> str:
        return render_timings_json(
            self.timings,
            self.duration,
            self.words,
            self.text,
            voice=self.tags.voice_id,
            loudness=self.report.as_dict(),
        )

    def speechmarks(self) -> str:
        return render_speechmarks(self.timings, self.words, self.text)


@dataclass(frozen=True)
class ConvertResult:
    """A finished conversion."""

    delivery: Delivery
    chunks: int
    seconds: float


def iso_date(value: str | None) -> str | None:
    """`value` if it is an ISO 8601 date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`), else InputError:
    a date the tags cannot carry is refused, not silently dropped."""
    if value is None:
        return None
    if not _ISO_DATE.fullmatch(value):
        raise InputError(
            f"date {value[:40]!r} is not an ISO date (YYYY-MM-DD, YYYY-MM or YYYY)", field="date"
        )
    return value


def article_title(given: str | None, chunks: list[Chunk]) -> str:
    """The title: as given (or extracted), else the first heading, else the first sentence
    cut at a word near `TITLE_CHARS`."""
    if given and given.strip():
        return " ".join(given.split())
    sentences = [s for c in chunks for s in c.sentences if s.text != DISCLOSURE_TEXT]
    first = next((s for s in sentences if s.heading), None) or next(iter(sentences), None)
    if first is None:
        return UNTITLED
    text = " ".join(first.text.split()).rstrip(".")
    if len(text) <= TITLE_CHARS:
        return text
    cut = text[:TITLE_CHARS].rsplit(" ", 1)[0] or text[:TITLE_CHARS]
    return cut.rstrip(",;:") + "…"


def resolved_meta(article: PreparedArticle) -> ArticleMeta:
    """The article's metadata with the gaps filled: a title always, today's date by default."""
    meta = article.meta
    return replace(
        meta,
        title=article_title(meta.title, article.chunks),
        date=meta.date or datetime.date.today().isoformat(),
    )


def deliver_program(
    program: Program, out: Path, options: ConvertOptions, meta: ArticleMeta, voice_id: str
) -> Delivery:
    """Master, encode and tag `program` into `out` (written whole or not at all): ID3 tags
    and chapters from the headings for MP3, the AI-assistance notice in every format's
    comment, sentence and word timings (JSON, WebVTT, speech marks) ready to write. Both
    doors (CLI and service) end here."""
    tags = Tags(meta.title, meta.author, meta.publication, meta.date, voice_id)
    program = mark_disclosure(program, options.disclosure)
    chapters = chapters_from_timings(program.timings, program.duration, meta.title)
    partial = out.with_name(f".{out.name}.part")
    try:
        report = master_program(program, partial, options.format, tags, options.mp3_kbps)
        if options.format is AudioFormat.MP3 and chapters:
            write_id3_chapters(partial, chapters)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return Delivery(
        report=replace(report, path=out, size=out.stat().st_size),
        tags=tags,
        timings=program.timings,
        duration=program.duration,
        chapters=chapters,
        words=program.words,
        text=program.text,
    )


def mark_disclosure(program: Program, where: Disclosure | None) -> Program:
    """The spoken disclosure (the first or the last sentence) flagged as such, with index
    -1 and no words, and the article's sentences, words and text as if it were not there:
    sentence numbers, word offsets and highlighting stay the article's."""
    timings = program.timings
    if where is None or not timings:
        return program
    start = where is Disclosure.START
    at = 0 if start else len(timings) - 1
    if start:  # the disclosure and the separator after it leave the text
        cut_from = 0
        cut_to = timings[1].char_start if len(timings) > 1 else len(program.text)
    else:
        cut_from = timings[at - 1].char_end if at > 0 else 0
        cut_to = len(program.text)
    moved, renumber = (cut_to - cut_from, 1) if start else (0, 0)
    marked = [
        replace(t, index=-1, disclosure=True, char_start=0, char_end=0)
        if i == at
        else replace(
            t,
            index=t.index - renumber,
            char_start=t.char_start - moved,
            char_end=t.char_end - moved,
        )
        for i, t in enumerate(timings)
    ]
    words = [
        replace(
            w,
            sentence=w.sentence - renumber,
            char_start=w.char_start - moved,
            char_end=w.char_end - moved,
        )
        for w in program.words
        if w.sentence != timings[at].index
    ]
    text = program.text[:cut_from] + program.text[cut_to:]
    return replace(program, timings=marked, words=words, text=text)


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
    pool: SynthesisPool | InlineSynthesis | None = None,
    progress: Progress | None = None,
) -> ConvertResult:
    """Synthesize, stitch and master `article` into `out` (written whole or not at all)."""
    options = options or ConvertOptions()
    started = time.monotonic()
    own_pool = pool is None
    pool = pool or SynthesisPool(voice)
    meta = resolved_meta(article)
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
            delivery = deliver_program(program, out, options, meta, voice.id)
    except BaseException:
        if own_pool:
            pool.terminate()
        raise
    return ConvertResult(
        delivery=delivery, chunks=len(article.chunks), seconds=time.monotonic() - started
    )
