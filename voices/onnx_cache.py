"""Piper models with onnxruntime's graph optimizations applied once per machine, not per load.

Before optimizing, the vocoder is rewritten to 2-D convolutions (`voices.graph_rewrite`),
which onnxruntime runs with faster kernels; the cache holds the result of both.

Optimizing the graph is most of the time it takes to load a voice (≈0.4–0.7 s of ≈0.8 s
here), and every CLI run and worker process loads one. The optimized graph may use this
CPU's instruction set, so the cache key includes the CPU's flags and onnxruntime's
version as well as the model file's identity.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import platform
from pathlib import Path
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    import onnxruntime

log = logging.getLogger(__name__)

ORT_LOG_ERRORS_ONLY: Final = 3
REWRITE_VERSION: Final = "dec2d-1"
"""Part of the cache key: changing the rewrite makes every machine build a new cache."""


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
        f"{REWRITE_VERSION}|{_machine_fingerprint()}".encode()
    ).hexdigest()[:24]
    return cache_dir() / f"{model.stem}-{key}.onnx"


def rewritten_model(model: Path) -> bytes:
    """The model file with its vocoder as 2-D convolutions (unchanged when it does not fit)."""
    import onnx

    from voices.graph_rewrite import decoder_as_2d

    proto = onnx.load(str(model))
    decoder_as_2d(proto)
    return proto.SerializeToString()


def _session(
    model: Path, options: onnxruntime.SessionOptions, providers: list[str]
) -> onnxruntime.InferenceSession:
    """A session of the rewritten model, or of the published one if onnxruntime rejects
    the rewrite (slower, the same samples; logged, since it should not happen)."""
    import onnxruntime
    from onnxruntime.capi import onnxruntime_pybind11_state as ort_errors

    rejected = (
        ort_errors.Fail,
        ort_errors.InvalidArgument,
        ort_errors.InvalidGraph,
        ort_errors.InvalidProtobuf,
        ort_errors.RuntimeException,
    )
    try:
        return onnxruntime.InferenceSession(
            rewritten_model(model), sess_options=options, providers=providers
        )
    except rejected as exc:
        log.warning("onnxruntime rejected the rewritten %s (%s); using it as published",
                    model.name, exc)  # fmt: skip
        return onnxruntime.InferenceSession(str(model), sess_options=options, providers=providers)


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
        session = _session(model, options, providers)
        partial.replace(cached)  # atomic: a concurrent loader sees all of it or nothing
        return session
    except OSError:
        # A read-only home is no reason to fail: load without the cache.
        options.optimized_model_filepath = ""
        return _session(model, options, providers)
    finally:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
