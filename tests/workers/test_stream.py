"""The streaming engine's pieces: the quick first take, the WAV header of unknown length,
the per-voice loudness calibration kept beside the optimized model, plain text read as is."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from voices.calibration import (
    LoudnessCalibration,
    calibration_path,
    load_calibration,
    store_calibration,
)
from voices.catalog import load_piper_voice, packaged_voice
from workers.ffmpeg import ffmpeg_exe
from workers.stream import (
    FIRST_TAKE_CHARS,
    STREAM_CHUNK_CHARS,
    quick_start,
    voice_gain,
    wav_stream_header,
)
from workers.text.prepare import prepare_article

FIXTURE_FIRST_SENTENCE = (
    "The U.S. and Ukraine will sign a long-awaited bilateral security agreement on "
    "June 13 during the Group of Seven (G7) summit in Italy, Jake Sullivan said."
)
words = st.text(alphabet="abcdefghij", min_size=1, max_size=9)
clauses = st.lists(words, min_size=1, max_size=12).map(" ".join)
sentences = st.lists(clauses, min_size=1, max_size=6).map(", ".join).map(lambda s: s + ".")


@settings(max_examples=60, deadline=None)
@given(st.lists(sentences, min_size=1, max_size=4))
@example([FIXTURE_FIRST_SENTENCE])
def test_quick_start_keeps_every_word_in_order(paragraph: list[str]) -> None:
    chunks = prepare_article(" ".join(paragraph), max_chunk_chars=STREAM_CHUNK_CHARS).chunks
    started = quick_start(chunks)
    assert [c.index for c in started] == list(range(len(started)))
    spoken = [s.spoken for c in chunks for s in c.sentences]
    respoken = [s.spoken for c in started for s in c.sentences]
    assert " ".join(respoken).replace(",", "").split() == " ".join(spoken).replace(",", "").split()
    first = started[0].sentences
    if len(started) > len(chunks):  # the first sentence was cut: its head is short, alone
        assert len(first) == 1 and len(first[0].spoken) <= FIRST_TAKE_CHARS + 1
    else:
        assert started == chunks


def test_the_wav_header_of_unknown_length_decodes(tmp_path: Path) -> None:
    """ffmpeg (an independent reader) takes the samples to the end of the stream."""
    samples = bytes(range(256)) * 240  # 0.64 s of 16-bit mono at 24 kHz
    path = tmp_path / "stream.wav"
    path.write_bytes(wav_stream_header() + samples)
    decoded = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "s16le", "-"],
        capture_output=True,
        check=True,
    ).stdout
    assert decoded == samples


def test_plain_text_is_read_as_it_is_without_extraction() -> None:
    page = "Subscribe to our newsletter\nShare this\n\nThe bridge reopened on Friday.\n"
    kept = prepare_article(page, extract=False).chunks
    assert "Subscribe" in " ".join(c.spoken for c in kept)
    assert "Subscribe" not in " ".join(c.spoken for c in prepare_article(page).chunks)


@pytest.mark.slow
def test_the_calibration_is_measured_once_and_kept_beside_the_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    voice = packaged_voice()
    load_piper_voice(voice)  # from the machine's model cache (an empty one would rebuild it)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert load_calibration(voice.model_path, -19.0) is None
    gain = voice_gain(voice)
    stored = json.loads(calibration_path(voice.model_path).read_text())
    assert stored["gain_db"] == gain
    assert abs(stored["measured_lufs"] - -19.0) <= 0.5
    # The stored figure is what later loads use (a marked value proves it is read back).
    store_calibration(voice.model_path, LoudnessCalibration(1.25, -19.0, -19.0))
    assert voice_gain(voice) == 1.25
    assert calibration_path(voice.model_path).parent == tmp_path / "narrate" / "onnx"
