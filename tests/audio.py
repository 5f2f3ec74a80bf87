"""Decoding delivered files and measuring them independently of the engine's own meter."""

from __future__ import annotations

import math
import subprocess
from pathlib import Path

import numpy as np

from workers.ffmpeg import ffmpeg_exe
from workers.loudness import probe_stream


def decode_to_pcm(path: Path, sample_rate: int | None = None) -> tuple[bytes, int, int]:
    """Decode any file ffmpeg reads to interleaved 16-bit PCM: (bytes, rate, channels)."""
    rate, channels = probe_stream(path)
    args = ["-v", "error", "-i", str(path), "-f", "s16le", "-acodec", "pcm_s16le"]
    if sample_rate:
        args += ["-ar", str(sample_rate)]
        rate = sample_rate
    result = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", *args, "-"], capture_output=True, check=False
    )
    assert result.returncode == 0, f"ffmpeg could not decode {path}"
    return result.stdout, rate, channels


def decode_mono(path: Path) -> tuple[np.ndarray, int]:
    """Float samples of the first channel and the sample rate, decoded by ffmpeg."""
    raw, rate, channels = decode_to_pcm(path)
    samples = np.frombuffer(raw, dtype=np.int16).reshape(-1, channels)[:, 0]
    return samples.astype(np.float64) / 32768.0, rate


def pyloudnorm_lufs(samples: np.ndarray, rate: int) -> float:
    import pyloudnorm

    return float(pyloudnorm.Meter(rate).integrated_loudness(samples))


def true_peak_dbtp(samples: np.ndarray) -> float:
    """Peak of the 4× oversampled signal (BS.1770 true peak), in dBTP."""
    from scipy.signal import resample_poly

    peak = float(np.max(np.abs(resample_poly(samples, 4, 1))))
    return 20 * math.log10(peak) if peak > 0 else -math.inf


def silent_runs(samples: np.ndarray, rate: int, threshold_dbfs: float = -50.0) -> list[float]:
    """Lengths in seconds of every run of samples below the threshold (10 ms windows)."""
    window = rate // 100
    frames = samples[: len(samples) // window * window].reshape(-1, window)
    quiet = np.max(np.abs(frames), axis=1) < 10 ** (threshold_dbfs / 20)
    runs, current = [], 0
    for q in quiet:
        if q:
            current += 1
        elif current:
            runs.append(current / 100)
            current = 0
    if current:
        runs.append(current / 100)
    return runs
