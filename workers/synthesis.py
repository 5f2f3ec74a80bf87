"""Synthesis of one chunk with Piper: one take per sentence, raw (unnormalized) levels,
with where each spoken word lies in it (`workers.alignment`)."""

from __future__ import annotations

import io
import itertools
import json
import wave
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Final

import numpy as np

from workers.alignment import (
    SpokenWord,
    phoneme_offsets,
    spoken_words,
    word_phoneme_spans,
    words_in_take,
)
from workers.errors import InputError, SynthesisError
from workers.text.segment import Chunk

if TYPE_CHECKING:
    from piper import PiperVoice

    from voices.catalog import Voice

MIN_SPEED: Final = 0.5
MAX_SPEED: Final = 2.0
EDGE_SILENCE_DBFS: Final = -50.0
"""Piper pads each take with a little near-silence; it is trimmed to this level so the
pause policy alone decides the gaps between sentences."""
EDGE_KEEP_MS: Final = 15
"""Audio kept beyond the first/last sound, so soft onsets are not cut."""


@dataclass(frozen=True)
class SynthesisSettings:
    """What, besides the text, decides a chunk's audio (part of the cache key)."""

    speed: float = 1.0
    """Speaking rate: 2.0 is twice as fast. Piper's length scale is 1/speed."""

    speaker_id: int | None = None

    def __post_init__(self) -> None:
        if not MIN_SPEED <= self.speed <= MAX_SPEED:
            raise InputError(f"speed must be between {MIN_SPEED} and {MAX_SPEED}, got {self.speed}")

    @property
    def length_scale(self) -> float:
        return 1.0 / self.speed

    def for_voice(self, voice: Voice) -> SynthesisSettings:
        """These settings with the speaker `voice` names (one speaker of a multi-speaker
        model); unchanged for single-speaker voices."""
        if voice.speaker_id is None:
            return self
        return replace(self, speaker_id=voice.speaker_id)

    def cache_token(self) -> str:
        return json.dumps({"speed": round(self.speed, 4), "speaker": self.speaker_id})


@dataclass(frozen=True)
class ChunkAudio:
    """The takes of one chunk: mono 16-bit PCM, one array per sentence, trimmed."""

    index: int
    sample_rate: int
    takes: tuple[np.ndarray, ...]
    words: tuple[tuple[SpokenWord, ...], ...] = ()
    """For each take, its spoken words with their sample spans in it (empty when unknown)."""

    sample_width: int = 2
    channels: int = 1

    @property
    def frames(self) -> int:
        return sum(len(t) for t in self.takes)

    def write(self, path: Path) -> None:
        """Store as a WAV of all takes back to back, with the take lengths and the words'
        spans in a sidecar."""
        tmp = path.with_name(path.name + ".part")
        with wave.open(str(tmp), "wb") as wav:
            wav.setnchannels(self.channels)
            wav.setsampwidth(self.sample_width)
            wav.setframerate(self.sample_rate)
            for take in self.takes:
                wav.writeframes(take.tobytes())
        sidecar = {
            "lengths": [len(t) for t in self.takes],
            "words": [[w.as_list() for w in take] for take in self.words],
        }
        Path(f"{path}.json").write_text(json.dumps(sidecar, ensure_ascii=False))
        tmp.replace(path)

    @classmethod
    def read(cls, path: Path, index: int) -> ChunkAudio:
        return cls.from_bytes(path.read_bytes(), Path(f"{path}.json").read_bytes(), index)

    @classmethod
    def from_bytes(cls, wav_bytes: bytes, sidecar_bytes: bytes, index: int) -> ChunkAudio:
        """From the WAV and sidecar `write` made, as read from any storage."""
        sidecar = json.loads(sidecar_bytes)
        if isinstance(sidecar, list):  # written before words were kept: lengths only
            sidecar = {"lengths": sidecar, "words": []}
        lengths = sidecar["lengths"]
        words = tuple(tuple(SpokenWord.from_list(w) for w in take) for take in sidecar["words"])
        with wave.open(io.BytesIO(wav_bytes), "rb") as wav:
            rate = wav.getframerate()
            data = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
        bounds = np.cumsum([0, *lengths])
        takes = tuple(data[a:b] for a, b in itertools.pairwise(bounds))
        return cls(index=index, sample_rate=rate, takes=takes, words=words)


