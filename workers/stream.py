"""Speech as a stream: chunks synthesized in the pool, stitched and encoded as they finish,
so the first bytes go out while the rest of the text is still being read.

One ffmpeg process per stream takes the stitched PCM on stdin and writes the encoded
stream (a progressive MP3, Ogg Opus, ADTS AAC or FLAC; raw PCM for `wav` and `pcm`) to
stdout. Loudness cannot be measured on a stream before its first byte, so the gain is
fixed per voice (`voice_gain`, measured once and stored beside the optimized model),
followed by the same true-peak limiter the mastered files get.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import struct
import subprocess
import tempfile
import threading
import wave
from collections.abc import Callable, Iterator
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Final

import numpy as np

from voices.calibration import LoudnessCalibration, load_calibration, store_calibration
from voices.catalog import Voice, load_piper_voice
from workers.errors import EncodingError
from workers.ffmpeg import ffmpeg_exe
from workers.loudness import integrated_loudness
from workers.master import INITIAL_CEILING_DBFS, PIPER_RAW_LUFS, TARGET_LUFS_MONO
from workers.pool import SynthesisPool
from workers.stitch import PausePolicy, Stitcher
from workers.synthesis import SynthesisSettings, synthesize_chunk
from workers.text.prepare import prepare_article
from workers.text.segment import Chunk

STREAM_RATE: Final = 24_000
"""Every streamed format is 24 kHz mono, like OpenAI's speech (`pcm` is raw 16-bit
little-endian samples at this rate)."""
STREAM_CHUNK_CHARS: Final = 200
"""Chunks of a stream are about a sentence: the first audio waits for the first chunk."""
STREAM_PAUSES: Final = PausePolicy(lead_in_ms=0)
"""No lead-in: a stream starts with speech."""
READ_BLOCK: Final = 1 << 16
OUTPUT_BLOCKS: Final = 256
"""Encoded blocks waiting for the reader at most: past it, ffmpeg waits, so the stitching
waits, so no more chunks are handed out (a slow client slows its own stream only)."""
STALLED_S: Final = 60.0
"""A stream nobody read from for this long is stopped (its client is gone)."""
CALIBRATION_PASSES: Final = 3
CALIBRATION_AIM_LU: Final = 0.2
CALIBRATION_TEXT: Final = (
    "The city council approved the new budget on Tuesday after a long debate.\n\n"
    "Officials said the plan would add three hundred teachers, repair two bridges and "
    "expand bus service to the northern suburbs by next spring.\n\n"
    'Critics warned that the costs could rise. "We have heard these promises before," '
    "said one resident, who asked the council to publish monthly reports.\n\n"
    "The mayor is expected to sign the budget later this week."
)
"""What a voice reads to be calibrated: news prose, with paragraphs and a quotation."""


class SpeechFormat(StrEnum):
    """The formats of OpenAI's `response_format`."""

    MP3 = "mp3"
    OPUS = "opus"
    AAC = "aac"
    FLAC = "flac"
    WAV = "wav"
    PCM = "pcm"

    @property
    def mime(self) -> str:
        return _MIME[self]


_MIME: Final = {
    SpeechFormat.MP3: "audio/mpeg",
    SpeechFormat.OPUS: "audio/ogg",
    SpeechFormat.AAC: "audio/aac",
    SpeechFormat.FLAC: "audio/flac",
    SpeechFormat.WAV: "audio/wav",
    SpeechFormat.PCM: "audio/pcm",
}

