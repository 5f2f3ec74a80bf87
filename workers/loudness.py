"""Loudness per ITU-R BS.1770 / EBU R128: a streaming meter, and ffmpeg's meter on files."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np

from workers.errors import EncodingError
from workers.ffmpeg import run_ffmpeg

BLOCK_S: Final = 0.4
STEP_S: Final = 0.1
ABSOLUTE_GATE_LUFS: Final = -70.0
RELATIVE_GATE_LU: Final = -10.0


class LoudnessMeter:
    """Integrated loudness of a mono signal fed piece by piece (constant memory).

    K-weighting filters keep their state across pieces; 100 ms sub-block energies
    are combined into 400 ms blocks with 75 % overlap, then gated (BS.1770-4).
    """

    def __init__(self, sample_rate: int) -> None:
        import pyloudnorm
        from scipy.signal import lfilter_zi

        self.sample_rate = sample_rate
        stages = pyloudnorm.Meter(sample_rate)._filters
        self._stages = [(f.b * f.passband_gain, f.a) for f in stages.values()]
        self._state = [lfilter_zi(b, a) * 0.0 for b, a in self._stages]
        self._sub = round(sample_rate * STEP_S)
        self._pending = np.zeros(0, dtype=np.float64)
        self._energies: list[float] = []

    def feed(self, samples: np.ndarray) -> None:
        """Add float samples in [-1, 1] (or int16, scaled here)."""
        from scipy.signal import lfilter

        x = samples.astype(np.float64)
        if samples.dtype == np.int16:
            x /= 32768.0
        for i, (b, a) in enumerate(self._stages):
            x, self._state[i] = lfilter(b, a, x, zi=self._state[i])
        x = np.concatenate([self._pending, x])
        whole = len(x) // self._sub * self._sub
        if whole:
            self._energies.extend(np.sum(x[:whole].reshape(-1, self._sub) ** 2, axis=1).tolist())
        self._pending = x[whole:]

    def integrated(self) -> float:
        """Integrated loudness in LUFS (-inf for silence or under 400 ms)."""
        per_block = int(BLOCK_S / STEP_S)
        sub = np.asarray(self._energies)
        if len(sub) < per_block:
            return -math.inf
        window = np.convolve(sub, np.ones(per_block), mode="valid") / (self._sub * per_block)
        with np.errstate(divide="ignore"):
            loudness = -0.691 + 10 * np.log10(window)
        gated = window[loudness >= ABSOLUTE_GATE_LUFS]
        if not gated.size:
            return -math.inf
        relative = -0.691 + 10 * math.log10(gated.mean()) + RELATIVE_GATE_LU
        with np.errstate(divide="ignore"):
            final = gated[-0.691 + 10 * np.log10(gated) >= relative]
        return -0.691 + 10 * math.log10(final.mean())


@dataclass(frozen=True)
class Measurement:
    """ffmpeg `ebur128` figures for a whole file."""

    integrated_lufs: float
    true_peak_dbtp: float
    loudness_range_lu: float


_SUMMARY = re.compile(
    r"Integrated loudness:\s+I:\s+(?P<i>[-\d.inf]+) LUFS.*?"
    r"LRA:\s+(?P<lra>[-\d.inf]+) LU.*?"
    r"True peak:\s+Peak:\s+(?P<tp>[-\d.inf]+) dBFS",
    re.S,
)


MEASURE_ARGS: Final = ["-af", "ebur128=peak=true", "-f", "null", "-"]
"""ffmpeg arguments after the input that measure it (the figures go to stderr)."""


def measure_file(path: Path) -> Measurement:
    """Integrated loudness, true peak and loudness range of a delivered file."""
    log = run_ffmpeg(["-nostats", "-i", str(path), *MEASURE_ARGS], f"measuring {path.name}")
    return parse_measurement(log, str(path))


def parse_measurement(log: str, what: str) -> Measurement:
    """The figures from the summary ffmpeg's `ebur128` filter prints at the end."""
    match = _SUMMARY.search(log[log.rfind("Summary:") :])
    if not match:
        raise EncodingError(f"ffmpeg measured nothing in {what}")
    return Measurement(
        integrated_lufs=float(match["i"]),
        true_peak_dbtp=float(match["tp"]),
        loudness_range_lu=float(match["lra"]),
    )


_STREAM = re.compile(r"Audio: .*?, (?P<rate>\d+) Hz, (?P<layout>mono|stereo|\d+ channels)")


def probe_stream(path: Path) -> tuple[int, int]:
    """(sample rate, channels) of a file's first audio stream, read from ffmpeg (no ffprobe)."""
    import subprocess

    from workers.ffmpeg import ffmpeg_exe

    log = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)],
        capture_output=True,
        text=True,
        errors="replace",
    ).stderr
    match = _STREAM.search(log)
    if not match:
        raise ValueError(f"no audio stream in {path}")
    layout = match["layout"]
    channels = {"mono": 1, "stereo": 2}.get(layout) or int(layout.split()[0])
    return int(match["rate"]), channels
