"""Loudness per ITU-R BS.1770 / EBU R128, measured by ffmpeg's `ebur128` filter."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from workers.errors import EncodingError
from workers.ffmpeg import run_ffmpeg

SILENCE_LUFS: Final = -70.0
"""BS.1770's absolute gate: ffmpeg reports this (or lower) for a program with no sound."""

_INTEGRATED = re.compile(r"Integrated loudness:\s+I:\s+(?P<i>-?[\d.]+|-?inf) LUFS")


def integrated_loudness(path: Path, filters: str = "") -> float:
    """Integrated loudness of a file, after `filters` when given (no true-peak scan, so
    it is quick); -inf for silence."""
    chain = f"{filters},ebur128" if filters else "ebur128"
    log = run_ffmpeg(
        ["-nostats", "-i", str(path), "-af", chain, "-f", "null", "-"],
        f"measuring {path.name}",
    )
    match = _INTEGRATED.search(log[log.rfind("Summary:") :])
    if not match:
        raise EncodingError(f"ffmpeg measured nothing in {path.name}")
    value = float(match["i"])
    return -math.inf if value <= SILENCE_LUFS else value


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
