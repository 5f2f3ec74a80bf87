"""Piper models with onnxruntime's graph optimizations applied once per machine, not per load.

Optimizing the graph is most of the time it takes to load a voice (≈0.4–0.7 s of ≈0.8 s
here), and every CLI run and worker process loads one. The optimized graph may use this
CPU's instruction set, so the cache key includes the CPU's flags and onnxruntime's
version as well as the model file's identity.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import platform
from pathlib import Path
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    import onnxruntime

ORT_LOG_ERRORS_ONLY: Final = 3


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "narrate" / "onnx"


def _machine_fingerprint() -> str:
    flags = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith(("flags", "Features")):
                flags = line
                break
    except OSError:
        pass
    return f"{platform.machine()}|{platform.processor()}|{flags}"


def cached_model_path(model: Path) -> Path:
    import onnxruntime

    stat = model.stat()
    key = hashlib.sha256(
        f"{model.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{onnxruntime.__version__}|"
        f"{_machine_fingerprint()}".encode()
    ).hexdigest()[:24]
    return cache_dir() / f"{model.stem}-{key}.onnx"


def optimized_session(
    model: Path, options: onnxruntime.SessionOptions
) -> onnxruntime.InferenceSession:
    """An inference session for `model`, from the optimized cache when it is there."""
    import onnxruntime

    cached = cached_model_path(model)
    providers = ["CPUExecutionProvider"]
    if cached.is_file():
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
        return onnxruntime.InferenceSession(str(cached), sess_options=options, providers=providers)
    partial = cached.with_name(f".{cached.name}.{os.getpid()}.part")
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        options.optimized_model_filepath = str(partial)
        options.log_severity_level = ORT_LOG_ERRORS_ONLY  # it warns that the file is CPU-specific
        session = onnxruntime.InferenceSession(
            str(model), sess_options=options, providers=providers
        )
        partial.replace(cached)  # atomic: a concurrent loader sees all of it or nothing
        return session
    except OSError:
        # A read-only home is no reason to fail: load without the cache.
        options.optimized_model_filepath = ""
        return onnxruntime.InferenceSession(str(model), sess_options=options, providers=providers)
    finally:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
