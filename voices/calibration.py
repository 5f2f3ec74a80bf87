"""A voice's loudness calibration, stored beside its optimized model in the cache.

A stream cannot be measured whole before its first byte goes out, so streamed speech gets
a fixed gain per voice, measured once (by the engine, `workers.stream.voice_gain`) and
kept here: a small JSON file next to the cached model, under the same key (model file,
onnxruntime version, CPU), so a new model or runtime is measured again.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Final

from voices.onnx_cache import cached_model_path

CALIBRATION_VERSION: Final = 1
"""Part of the file: changing how the gain is measured makes every voice measured again."""


@dataclass(frozen=True)
class LoudnessCalibration:
    """The gain that brings a voice's stitched speech, through the true-peak limiter, to
    `target_lufs` (mono), and what was measured with it."""

    gain_db: float
    """Applied before the limiter."""
    target_lufs: float
    measured_lufs: float
    """Integrated loudness of the calibration text after gain and limiter."""
    version: int = CALIBRATION_VERSION


def calibration_path(model: Path) -> Path:
    return cached_model_path(model).with_suffix(".loudness.json")


def load_calibration(model: Path, target_lufs: float) -> LoudnessCalibration | None:
    """The stored calibration of `model` for `target_lufs`; None when there is none (or it
    is from another version, or unreadable)."""
    try:
        stored = LoudnessCalibration(**json.loads(calibration_path(model).read_text()))
    except (OSError, ValueError, TypeError):
        return None
    if stored.version != CALIBRATION_VERSION or stored.target_lufs != target_lufs:
        return None
    return stored


def store_calibration(model: Path, calibration: LoudnessCalibration) -> None:
    """Write atomically; a read-only cache is no reason to fail (it is measured again)."""
    path = calibration_path(model)
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(json.dumps(asdict(calibration)))
        partial.replace(path)
