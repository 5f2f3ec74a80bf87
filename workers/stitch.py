"""Stitching takes into one program on disk: pauses, fades at joins, sentence and word
timings, and the article's text that their character offsets point into."""

from __future__ import annotations

import wave
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import numpy as np

from workers.alignment import SpokenWord
from workers.loudness import StreamingMeter
from workers.synthesis import ChunkAudio
from workers.text.segment import Break, Chunk, Sentence
from workers.words import map_words

DEFAULT_SENTENCE_PAUSE_MS: Final = 350
DEFAULT_PARAGRAPH_PAUSE_MS: Final = 750
DEFAULT_HEADING_PAUSE_MS: Final = 1000
DEFAULT_LEAD_IN_MS: Final = 250
DEFAULT_TAIL_MS: Final = 600
FADE_MS: Final = 8
"""Fade in and out of every take: a join between two takes never clicks."""


@dataclass(frozen=True)
class PausePolicy:
    """Silence between takes, in milliseconds at speed 1 (scaled by 1/speed)."""

    sentence_ms: int = DEFAULT_SENTENCE_PAUSE_MS
    paragraph_ms: int = DEFAULT_PARAGRAPH_PAUSE_MS
    heading_ms: int = DEFAULT_HEADING_PAUSE_MS
    lead_in_ms: int = DEFAULT_LEAD_IN_MS
    tail_ms: int = DEFAULT_TAIL_MS

    def after(self, brk: Break) -> int:
        return {
            Break.SENTENCE: self.sentence_ms,
            Break.PARAGRAPH: self.paragraph_ms,
            Break.HEADING: self.heading_ms,
            Break.END: self.tail_ms,
        }[brk]

    @property
    def longest_ms(self) -> int:
        return max(
            self.sentence_ms, self.paragraph_ms, self.heading_ms, self.lead_in_ms, self.tail_ms
        )


@dataclass(frozen=True)
class SentenceTiming:
    """Where one sentence is spoken in the final file, in seconds."""

    index: int
    start: float
    end: float
    text: str
    heading: bool
    block: int
    disclosure: bool = False
    """The spoken AI disclosure, not the article's (index -1: not highlighted)."""
    char_start: int = 0
    """Offset of the sentence in the article's text (`Program.text`)."""
    char_end: int = 0

    def as_dict(self) -> dict[str, object]:
        entry: dict[str, object] = {
            "index": self.index,
            "start": round(self.start, 3),
            "end": round(self.end, 3),
            "text": self.text,
            "heading": self.heading,
            "block": self.block,
            "char_start": self.char_start,
            "char_end": self.char_end,
        }
        if self.disclosure:
            entry["disclosure"] = True
        return entry


@dataclass(frozen=True)
class WordTiming:
    """Where one word of the article, as written, is spoken in the final file."""

    start: float
    end: float
    text: str
    """The word (or expression: "$1.5 billion") as written."""
    spoken: str
    """The words the voice says for it."""
    char_start: int
    """Offset of `text` in the article's text (`Program.text`)."""
    char_end: int
    sentence: int
    """Index of its sentence."""

    def as_dict(self) -> dict[str, object]:
        return {
            "start": round(self.start, 3),
            "end": round(self.end, 3),
            "text": self.text,
            "spoken": self.spoken,
            "char_start": self.char_start,
            "char_end": self.char_end,
            "sentence": self.sentence,
        }


BLOCK_SEPARATOR: Final = "\n\n"
SENTENCE_SEPARATOR: Final = " "
"""The article's text is its sentences as written: blocks apart by a blank line,
sentences of one block by a space."""


@dataclass
class Program:
    """The stitched, unmastered program: a mono 16-bit WAV on disk and what we know of it."""

    path: Path
    sample_rate: int
    frames: int
    timings: list[SentenceTiming]
    words: list[WordTiming] = field(default_factory=list)
    text: str = ""
    """The article's text as spoken, which the timings' character offsets point into."""
    metered: tuple[str, float] | None = None
    """(filters, integrated LUFS after them), measured while the program was written."""

    @property
    def duration(self) -> float:
        return self.frames / self.sample_rate


