"""The per-machine cache of optimized models: made once, reused, same audio, never fatal."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import numpy as np
import onnx
import onnxruntime
import pytest
from onnx import numpy_helper
from piper.patch_voice_with_alignment import add_alignment_output

from tests.utils.piper_model import MODEL, deterministic_audio
from voices.onnx_cache import (
    SAME_SAMPLES_TOLERANCE,
    cached_model_path,
    check_outputs,
    optimized_session,
    with_alignment_output,
)


def _audio(session: onnxruntime.InferenceSession) -> np.ndarray:
    return deterministic_audio(session).squeeze()


def _published_audio() -> np.ndarray:
    return _audio(onnxruntime.InferenceSession(str(MODEL), providers=["CPUExecutionProvider"]))


def _one_convolution_scaled(model: onnx.ModelProto) -> None:
    """A subtly wrong graph: the first convolution's weights 1% larger (the samples move
    by ≈0.06 here), in place."""
    initializers = {init.name: init for init in model.graph.initializer}
    conv = next(n for n in model.graph.node if n.op_type == "Conv" and n.input[1] in initializers)
    weight = initializers[conv.input[1]]
    scaled = numpy_helper.to_array(weight) * np.float32(1.01)
    weight.CopyFrom(numpy_helper.from_array(scaled, weight.name))


def _options() -> onnxruntime.SessionOptions:
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    return options


def _built_with(
    module: ModuleType, name: str, step: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> onnxruntime.InferenceSession:
    """A session of a cache built afresh under `tmp_path` with `module.name` replaced."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(module, name, step)
    return optimized_session(MODEL, _options())


def test_cache_is_written_once_and_gives_the_same_audio(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    cached = cached_model_path(MODEL)
    assert not cached.exists()
    first = optimized_session(MODEL, _options())
    assert cached.is_file() and cached.is_relative_to(tmp_path)
    assert not list(cached.parent.glob(".*.part"))
    stamp = cached.stat().st_mtime_ns
    second = optimized_session(MODEL, _options())
    assert cached.stat().st_mtime_ns == stamp  # reused, not rewritten
    reference = _published_audio()
    np.testing.assert_allclose(_audio(second), reference, atol=1e-4)
    np.testing.assert_allclose(_audio(first), reference, atol=1e-4)


def test_cache_holds_the_vocoder_as_2d_convolutions_and_the_alignment_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    session = optimized_session(MODEL, _options())
    cached = onnx.load(str(cached_model_path(MODEL)))
    ranks = {init.name: len(init.dims) for init in cached.graph.initializer}
    decoder = [n for n in cached.graph.node if n.name.startswith("/dec/") and "Conv" in n.op_type]
    assert len(decoder) == 23
    assert all(ranks[n.input[1]] == 4 for n in decoder)
    # The rewritten graph keeps the samples per phoneme id as its second output: the same
    # as Piper's own patch of the published model gives, and the same audio as published.
    assert len(cached.graph.output) == 2
    published = onnx.load(str(MODEL))
    add_alignment_output(published)
    reference = onnxruntime.InferenceSession(
        published.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    audio, durations = check_outputs(session)
    reference_audio, reference_durations = check_outputs(reference)
    assert durations.sum() > 0
    np.testing.assert_array_equal(durations, reference_durations)
    np.testing.assert_allclose(audio, reference_audio, atol=SAME_SAMPLES_TOLERANCE)
    np.testing.assert_allclose(audio.squeeze(), _published_audio(), atol=SAME_SAMPLES_TOLERANCE)


def test_unwritable_cache_still_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache directory would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    session = optimized_session(MODEL, _options())
    assert _audio(session).size > 0


def test_a_rewrite_onnxruntime_rejects_falls_back_to_the_published_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import voices.onnx_cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    # Stands in for a rewrite gone wrong on some other voice: bytes onnxruntime refuses.
    monkeypatch.setattr(voices.onnx_cache, "rewritten_model", lambda model: b"not a model")
    session = optimized_session(MODEL, _options())
    np.testing.assert_allclose(_audio(session), _published_audio(), atol=1e-4)
    assert "rejected the rewritten" in caplog.text


def test_a_blocked_layout_that_changes_the_samples_is_not_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import voices.blocked_layout

    real = voices.blocked_layout.keep_blocked

    def wrong(model: onnx.ModelProto) -> int:
        """The real pass, then one moved leaky relu given another slope: a subtly bad graph."""
        moved = real(model)
        if not moved:
            pytest.skip("onnxruntime has no blocked convolutions on this CPU")
        leaky = next(n for n in model.graph.node if n.name.endswith("_narrate_blocked")
                     and n.op_type == "LeakyRelu")  # fmt: skip
        leaky.attribute[0].f = 0.3
        return moved

    session = _built_with(voices.blocked_layout, "keep_blocked", wrong, tmp_path, monkeypatch)
    assert "changed its samples" in caplog.text
    cached = onnx.load(str(cached_model_path(MODEL)))
    assert not [n for n in cached.graph.node if n.name.endswith("_narrate_blocked")]
    np.testing.assert_allclose(_audio(session), _published_audio(), atol=1e-4)


def test_a_failing_blocked_layout_pass_costs_only_its_speed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import voices.blocked_layout

    def broken(model: onnx.ModelProto) -> int:
        raise KeyError("a graph this pass was not written for")

    session = _built_with(voices.blocked_layout, "keep_blocked", broken, tmp_path, monkeypatch)
    assert "blocked layout failed" in caplog.text
    assert cached_model_path(MODEL).is_file()
    np.testing.assert_allclose(_audio(session), _published_audio(), atol=1e-4)


def test_a_graph_rewrite_that_changes_the_samples_is_not_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The blocked layout is checked against the published model, not against the rewritten
    one it was made from: a wrong rewrite is caught, and both steps built on it are dropped."""
    import voices.graph_rewrite

    real = voices.graph_rewrite.convolutions_as_2d

    def wrong(model: onnx.ModelProto) -> int:
        lifted = real(model)
        _one_convolution_scaled(model)
        return lifted

    session = _built_with(voices.graph_rewrite, "convolutions_as_2d", wrong, tmp_path, monkeypatch)
    assert "the graph rewrite of en_US-joe-medium.onnx changed its samples" in caplog.text
    cached = onnx.load(str(cached_model_path(MODEL)))
    names = [n.name for n in cached.graph.node] + [i.name for i in cached.graph.initializer]
    assert not [name for name in names if "_narrate" in name]  # neither rewritten nor blocked
    np.testing.assert_allclose(_audio(session), _published_audio(), atol=SAME_SAMPLES_TOLERANCE)


def test_when_no_optimized_form_speaks_alike_the_published_model_is_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import voices.onnx_cache

    real = voices.onnx_cache._optimized

    def wrong(source: bytes | Path, partial: Path, providers: list[str]) -> bytes:
        """onnxruntime's optimizations as saved, then one convolution scaled."""
        model = onnx.load_from_string(real(source, partial, providers))
        _one_convolution_scaled(model)
        return model.SerializeToString()

    session = _built_with(voices.onnx_cache, "_optimized", wrong, tmp_path, monkeypatch)
    assert "onnxruntime's graph optimizations of en_US-joe-medium.onnx changed" in caplog.text
    assert "caching it as published" in caplog.text
    assert cached_model_path(MODEL).read_bytes() == with_alignment_output(MODEL)
    np.testing.assert_allclose(_audio(session), _published_audio(), atol=SAME_SAMPLES_TOLERANCE)
