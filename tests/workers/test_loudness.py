"""The streaming loudness meter agrees with pyloudnorm and with ffmpeg's ebur128."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from tests.audio import pyloudnorm_lufs
from workers.loudness import LoudnessMeter, measure_file, probe_stream
from workers.master import AIM_TOLERANCE_LU, TARGET_LUFS_MONO, AudioFormat, master_program
from workers.stitch import Program


def _speechlike(rate: int, seconds: float, seed: int = 1) -> np.ndarray:
    """Noise bursts with gaps: loud and quiet blocks, so both gates matter."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(rate * seconds)) / rate
    envelope = (np.sin(2 * np.pi * 0.7 * t) > -0.2) * (
        0.2 + 0.3 * (np.sin(2 * np.pi * 0.13 * t) + 1)
    )
    tone = np.sin(2 * np.pi * 220 * t) * 0.3 + rng.normal(0, 0.15, t.size)
    return np.clip(tone * envelope, -1, 1)


def _write_wav(path: Path, signal: np.ndarray, rate: int) -> None:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes((signal * 32767).astype(np.int16).tobytes())


@pytest.mark.parametrize("rate", [22050, 44100])
def test_streaming_meter_matches_pyloudnorm(rate: int) -> None:
    signal = _speechlike(rate, 20.0)
    meter = LoudnessMeter(rate)
    for piece in np.array_split(signal, 37):  # uneven pieces exercise the carried state
        meter.feed(piece)
    assert meter.integrated() == pytest.approx(pyloudnorm_lufs(signal, rate), abs=0.05)


def test_silence_is_minus_infinity() -> None:
    meter = LoudnessMeter(22050)
    meter.feed(np.zeros(22050 * 2))
    assert meter.integrated() == float("-inf")


def test_ffmpeg_measure_agrees(tmp_path: Path) -> None:
    rate = 44100
    signal = _speechlike(rate, 15.0, seed=3)
    path = tmp_path / "s.wav"
    _write_wav(path, signal, rate)
    measured = measure_file(path)
    assert measured.integrated_lufs == pytest.approx(pyloudnorm_lufs(signal, rate), abs=0.3)
    assert probe_stream(path) == (rate, 1)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", list(AudioFormat))
def test_measured_while_written_equals_measured_after(tmp_path: Path, fmt: AudioFormat) -> None:
    """MP3 and Ogg are measured as the encoder writes them: the figures must be the
    file's own, as a separate measurement of the finished file gives them."""
    rate = 22050
    path = tmp_path / "program.wav"
    signal = _speechlike(rate, 30.0, seed=5) * 0.25
    _write_wav(path, signal, rate)
    meter = LoudnessMeter(rate)
    meter.feed(signal)
    program = Program(path, rate, len(signal), [], meter.integrated(), float(abs(signal).max()))
    report = master_program(program, tmp_path / f"out.{fmt.value}", fmt)
    after = measure_file(tmp_path / f"out.{fmt.value}")
    assert report.measurement.integrated_lufs == pytest.approx(after.integrated_lufs, abs=0.1)
    assert report.measurement.true_peak_dbtp == pytest.approx(after.true_peak_dbtp, abs=0.1)
    assert abs(after.integrated_lufs - TARGET_LUFS_MONO) <= AIM_TOLERANCE_LU + 0.1
