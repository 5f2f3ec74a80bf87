"""Piper models with onnxruntime's graph optimizations applied once per machine, not per load.

Before optimizing, the vocoder is rewritten to 2-D convolutions with its upsamplers in
polyphase form, and every other convolution is lifted to 2-D (`voices.graph_rewrite`):
onnxruntime runs those with faster kernels. After optimizing, the element-wise operations
between the vocoder's convolutions are moved into the blocked layout onnxruntime gives
them (`voices.blocked_layout`). The cache holds the result of it all.

Every form keeps one output the published model lacks: the duration predictor's samples
per phoneme id (Piper's `w_ceil`, as `piper.patch_voice_with_alignment` exposes it), which
`workers.alignment` turns into word timings. Adding an output changes no computation.

The final model is checked against the published one as the cache is built: both speak a
fixed short utterance with the noise turned off (so deterministically), the final model
loaded as the cache is loaded, the published one without any graph optimization, and no
sample may differ by more than `SAME_SAMPLES_TOLERANCE`, and the samples per phoneme id
must be the same. When they are not, the steps are
dropped from the last one back — the blocked layout, then the graph rewrite (leaving
onnxruntime's own optimizations), then those too, caching the model as published — with
a warning for each, and the first form that passes is cached.

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
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    import numpy as np
    import onnxruntime

log = logging.getLogger(__name__)

ONNX_THREADS: Final = 1
"""onnxruntime intra-op threads per process: one process per core at 1 thread each
was measured the most CPU-efficient on 2 cores (see DESIGN.md)."""

SAME_SAMPLES_TOLERANCE: Final = 1e-4
"""Largest sample difference (full scale 1.0) accepted between the cached model and the
published one on the check utterance: about three steps of 16-bit audio. The rewrites and
onnxruntime's own fusions move samples by ≈6e-6 here (float rounding); a wrong graph, by
far more."""
# Phoneme ids of a short utterance; with both noise scales at 0 a voice is deterministic.
_CHECK_IDS: Final = (1, 0, 20, 0, 59, 0, 24, 0, 27, 0, 100, 0, 2)

ORT_LOG_ERRORS_ONLY: Final = 3
_PROVIDERS: Final = ["CPUExecutionProvider"]
REWRITE_VERSION: Final = "dec2d-polyphase-blocked-lifted-alignment-4"
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


def with_alignment_output(model: Path) -> bytes:
    """The model file with the samples per phoneme id as a second output (as it is when
    the model has no such tensor to expose, or exposes it already)."""
    import onnx
    from piper.patch_voice_with_alignment import add_alignment_output

    proto = onnx.load(str(model))
    try:
        add_alignment_output(proto)
    except ValueError as exc:
        log.info("%s keeps its outputs (%s): word timings will be estimated", model.name, exc)
    return proto.SerializeToString()


def rewritten_model(model: bytes) -> bytes:
    """The model with its vocoder as 2-D convolutions and polyphase upsamplers
    (unchanged when it does not fit), and every other convolution lifted to 2-D."""
    import onnx

    from voices.graph_rewrite import convolutions_as_2d, decoder_as_2d, upsamplers_as_polyphase

    proto = onnx.load_from_string(model)
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


def _options(optimize: bool) -> onnxruntime.SessionOptions:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = ONNX_THREADS
    options.log_severity_level = ORT_LOG_ERRORS_ONLY  # it warns that saved files are CPU-specific
    if not optimize:
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    return options


def check_utterance(session: onnxruntime.InferenceSession) -> np.ndarray:
    """The voice's samples for a fixed short utterance, with the noise turned off."""
    return check_outputs(session)[0]


def check_outputs(session: onnxruntime.InferenceSession) -> list[np.ndarray]:
    """Every output of the model for the check utterance: the samples, then (when the
    model has it) the samples per phoneme id."""
    import numpy as np

    ids = np.array([_CHECK_IDS], dtype=np.int64)
    feeds = {
        "input": ids,
        "input_lengths": np.array([ids.shape[1]], dtype=np.int64),
        "scales": np.array([0.0, 1.0, 0.0], dtype=np.float32),
    }
    if any(i.name == "sid" for i in session.get_inputs()):
        feeds["sid"] = np.array([0], dtype=np.int64)
    return [np.asarray(output) for output in session.run(None, feeds)]


def _optimized(source: bytes | Path, partial: Path, providers: list[str]) -> bytes:
    """`source` with onnxruntime's graph optimizations for this machine, as it saves them."""
    import onnxruntime

    options = _options(optimize=True)
    options.optimized_model_filepath = str(partial)
    model = source if isinstance(source, bytes) else str(source)
    onnxruntime.InferenceSession(model, sess_options=options, providers=providers)
    return partial.read_bytes()