_CODEC_ARGS: Final = {
    # CBR, and no Xing header: on a pipe it could not be filled in at the end.
    SpeechFormat.MP3: ["-c:a", "libmp3lame", "-b:a", "64k", "-write_xing", "0", "-f", "mp3"],
    # Ogg pages of at most 100 ms, so the stream does not wait a second per page.
    SpeechFormat.OPUS: ["-c:a", "libopus", "-b:a", "32k", "-page_duration", "100000", "-f", "ogg"],
    SpeechFormat.AAC: ["-c:a", "aac", "-b:a", "64k", "-f", "adts"],
    SpeechFormat.FLAC: ["-c:a", "flac", "-f", "flac"],
    SpeechFormat.WAV: ["-c:a", "pcm_s16le", "-f", "s16le"],
    SpeechFormat.PCM: ["-c:a", "pcm_s16le", "-f", "s16le"],
}

CODEC_SHIFT_LU: Final = {
    SpeechFormat.MP3: 0.2,
    SpeechFormat.OPUS: 0.1,
    SpeechFormat.AAC: 0.1,
    SpeechFormat.FLAC: 0.0,
    SpeechFormat.WAV: 0.0,
    SpeechFormat.PCM: 0.0,
}
"""How much quieter each codec measures than its input (Piper speech at 24 kHz): added to
the voice's gain, as mastering does for its first pass."""

UNKNOWN_SIZE: Final = 0xFFFFFFFF

FIRST_TAKE_CHARS: Final = 90
"""The first audio waits for the first take: a longer first sentence is read in two
takes, cut at a clause (or before a phrase) so the first one is about this long at most."""
MIN_FIRST_TAKE_CHARS: Final = 30
LEAD_PAUSE_MS: Final = 60
"""The pause between the two takes of a cut first sentence: a breath, not a full stop."""
_CLAUSE_END: Final = re.compile(r"(?<=[,;:—–])\s+")
_PHRASE_START: Final = re.compile(
    r"\s+(?=(?:during|after|before|while|because|with|without|for|from|into|in|on|at|"
    r"by|and|but|or|which|who|that|when|where)\b)",
    re.IGNORECASE,
)


def _cut(spoken: str) -> int | None:
    """Where to cut `spoken` so the first part is short: the last clause end, else the
    last phrase start, within the first take's bounds; None when there is none."""
    for pattern in (_CLAUSE_END, _PHRASE_START):
        cuts = [
            m.start()
            for m in pattern.finditer(spoken, 0, FIRST_TAKE_CHARS)
            if m.start() >= MIN_FIRST_TAKE_CHARS
        ]
        if cuts:
            return cuts[-1]
    return None


def quick_start(chunks: list[Chunk]) -> list[Chunk]:
    """`chunks` with a long first sentence read as two takes, the first one alone in its
    chunk: the first audio of a stream then waits for a short take, not a whole sentence,
    while the second process reads the rest of it."""
    if not chunks:
        return chunks
    first, *others = chunks[0].sentences
    spoken = first.spoken
    cut = _cut(spoken) if len(spoken) > FIRST_TAKE_CHARS else None
    if cut is None:
        return chunks
    head_spoken = spoken[:cut].rstrip()
    if not head_spoken.endswith((",", ";", ":", "—", "–")):
        head_spoken += ","  # the voice keeps its pitch up: more is coming
    head = replace(first, spoken=head_spoken, pause_ms=LEAD_PAUSE_MS)
    tail = replace(first, spoken=spoken[cut:].strip(), text="")
    return [
        Chunk(0, (head,)),
        Chunk(1, (tail, *others)),
        *(replace(chunk, index=chunk.index + 1) for chunk in chunks[1:]),
    ]


def wav_stream_header(sample_rate: int = STREAM_RATE) -> bytes:
    """A 16-bit mono WAV header whose sizes say "unknown" (0xFFFFFFFF), as OpenAI's
    streamed WAV has: readers take the data to the end of the stream."""
    byte_rate = sample_rate * 2
    return (
        b"RIFF"
        + struct.pack("<I", UNKNOWN_SIZE)
        + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, 1, 1, sample_rate, byte_rate, 2, 16)
        + b"data"
        + struct.pack("<I", UNKNOWN_SIZE)
    )


