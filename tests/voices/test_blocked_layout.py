"""Element-wise chains between blocked convolutions stay blocked, and compute the same."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime
import pytest
from onnx import TensorProto, helper, numpy_helper

from tests.utils.piper_model import MODEL
from voices.blocked_layout import BLOCKED_DOMAIN, keep_blocked
from voices.onnx_cache import cached_model_path, optimized_session

CHANNELS = 16


def _conv(name: str, source: str, out: str, kernel: int = 3) -> tuple[onnx.NodeProto, list]:
    rng = np.random.default_rng(len(name))
    weight = rng.standard_normal((CHANNELS, CHANNELS, 1, kernel)).astype(np.float32) / 8
    bias = rng.standard_normal(CHANNELS).astype(np.float32)
    node = helper.make_node(
        "Conv", [source, f"{name}.w", f"{name}.b"], [out], name,
        kernel_shape=[1, kernel], pads=[0, kernel // 2, 0, kernel // 2],
    )  # fmt: skip
    return node, [
        numpy_helper.from_array(weight, f"{name}.w"),
        numpy_helper.from_array(bias, f"{name}.b"),
    ]


def _model(nodes_and_weights: list[tuple[onnx.NodeProto, list]], inputs: list) -> onnx.ModelProto:
    nodes = [n for n, _ in nodes_and_weights]
    weights = [w for _, ws in nodes_and_weights for w in ws]
    weights.append(numpy_helper.from_array(np.array(3.0, dtype=np.float32), "three"))
    graph = helper.make_graph(
        nodes, "chain", inputs,
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, [1, CHANNELS, 1, None])],
        weights,
    )  # fmt: skip
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15)])


def _x(name: str = "x", time: int | None = None) -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, [1, CHANNELS, 1, time])


def _residual_chain() -> onnx.ModelProto:
    """HiFi-GAN in miniature: conv → leaky relu → conv + residual → /3 → leaky relu → conv."""
    return _model(
        [
            _conv("c0", "x", "y0"),
            (helper.make_node("LeakyRelu", ["y0"], ["a0"], "a0", alpha=0.1), []),
            _conv("c1", "a0", "y1"),
            (helper.make_node("Add", ["y1", "y0"], ["s"], "s"), []),
            (helper.make_node("Div", ["s", "three"], ["d"], "d"), []),
            (helper.make_node("LeakyRelu", ["d"], ["a1"], "a1", alpha=0.1), []),
            _conv("c2", "a1", "out"),
        ],
        [_x()],
    )


def _broadcast_sum() -> onnx.ModelProto:
    """A conditioning vector (one time step) added to every step: must not go blocked."""
    return _model(
        [
            _conv("c0", "x", "y0"),
            (helper.make_node("Add", ["y0", "g"], ["s"], "s"), []),
            (helper.make_node("LeakyRelu", ["s"], ["a"], "a", alpha=0.1), []),
            _conv("c1", "a", "out"),
        ],
        [_x(), _x("g", 1)],
    )


def _optimized(model: onnx.ModelProto, tmp_path: Path) -> onnx.ModelProto:
    """The model as onnxruntime optimizes and saves it on this machine."""
    options = onnxruntime.SessionOptions()
    options.optimized_model_filepath = str(tmp_path / "optimized.onnx")
    options.log_severity_level = 3
    onnxruntime.InferenceSession(
        model.SerializeToString(), sess_options=options, providers=["CPUExecutionProvider"]
    )
    optimized = onnx.load(options.optimized_model_filepath)
    if not any(n.domain == BLOCKED_DOMAIN for n in optimized.graph.node):
        pytest.skip("onnxruntime has no blocked convolutions on this CPU")
    return optimized


def _run(model: onnx.ModelProto, feeds: dict[str, np.ndarray]) -> np.ndarray:
    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = onnxruntime.InferenceSession(
        model.SerializeToString(), sess_options=options, providers=["CPUExecutionProvider"]
    )
    return session.run(None, feeds)[0]


def _reorders(model: onnx.ModelProto) -> int:
    return sum(n.op_type.startswith("Reorder") for n in model.graph.node)


def test_a_residual_chain_stays_blocked_and_computes_the_same(tmp_path: Path) -> None:
    model = _residual_chain()
    optimized = _optimized(model, tmp_path)
    before = _reorders(optimized)
    assert keep_blocked(optimized) > 0  # the leaky relus and the division, at least
    onnx.checker.check_model(optimized)
    assert _reorders(optimized) == 2 < before  # in at the start, out at the end
    rng = np.random.default_rng(3)
    for time in (5, 64):  # the time axis is dynamic: shapes are not baked in
        feeds = {"x": rng.standard_normal((1, CHANNELS, 1, time)).astype(np.float32)}
        np.testing.assert_allclose(_run(optimized, feeds), _run(model, feeds), atol=1e-5)


def test_a_broadcast_sum_is_left_in_the_plain_layout(tmp_path: Path) -> None:
    model = _broadcast_sum()
    optimized = _optimized(model, tmp_path)
    keep_blocked(optimized)
    moved = [n.op_type for n in optimized.graph.node if n.name.endswith("_narrate_blocked")]
    assert "Add" not in moved
    rng = np.random.default_rng(4)
    feeds = {
        "x": rng.standard_normal((1, CHANNELS, 1, 9)).astype(np.float32),
        "g": rng.standard_normal((1, CHANNELS, 1, 1)).astype(np.float32),
    }
    np.testing.assert_allclose(_run(optimized, feeds), _run(model, feeds), atol=1e-5)


def test_the_voice_cache_converts_only_around_the_upsamplers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    optimized_session(MODEL, onnxruntime.SessionOptions())
    cached = onnx.load(str(cached_model_path(MODEL)))
    if not any(n.domain == BLOCKED_DOMAIN for n in cached.graph.node):
        pytest.skip("onnxruntime has no blocked convolutions on this CPU")

    def vocoder_tensors(op: str, side: str) -> list[str]:
        names = [t for n in cached.graph.node if n.op_type == op for t in getattr(n, side)]
        return [t for t in names if t.startswith("/dec/")]

    # In: each upsampler's interleaved output. Out: each upsampler's phases, and the audio.
    # Before this pass, each of the vocoder's 20 other convolutions had one of each too.
    assert len(vocoder_tensors("ReorderInput", "input")) == 3
    assert len(vocoder_tensors("ReorderOutput", "output")) == 4
    # Each resblock convolution adds its residual input as it writes (Joe: 6 per stage).
    summing = [n for n in cached.graph.node if n.op_type == "Conv" and len(n.input) == 4]
    assert len(summing) == 18
    leaky = [n.name for n in cached.graph.node if n.op_type == "LeakyRelu"]
    assert leaky and all(name.endswith("_narrate_blocked") for name in leaky)