def _with_blocked_layout(optimized: bytes, name: str) -> bytes | None:
    """The optimized model with its element-wise chains in the blocked layout, if that
    moved anything; else None."""
    import onnx

    from voices.blocked_layout import keep_blocked

    proto = onnx.load_from_string(optimized)
    try:
        if not keep_blocked(proto):
            return None
    except Exception:  # an optional speed-up: a bug in it must not cost the voice
        log.exception("moving %s into the blocked layout failed; not used", name)
        return None
    return proto.SerializeToString()


def _candidates(
    model: bytes, name: str, partial: Path, providers: list[str]
) -> Iterator[tuple[str, bytes]]:
    """The optimized forms of `model`, fastest first, each made only when the one before
    it was not kept: (the step it is the last of, the model file's bytes)."""
    rewritten: bytes | None = None
    try:
        rewritten = _optimized(rewritten_model(model), partial, providers)
    except _rejections() as exc:
        log.warning("onnxruntime rejected the rewritten %s (%s); optimizing it as published",
                    name, exc)  # fmt: skip
    if rewritten is not None:
        blocked = _with_blocked_layout(rewritten, name)
        if blocked is not None:
            yield "the blocked layout", blocked
        yield "the graph rewrite", rewritten
    yield "onnxruntime's graph optimizations", _optimized(model, partial, providers)


def _speaks_like(candidate: bytes, expected: list[np.ndarray], step: str, name: str) -> bool:
    """Whether `candidate`, loaded as the cache is loaded, speaks `expected` (the published
    model's check utterance) to within `SAME_SAMPLES_TOLERANCE`, with the same samples per
    phoneme id; a warning if not."""
    import numpy as np
    import onnxruntime

    try:
        session = onnxruntime.InferenceSession(
            candidate, sess_options=_options(optimize=False), providers=_PROVIDERS
        )
        outputs = check_outputs(session)
    except _rejections() as exc:
        log.warning("onnxruntime rejected %s of %s (%s); not used", step, name, exc)
        return False
    if len(outputs) != len(expected) or not all(
        np.array_equal(got, want) for got, want in zip(outputs[1:], expected[1:], strict=True)
    ):
        log.warning("%s of %s changed its samples per phoneme; not used", step, name)
        return False
    samples, expected_samples = outputs[0], expected[0]
    if samples.shape != expected_samples.shape:
        log.warning("%s of %s changed its samples (length %s, published %s); not used",
                    step, name, samples.shape, expected_samples.shape)  # fmt: skip
        return False
    difference = float(np.abs(samples - expected_samples).max())
    if difference > SAME_SAMPLES_TOLERANCE:
        log.warning("%s of %s changed its samples (by up to %.1e, tolerance %.0e); not used",
                    step, name, difference, SAME_SAMPLES_TOLERANCE)  # fmt: skip
        return False
    return True


def _build_cache(model: Path, cached: Path) -> None:
    """Optimize `model` for this machine into `cached` (atomically): the fastest form that
    speaks the published model's samples, else the published model itself."""
    import onnxruntime

    cached.parent.mkdir(parents=True, exist_ok=True)
    partial = cached.with_name(f".{cached.name}.{os.getpid()}.part")
    try:
        source = with_alignment_output(model)
        published = onnxruntime.InferenceSession(
            source, sess_options=_options(optimize=False), providers=_PROVIDERS
        )
        expected = check_outputs(published)
        chosen = None
        for step, candidate in _candidates(source, model.name, partial, _PROVIDERS):
            if _speaks_like(candidate, expected, step, model.name):
                chosen = candidate
                break
        if chosen is None:
            log.warning("no optimized form of %s speaks its samples; caching it as published",
                        model.name)  # fmt: skip
            chosen = source
        partial.write_bytes(chosen)
        partial.replace(cached)  # atomic: a concurrent loader sees all of it or nothing
    finally:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)


def optimized_session(
    model: Path, options: onnxruntime.SessionOptions
) -> onnxruntime.InferenceSession:
    """An inference session for `model`, from the optimized cache (built if missing)."""
    import onnxruntime

    path = cached_model_path(model)
    source: bytes | str = str(path)
    try:
        if not path.is_file():
            _build_cache(model, path)
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    except OSError:
        # A read-only home is no reason to fail: the published model, optimized as it loads.
        source = with_alignment_output(model)
    return onnxruntime.InferenceSession(source, sess_options=options, providers=_PROVIDERS)