class Stitcher:
    """Turns chunks, in order, into one stream of mono 16-bit PCM: takes faded at both ends,
    pauses between them, sentence timings. Each piece goes to `sink` as it is made (a WAV
    file for a program; an encoder for a stream); nothing but the current chunk is held."""

    def __init__(
        self,
        sink: Callable[[np.ndarray], None],
        sample_rate: int,
        policy: PausePolicy | None = None,
        speed: float = 1.0,
    ) -> None:
        self.sink = sink
        self.sample_rate = sample_rate
        self.policy = policy or PausePolicy()
        self.speed = speed
        self.frames = 0
        self.timings: list[SentenceTiming] = []
        self.words: list[WordTiming] = []
        self._text: list[str] = []
        self._text_length = 0
        self._next_chunk = 0
        self._write_silence(self.policy.lead_in_ms)

    @property
    def text(self) -> str:
        """The article's text as spoken, which the timings' character offsets point into."""
        return "".join(self._text)

    def _write(self, pcm: np.ndarray) -> None:
        self.sink(pcm)
        self.frames += len(pcm)

    def _write_silence(self, ms: float) -> None:
        self._write(np.zeros(round(self.sample_rate * ms / self.speed / 1000), dtype=np.int16))

    def add(self, chunk: Chunk, audio: ChunkAudio) -> None:
        """Append the next chunk (chunks must come in order)."""
        if chunk.index != self._next_chunk or audio.index != chunk.index:
            raise ValueError(f"chunk {audio.index} arrived, expected {self._next_chunk}")
        if audio.sample_rate != self.sample_rate:
            raise ValueError("every chunk of a program must have the same sample rate")
        self._next_chunk += 1
        words = audio.words or tuple(() for _ in audio.takes)
        for sentence, take, spoken in zip(chunk.sentences, audio.takes, words, strict=True):
            start = self.frames
            self._write(faded(take, self.sample_rate))
            char_start = self._add_text(sentence)
            self.timings.append(
                SentenceTiming(
                    index=len(self.timings),
                    start=start / self.sample_rate,
                    end=self.frames / self.sample_rate,
                    text=sentence.text,
                    heading=sentence.heading,
                    block=sentence.block,
                    char_start=char_start,
                    char_end=char_start + len(sentence.text),
                )
            )
            self._add_words(sentence.text, spoken, start, char_start)
            pause = sentence.pause_ms
            self._write_silence(self.policy.after(sentence.break_after) if pause is None else pause)

    def _add_text(self, sentence: Sentence) -> int:
        """Append the sentence to the article's text; its offset there."""
        if self.timings:
            same_block = self.timings[-1].block == sentence.block
            separator = SENTENCE_SEPARATOR if same_block else BLOCK_SEPARATOR
            self._text.append(separator)
            self._text_length += len(separator)
        start = self._text_length
        self._text.append(sentence.text)
        self._text_length += len(sentence.text)
        return start

    def _add_words(
        self, text: str, spoken: Sequence[SpokenWord], take_start: int, char_start: int
    ) -> None:
        """Word timings of the sentence just added, whose take begins at `take_start`."""
        rate = self.sample_rate
        for span in map_words(text, [w.text for w in spoken]):
            said = spoken[span.spoken[0] : span.spoken[1]]
            self.words.append(
                WordTiming(
                    start=(take_start + said[0].start) / rate,
                    end=(take_start + max(said[-1].end, said[0].start)) / rate,
                    text=text[span.start : span.end],
                    spoken=" ".join(w.text for w in said),
                    char_start=char_start + span.start,
                    char_end=char_start + span.end,
                    sentence=len(self.timings) - 1,
                )
            )


def faded(take: np.ndarray, sample_rate: int) -> np.ndarray:
    """`take` with a linear `FADE_MS` fade in and out (shorter for a very short take), so a
    join never clicks."""
    fade = min(round(sample_rate * FADE_MS / 1000), len(take) // 2)
    if fade == 0:
        return take
    ramp = np.arange(fade, dtype=np.float32) / fade
    out = take.astype(np.float32)
    out[:fade] *= ramp
    out[-fade:] *= ramp[::-1]
    return np.round(out).astype(np.int16)


@dataclass
class ProgramWriter:
    """Appends chunks in order to a WAV file; nothing but the current chunk is held in memory."""

    path: Path
    sample_rate: int
    policy: PausePolicy = field(default_factory=PausePolicy)
    speed: float = 1.0
    meter_filters: str | None = None
    """When set, the program is measured after these ffmpeg filters as it is written
    (mastering passes its dry-run chain, so it need not read the file again)."""

    def __post_init__(self) -> None:
        self._wav = wave.open(str(self.path), "wb")  # noqa: SIM115 (open across add() calls)
        self._wav.setnchannels(1)
        self._wav.setsampwidth(2)
        self._wav.setframerate(self.sample_rate)
        self._meter = (
            None
            if self.meter_filters is None
            else StreamingMeter(self.sample_rate, self.meter_filters)
        )
        self._stitcher = Stitcher(self._write, self.sample_rate, self.policy, self.speed)

    def _write(self, pcm: np.ndarray) -> None:
        data = pcm.tobytes()
        self._wav.writeframes(data)
        if self._meter:
            self._meter.feed(data)

    def add(self, chunk: Chunk, audio: ChunkAudio) -> None:
        """Append the next chunk (chunks must come in order)."""
        self._stitcher.add(chunk, audio)

    def close(self) -> Program:
        self._wav.close()
        metered = None
        if self._meter and self.meter_filters is not None:
            metered = (self.meter_filters, self._meter.result())
        return Program(
            path=self.path,
            sample_rate=self.sample_rate,
            frames=self._stitcher.frames,
            timings=self._stitcher.timings,
            words=self._stitcher.words,
            text=self._stitcher.text,
            metered=metered,
        )

    def abort(self) -> None:
        """Give up on the program (an error upstream): stop the meter, close the file."""
        if self._meter:
            self._meter.abort()
        self._wav.close()
