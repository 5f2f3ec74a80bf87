"""Loudness per ITU-R BS.1770 / EBU R128, measured by ffmpeg's `ebur128` filter."""

from __future__ import annotations

import contextlib
import math
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from workers.errors import EncodingError
from workers.ffmpeg import ffmpeg_exe, run_ffmpeg

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
    return _parse_integrated(log, path.name)


def _parse_integrated(log: str, what: str) -> float:
    match = _INTEGRATED.search(log[log.rfind("Summary:") :])
    if not match:
        raise EncodingError(f"ffmpeg measured nothing in {what}")
    value = float(match["i"])
    return -math.inf if value <= SILENCE_LUFS else value


class StreamingMeter:
    """Integrated loudness of mono 16-bit PCM fed piece by piece to an ffmpeg `ebur128`
    process (after `filters`), so the figure is ready as soon as the last piece is."""

    def __init__(self, sample_rate: int, filters: str = "") -> None:
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (kept until result())
        chain = f"{filters},ebur128" if filters else "ebur128"
        self._process = subprocess.Popen(
            [ffmpeg_exe(), "-hide_banner", "-nostats", "-f", "s16le", "-ar", str(sample_rate),
             "-ac", "1", "-i", "pipe:0", "-af", chain, "-f", "null", "-"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=self._log,
        )  # fmt: skip

    def feed(self, pcm: bytes) -> None:
        assert self._process.stdin is not None
        self._process.stdin.write(pcm)

    def result(self) -> float:
        """Close the stream and return its integrated loudness (-inf for silence)."""
        assert self._process.stdin is not None
        self._process.stdin.close()
        self._process.wait()
        self._log.seek(0)
        log = self._log.read().decode(errors="replace")
        self._log.close()
        if self._process.returncode != 0:
            raise EncodingError(f"ffmpeg could not measure the program: {log[-300:]}")
        return _parse_integrated(log, "the program")

    def abort(self) -> None:
        self._process.kill()
        self._process.wait()
        if self._process.stdin:
            with contextlib.suppress(BrokenPipeError):
                self._process.stdin.close()
        self._log.close()


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