@dataclass(frozen=True)
class Take:
    """One sentence as synthesized: float32 samples in [-1, 1] and its spoken words."""

    audio: np.ndarray
    words: tuple[SpokenWord, ...]


def synthesize_sentence(voice: PiperVoice, text: str, settings: SynthesisSettings) -> np.ndarray:
    """One take of one sentence as float32 in [-1, 1], at Piper's raw level."""
    return synthesize_take(voice, text, settings).audio


def synthesize_take(voice: PiperVoice, text: str, settings: SynthesisSettings) -> Take:
    """One take of one sentence at Piper's raw level, with where each word of `text` is.

    espeak-ng would split the sentence again at its own idea of a full stop ("Dr.",
    "U.S."), and Piper would render each part as a separate utterance; our segmenter
    has already decided the sentence, so its phonemes are synthesized as one take.
    The model's alignment output (samples per phoneme id) places the words.
    """
    from piper import SynthesisConfig

    config = SynthesisConfig(
        normalize_audio=False,
        length_scale=settings.length_scale,
        speaker_id=settings.speaker_id,
    )
    phonemes = _flat_phonemes(voice, text)
    if not phonemes:
        return Take(np.zeros(0, dtype=np.float32), ())
    try:
        result = voice.phoneme_ids_to_audio(
            voice.phonemes_to_ids(phonemes), config, include_alignments=True
        )
    except Exception as exc:  # onnxruntime raises its own untyped errors
        raise SynthesisError(f"Piper failed on {text[:60]!r}: {exc}") from exc
    assert isinstance(result, tuple)
    audio, id_samples = result
    audio = np.clip(np.asarray(audio, dtype=np.float32).reshape(-1), -1.0, 1.0)
    words = spoken_words(text)
    spans = word_phoneme_spans(phonemes, words, lambda w: _flat_phonemes(voice, w))
    offsets = phoneme_offsets(
        phonemes,
        voice.config.phoneme_id_map,
        None if id_samples is None else np.atleast_1d(id_samples).tolist(),
        len(audio),
    )
    return Take(audio, tuple(words_in_take(words, spans, offsets, phonemes)))


def _flat_phonemes(voice: PiperVoice, text: str) -> list[str]:
    """espeak's phonemes of `text`, its sentences joined by a space (one utterance)."""
    return [p for part in voice.phonemize(text) for p in [*part, " "]][:-1]


def edge_bounds(audio: np.ndarray, sample_rate: int) -> tuple[int, int]:
    """Where the take is cut: near-silence at both ends goes, a few milliseconds kept."""
    threshold = 10 ** (EDGE_SILENCE_DBFS / 20)
    loud = np.flatnonzero(np.abs(audio) > threshold)
    if loud.size == 0:
        return 0, 0
    keep = int(sample_rate * EDGE_KEEP_MS / 1000)
    return max(0, int(loud[0]) - keep), min(len(audio), int(loud[-1]) + keep + 1)


def trimmed_take(take: Take, sample_rate: int) -> tuple[np.ndarray, tuple[SpokenWord, ...]]:
    """The take cut by `edge_bounds` as 16-bit PCM, its words moved with the cut."""
    start, end = edge_bounds(take.audio, sample_rate)
    words = tuple(
        SpokenWord(
            w.text,
            min(max(w.start - start, 0), end - start),
            min(max(w.end - start, 0), end - start),
        )
        for w in take.words
    )
    return to_pcm16(take.audio[start:end]), words


def to_pcm16(audio: np.ndarray) -> np.ndarray:
    return np.round(np.clip(audio, -1.0, 1.0) * 32767).astype(np.int16)


def synthesize_chunk(voice: PiperVoice, chunk: Chunk, settings: SynthesisSettings) -> ChunkAudio:
    """Every sentence of `chunk` as a trimmed 16-bit take, with its words' spans."""
    rate = voice.config.sample_rate
    cut = [trimmed_take(synthesize_take(voice, s.spoken, settings), rate) for s in chunk.sentences]
    return ChunkAudio(
        index=chunk.index,
        sample_rate=rate,
        takes=tuple(pcm for pcm, _ in cut),
        words=tuple(words for _, words in cut),
    )
