"""The chunk-cache key changes with everything that decides a chunk's audio, and only that."""

from __future__ import annotations

from dataclasses import replace

from service.keys import chunk_audio_key
from voices.catalog import VoiceCatalog
from workers.cache import chunk_cache_key
from workers.synthesis import SynthesisSettings
from workers.text.segment import Break, Chunk, Sentence


def chunk(spoken: str, index: int = 0, brk: Break = Break.SENTENCE) -> Chunk:
    return Chunk(index, (Sentence(spoken, spoken, 0, False, brk),))


def test_key_depends_on_what_decides_the_audio() -> None:
    voice = VoiceCatalog.discover().get("en_US-joe-medium")
    base = chunk_cache_key(chunk("Hello there."), voice, SynthesisSettings())
    assert base == chunk_cache_key(chunk("Hello there."), voice, SynthesisSettings())
    assert base != chunk_cache_key(chunk("Hello here."), voice, SynthesisSettings())
    assert base != chunk_cache_key(chunk("Hello there."), voice, SynthesisSettings(speed=1.5))
    assert base != chunk_cache_key(chunk("Hello there."), voice, SynthesisSettings(), "v2")
    other_voice = replace(voice, id="en_US-other-medium")
    assert base != chunk_cache_key(chunk("Hello there."), other_voice, SynthesisSettings())


def test_key_ignores_position_and_pauses() -> None:
    voice = VoiceCatalog.discover().get("en_US-joe-medium")
    a = chunk_cache_key(chunk("Hello there.", 0, Break.SENTENCE), voice, SynthesisSettings())
    b = chunk_cache_key(chunk("Hello there.", 7, Break.PARAGRAPH), voice, SynthesisSettings())
    assert a == b
    assert chunk_audio_key(a) == f"chunks/{a[:2]}/{a}.wav"
