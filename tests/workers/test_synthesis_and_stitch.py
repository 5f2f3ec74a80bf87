"""Real Piper takes, stitched: pauses by policy, fades at joins, order kept by the pool."""

from __future__ import annotations

import itertools
import wave
from pathlib import Path

import numpy as np
import pytest

from voices.catalog import VoiceCatalog, load_piper_voice
from workers.pipeline import ConvertOptions, stitch_program
from workers.pool import SynthesisPool
from workers.stitch import FADE_MS, PausePolicy
from workers.synthesis import ChunkAudio, SynthesisSettings, synthesize_chunk, synthesize_sentence
from workers.text.prepare import prepare_article

pytestmark = pytest.mark.slow

TEXT = (
    "# A short heading\n\n"
    "Dr. Ada Lindqvist spoke first. Then the mayor spoke.\n\nThe end came soon."
)


@pytest.fixture(scope="module")
def voice():  # type: ignore[no-untyped-def]
    return VoiceCatalog.discover().get("en_US-joe-medium")


def test_raw_takes_are_not_peak_normalized(voice) -> None:  # type: ignore[no-untyped-def]
    piper = load_piper_voice(voice)
    take = synthesize_sentence(
        piper, "A plain sentence at the voice's own level.", SynthesisSettings()
    )
    peak = float(np.abs(take).max())
    assert 0.05 < peak < 0.999  # Piper's normalize_audio would make this exactly 1.0


def test_abbreviation_is_one_take_without_inner_pause(voice) -> None:  # type: ignore[no-untyped-def]
    piper = load_piper_voice(voice)
    assert len(piper.phonemize("Dr. Smith arrived.")) == 2  # espeak alone would split here
    take = synthesize_sentence(piper, "Dr. Smith arrived.", SynthesisSettings())
    rate = piper.config.sample_rate
    frames = take[: len(take) // (rate // 100) * (rate // 100)].reshape(-1, rate // 100)
    quiet = np.abs(frames).max(axis=1) < 10 ** (-50 / 20)
    inner = quiet[np.argmax(~quiet) : len(quiet) - np.argmax(~quiet[::-1])]
    longest, run = 0, 0
    for q in inner:
        run = run + 1 if q else 0
        longest = max(longest, run)
    assert longest * 10 < 150  # no sentence-length pause inside the take (ms)


def test_speed_changes_length(voice) -> None:  # type: ignore[no-untyped-def]
    piper = load_piper_voice(voice)
    # Long enough that Piper's random phoneme durations average out.
    text = "How fast can this whole sentence be said, from its first word to its very last one?"
    normal = synthesize_sentence(piper, text, SynthesisSettings(speed=1.0))
    fast = synthesize_sentence(piper, text, SynthesisSettings(speed=2.0))
    # Not exactly half: VITS rounds every phoneme's duration up to whole frames.
    assert 0.5 < len(fast) / len(normal) < 0.75


def test_voice_loaded_once_with_one_thread(voice) -> None:  # type: ignore[no-untyped-def]
    first = load_piper_voice(voice)
    assert load_piper_voice(voice) is first
    assert first.session.get_session_options().intra_op_num_threads == 1


def test_chunk_audio_roundtrip(voice, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    chunk = prepare_article(TEXT).chunks[1]
    audio = synthesize_chunk(load_piper_voice(voice), chunk, SynthesisSettings())
    audio.write(tmp_path / "c.wav")
    back = ChunkAudio.read(tmp_path / "c.wav", chunk.index)
    assert [len(t) for t in back.takes] == [len(t) for t in audio.takes]
    assert all(np.array_equal(a, b) for a, b in zip(back.takes, audio.takes, strict=True))


def test_pool_keeps_order_and_policy_pauses(voice, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    article = prepare_article(TEXT, max_chunk_chars=20)  # one sentence a chunk
    policy = PausePolicy()
    with SynthesisPool(voice, processes=2) as pool:
        program = stitch_program(
            article.chunks,
            pool.synthesize(voice, article.chunks, SynthesisSettings()),
            tmp_path / "p.wav",
            voice.sample_rate,
            ConvertOptions(pauses=policy),
        )
    texts = [t.text for t in program.timings]
    assert texts == [s.text for c in article.chunks for s in c.sentences]
    gaps = [b.start - a.end for a, b in itertools.pairwise(program.timings)]
    breaks = [s.break_after for c in article.chunks for s in c.sentences][:-1]
    for gap, brk in zip(gaps, breaks, strict=True):
        assert gap == pytest.approx(policy.after(brk) / 1000, abs=0.002)
    with wave.open(str(program.path)) as wav:
        pcm = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
    fade = int(voice.sample_rate * FADE_MS / 1000)
    for t in program.timings:  # every join starts and ends at (near) zero: no clicks
        start, end = int(round(t.start * voice.sample_rate)), int(round(t.end * voice.sample_rate))
        assert abs(int(pcm[start])) < 200 and abs(int(pcm[end - 1])) < 200
        assert np.abs(pcm[start : start + fade // 4]).max() < np.abs(pcm[start:end]).max() / 2


def test_pool_loads_the_voice_a_task_asks_for(voice, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Started with nothing preloaded, the workers load the voice of the first task."""
    article = prepare_article(TEXT)
    with SynthesisPool(None, processes=1) as pool:
        audio = list(pool.synthesize(voice, article.chunks, SynthesisSettings()))
    assert [a.index for a in audio] == [c.index for c in article.chunks]
    assert all(a.sample_rate == voice.sample_rate and a.frames > 0 for a in audio)
