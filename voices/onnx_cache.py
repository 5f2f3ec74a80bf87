"""Piper models with onnxruntime's graph optimizations applied once per machine, not per load.

Before optimizing, the vocoder is rewritten to 2-D convolutions with its upsamplers in
polyphase form, and every other convolution is lifted to 2-D (`voices.graph_rewrite`):
onnxruntime runs those with faster kernels. After optimizing, the element-wise operations
between the vocoder's convolutions are moved into the blocked layout onnxruntime gives
them (`voices.blocked_layout`). That last step is kept only if the model then still speaks
the same samples, checked as the cache is built. The cache holds the result of it all.

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
    import numpy as np
    import onnxruntime

log = logging.getLogger(__name__)

SAME_SAMPLES_TOLERANCE: Final = 1e-4
"""Largest sample difference (full scale 1.0) accepted from the blocked-layout step: about
three steps of 16-bit audio; float rounding moves samples by ≈1e-6 here, a wrong graph by
far more."""
# Phoneme ids of a short utterance; with both noise scales at 0 a voice is deterministic.
_CHECK_IDS: Final = (1, 0, 20, 0, 59, 0, 24, 0, 27, 0, 100, 0, 2)

ORT_LOG_ERRORS_ONLY: Final = 3
REWRITE_VERSION: Final = "dec2d-polyphase-blocked-lifted-2"
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
    """The model file with its vocoder as 2-D convolutions and polyphase upsamplers
    (unchanged when it does not fit), and every other convolution lifted to 2-D."""
    import onnx

    from voices.graph_rewrite import convolutions_as_2d, decoder_as_2d, upsamplers_as_polyphase

    proto = onnx.load(str(model))
    if decoder_as_2d(proto):
        upsamplers_as_polyphase(proto)
    convolutions_as_2d(proto)
    return proto.SerializeToString()


def _rejections() -> tuple[type[Exception], ...]:
    from onnxruntime.capi import onnxruntime_pybind11_state as ort_errors

    return (
        ort_errors.Fail,
        ort_errors.InvalidArgument,
        ort_errors.InvalidGraph,
        ort_errors.InvalidProtobuf,
        ort_errors.RuntimeException,
    )


def _session(
    model: Path, options: onnxruntime.SessionOptions, providers: list[str]
) -> onnxruntime.InferenceSession:
    """A session of the rewritten model, or of the published one if onnxruntime rejects
    the rewrite (slower, the same samples; logged, since it should not happen)."""
    import onnxruntime

    try:
        return onnxruntime.InferenceSession(
            rewritten_model(model), sess_options=options, providers=providers
        )
    except _rejections() as exc:
        log.warning("onnxruntime rejected the rewritten %s (%s); using it as published",
                    model.name, exc)  # fmt: skip
        return onnxruntime.InferenceSession(str(model), sess_options=options, providers=providers)


def check_utterance(session: onnxruntime.InferenceSession) -> np.ndarray:
    """The voice's samples for a fixed short utterance, with the noise turned off."""
    import numpy as np

    ids = np.array([_CHECK_IDS], dtype=np.int64)
    feeds = {
        "input": ids,
        "input_lengths": np.array([ids.shape[1]], dtype=np.int64),
        "scales": np.array([0.0, 1.0, 0.0], dtype=np.float32),
    }
    if any(i.name == "sid" for i in session.get_inputs()):
        feeds["sid"] = np.array([0], dtype=np.int64)
    return np.asarray(session.run(None, feeds)[0])


def _blocked(
    optimized: Path, reference: onnxruntime.InferenceSession, providers: list[str]
) -> bytes | None:
    """The optimized model with its element-wise chains in the blocked layout, if that
    moved anything and the result speaks the reference's samples; else None."""
    import numpy as np
    import onnx
    import onnxruntime

    from voices.blocked_layout import keep_blocked

    proto = onnx.load(str(optimized))
    try:
        if not keep_blocked(proto):
            return None
    except Exception:  # an optional speed-up: a bug in it must not cost the voice
        log.exception("moving %s into the blocked layout failed; not used", optimized.name)
        return None
    blocked = proto.SerializeToString()
    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    options.log_severity_level = ORT_LOG_ERRORS_ONLY
    try:
        candidate = onnxruntime.InferenceSession(blocked, sess_options=options, providers=providers)
        mine, theirs = check_utterance(candidate), check_utterance(reference)
    except _rejections() as exc:
        log.warning("onnxruntime rejected the blocked layout of %s (%s)", optimized.name, exc)
        return None
    if mine.shape != theirs.shape or np.abs(mine - theirs).max() > SAME_SAMPLES_TOLERANCE:
        log.warning("the blocked layout of %s changed its samples; not used", optimized.name)
        return None
    return blocked


def _build_cache(model: Path, cached: Path, providers: list[str]) -> None:
    """Optimize `model` for this machine into `cached` (atomically)."""
    import onnxruntime

    from voices.catalog import ONNX_THREADS

    cached.parent.mkdir(parents=True, exist_ok=True)
    partial = cached.with_name(f".{cached.name}.{os.getpid()}.part")
    try:
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = ONNX_THREADS
        options.optimized_model_filepath = str(partial)
        options.log_severity_level = ORT_LOG_ERRORS_ONLY  # it warns that the file is CPU-specific
        reference = _session(model, options, providers)
        blocked = _blocked(partial, reference, providers)
        if blocked is not None:
            partial.write_bytes(blocked)
        partial.replace(cached)  # atomic: a concurrent loader sees all of it or nothing
    finally:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)


def optimized_session(
    model: Path, options: onnxruntime.SessionOptions
) -> onnxruntime.InferenceSession:
    """An inference session for `model`, from the optimized cache (built if missing)."""
    import onnxruntime

    cached = cached_model_path(model)
    providers = ["CPUExecutionProvider"]
    if not cached.is_file():
        try:
            _build_cache(model, cached, providers)
        except OSError:
            # A read-only home is no reason to fail: load without the cache.
            return _session(model, options, providers)
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    return onnxruntime.InferenceSession(str(cached), sess_options=options, providers=providers)
