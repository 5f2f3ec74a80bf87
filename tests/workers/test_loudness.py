"""ffmpeg's loudness figures agree with pyloudnorm, on programs and on delivered files."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from tests.audio import pyloudnorm_lufs
from workers.loudness import integrated_loudness, measure_file, probe_stream
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
def test_quick_meter_matches_pyloudnorm(tmp_path: Path, rate: int) -> None:
    signal = _speechlike(rate, 20.0)
    _write_wav(tmp_path / "s.wav", signal, rate)
    assert integrated_loudness(tmp_path / "s.wav") == pytest.approx(
        pyloudnorm_lufs(signal, rate), abs=0.15
    )


def test_silence_is_minus_infinity(tmp_path: Path) -> None:
    _write_wav(tmp_path / "quiet.wav", np.zeros(22050 * 2), 22050)
    assert integrated_loudness(tmp_path / "quiet.wav") == float("-inf")


def test_filters_apply_before_measuring(tmp_path: Path) -> None:
    signal = _speechlike(22050, 10.0, seed=2) * 0.3
    _write_wav(tmp_path / "s.wav", signal, 22050)
    plain = integrated_loudness(tmp_path / "s.wav")
    assert integrated_loudness(tmp_path / "s.wav", "volume=6dB") == pytest.approx(
        plain + 6, abs=0.1
    )


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
    program = Program(path, rate, len(signal), [])
    report = master_program(program, tmp_path / f"out.{fmt.value}", fmt)
    after = measure_file(tmp_path / f"out.{fmt.value}")
    assert report.measurement.integrated_lufs == pytest.approx(after.integrated_lufs, abs=0.1)
    assert report.measurement.true_peak_dbtp == pytest.approx(after.true_peak_dbtp, abs=0.1)
    assert abs(after.integrated_lufs - TARGET_LUFS_MONO) <= AIM_TOLERANCE_LU + 0.1


def test_program_metered_while_written_matches_the_file(tmp_path: Path) -> None:
    """The dry-run loudness taken as the program is stitched is the file's own figure."""
    from workers.master import dry_run_filters
    from workers.stitch import ProgramWriter
    from workers.synthesis import ChunkAudio
    from workers.text.segment import Block, BlockKind, segment_blocks

    rate = 22050
    chunks = segment_blocks([Block(BlockKind.PARAGRAPH, f"Sentence {i}.") for i in range(6)])
    writer = ProgramWriter(tmp_path / "p.wav", rate, meter_filters=dry_run_filters())
    for chunk in chunks:
        take = (_speechlike(rate, 3.0, seed=chunk.index) * 0.2 * 32767).astype(np.int16)
        writer.add(chunk, ChunkAudio(chunk.index, rate, (take,)))
    program = writer.close()
    assert program.metered is not None and program.metered[0] == dry_run_filters()
    from_file = integrated_loudness(program.path, dry_run_filters())
    assert program.metered[1] == pytest.approx(from_file, abs=0.05)


def test_aborted_program_stops_its_meter(tmp_path: Path) -> None:
    from workers.stitch import ProgramWriter

    writer = ProgramWriter(tmp_path / "p.wav", 22050, meter_filters="volume=1dB")
    meter = writer._meter
    assert meter is not None
    writer.abort()
    assert meter._process.poll() is not None