def stream_filters(gain_db: float, ceiling_dbfs: float = INITIAL_CEILING_DBFS) -> str:
    """Fixed gain, resampling to the stream's rate, then the true-peak limiter."""
    limit = 10 ** (ceiling_dbfs / 20)
    return (
        f"volume={gain_db:.3f}dB,aresample={STREAM_RATE},"
        f"alimiter=limit={limit:.5f}:attack=5:release=50:level=false:latency=true"
    )


class StreamEncoder:
    """One ffmpeg process: mono 16-bit PCM in (`feed`), the encoded stream out (`output`).

    A thread drains ffmpeg's stdout into a queue, so feeding never blocks on a reader
    that is not reading; what waits in the queue is compressed audio already made.
    """

    def __init__(self, fmt: SpeechFormat, input_rate: int, gain_db: float) -> None:
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (kept until the stream ends)
        self.process = subprocess.Popen(
            [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error",
             "-f", "s16le", "-ar", str(input_rate), "-ac", "1", "-i", "pipe:0",
             "-af", stream_filters(gain_db + CODEC_SHIFT_LU[fmt]), "-ac", "1",
             "-threads", "1", *_CODEC_ARGS[fmt], "-flush_packets", "1", "pipe:1"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log,
        )  # fmt: skip
        self._out: queue.Queue[bytes | None] = queue.Queue(OUTPUT_BLOCKS)
        self._kill_lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        try:
            while block := os.read(fd, READ_BLOCK):
                self._out.put(block, timeout=STALLED_S)
        except queue.Full:
            self.process.kill()
            with contextlib.suppress(queue.Empty):  # room for the end mark
                self._out.get_nowait()
        self._out.put(None)

    def feed(self, pcm: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(pcm)

    def finish(self) -> None:
        """No more PCM: ffmpeg flushes its encoder and exits."""
        assert self.process.stdin is not None
        with contextlib.suppress(BrokenPipeError):
            self.process.stdin.close()

    def output(self) -> Iterator[bytes]:
        """Encoded bytes as ffmpeg writes them (what is ready is sent together), to the end."""
        ended = False
        while not ended:
            ready: list[bytes] = []
            block = self._out.get()
            while block is not None:
                ready.append(block)
                if sum(map(len, ready)) >= READ_BLOCK:
                    break
                try:
                    block = self._out.get_nowait()
                except queue.Empty:
                    break
            ended = block is None
            if ready:
                yield b"".join(ready)
        if self.process.wait() != 0:
            self._log.seek(0)
            tail = self._log.read().decode(errors="replace").strip().splitlines()[-3:]
            raise EncodingError(f"ffmpeg failed while streaming: {' | '.join(tail)}")

    def kill(self) -> None:
        """Stop ffmpeg and its reader now (from any thread; again is harmless)."""
        with self._kill_lock:
            if self.process.poll() is None:
                self.process.kill()
            self.process.wait()
            with contextlib.suppress(BrokenPipeError, OSError):
                self.finish()
            while self._reader.is_alive():  # it may wait for room for its end mark
                with contextlib.suppress(queue.Empty):
                    self._out.get_nowait()
                self._reader.join(0.05)
            assert self.process.stdout is not None
            self.process.stdout.close()
            self._log.close()


class SpeechStream:
    """The encoded bytes of `chunks` read by `voice`, in order, as they are made.

    Iterate it to get the bytes; `cancel()` (from any thread) stops it: no more chunks are
    handed to the pool, the encoder is killed and the iteration ends. Work left running
    after a cancel is at most the chunks already handed out (`ahead` + 1). `on_end` is
    called once the stream hands out no more work (all of it read, cancelled, or failed).
    """

    def __init__(
        self,
        pool: SynthesisPool,
        voice: Voice,
        chunks: list[Chunk],
        fmt: SpeechFormat,
        gain_db: float,
        synthesis: SynthesisSettings | None = None,
        ahead: int | None = None,
        on_end: Callable[[], None] | None = None,
    ) -> None:
        self.format = fmt
        self._on_end = on_end
        self._chunks = chunks
        self._synthesis = synthesis or SynthesisSettings()
        self._stopped = threading.Event()
        self._failure: BaseException | None = None
        self._encoder = StreamEncoder(fmt, voice.sample_rate, gain_db)
        self._audio = pool.stream(voice, chunks, self._synthesis, ahead or pool.processes)
        # Started now, so synthesis of the first chunk overlaps ffmpeg's start.
        self._producer = threading.Thread(target=self._produce, args=(voice,), daemon=True)
        self._producer.start()

    def _produce(self, voice: Voice) -> None:
        stitcher = Stitcher(
            lambda pcm: self._encoder.feed(pcm.tobytes()),
            voice.sample_rate,
            STREAM_PAUSES,
            self._synthesis.speed,
        )
        try:
            for chunk, audio in zip(self._chunks, self._audio, strict=True):
                if self._stopped.is_set():
                    return
                stitcher.add(chunk, audio)
        except BaseException as exc:  # re-raised by the reading thread
            if not self._stopped.is_set():
                self._failure = exc
        finally:
            self._audio.close()
            self._encoder.finish()
            if self._on_end is not None:
                self._on_end()

    def __iter__(self) -> Iterator[bytes]:
        try:
            if self.format is SpeechFormat.WAV:
                yield wav_stream_header()
            yield from self._encoder.output()
            self._producer.join()
            if self._failure is not None and not self._stopped.is_set():
                raise self._failure
        finally:
            self.cancel()

    def cancel(self) -> None:
        """Stop: nothing more is synthesized or encoded; the iteration ends."""
        self._stopped.set()
        self._encoder.kill()


def _stitched_pcm(voice: Voice, text: str) -> tuple[np.ndarray, int]:
    """`text` read by `voice` and stitched as a stream is (one process, no pool)."""
    piper = load_piper_voice(voice)
    pieces: list[np.ndarray] = []
    stitcher = Stitcher(pieces.append, voice.sample_rate, STREAM_PAUSES)
    for chunk in prepare_article(text, max_chunk_chars=STREAM_CHUNK_CHARS).chunks:
        stitcher.add(chunk, synthesize_chunk(piper, chunk, SynthesisSettings()))
    return np.concatenate(pieces), voice.sample_rate


def calibrate_voice(voice: Voice, target_lufs: float = TARGET_LUFS_MONO) -> LoudnessCalibration:
    """The gain that brings `voice`'s stitched speech, through `stream_filters`, to
    `target_lufs`: read aloud `CALIBRATION_TEXT`, measure after gain and limiter, correct."""
    pcm, rate = _stitched_pcm(voice, CALIBRATION_TEXT)
    gain = target_lufs - PIPER_RAW_LUFS
    with tempfile.TemporaryDirectory(prefix="narrate-calibrate-") as scratch:
        path = Path(scratch) / "calibration.wav"
        with wave.open(str(path), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(rate)
            wav.writeframes(pcm.tobytes())
        for _ in range(CALIBRATION_PASSES):
            measured = integrated_loudness(path, stream_filters(gain))
            if abs(measured - target_lufs) <= CALIBRATION_AIM_LU:
                break
            gain += target_lufs - measured
    return LoudnessCalibration(gain_db=gain, target_lufs=target_lufs, measured_lufs=measured)


def voice_gain(voice: Voice, target_lufs: float = TARGET_LUFS_MONO) -> float:
    """The stream gain of `voice`: stored beside its optimized model, or measured now (once
    per model, runtime and machine) and stored. Runs where the voice is loaded: a pool
    worker (`SynthesisPool.call`)."""
    stored = load_calibration(voice.model_path, target_lufs)
    if stored is None:
        stored = calibrate_voice(voice, target_lufs)
        store_calibration(voice.model_path, stored)
    return stored.gain_db
