"""The vocoder rewrite: every decoder convolution becomes 2-D, the audio stays the same."""

from __future__ import annotations

import numpy as np
import onnx
import onnxruntime
import pytest
from onnx import TensorProto, helper, numpy_helper

from tests.utils.piper_model import MODEL, deterministic_audio
from voices.graph_rewrite import DECODER_PREFIX, decoder_as_2d


def _audio(model: bytes | str) -> np.ndarray:
    session = onnxruntime.InferenceSession(model, providers=["CPUExecutionProvider"])
    return deterministic_audio(session)


@pytest.fixture(scope="module")
def rewritten() -> onnx.ModelProto:
    model = onnx.load(str(MODEL))
    assert decoder_as_2d(model) == 23  # Joe's HiFi-GAN: 20 convolutions, 3 upsamplers
    return model


def test_every_decoder_convolution_is_2d(rewritten: onnx.ModelProto) -> None:
    onnx.checker.check_model(rewritten)
    weights = {init.name: init for init in rewritten.graph.initializer}
    convolutions = [
        n
        for n in rewritten.graph.node
        if n.name.startswith(DECODER_PREFIX) and n.op_type in ("Conv", "ConvTranspose")
    ]
    assert convolutions
    for node in convolutions:
        assert len(weights[node.input[1]].dims) == 4, node.name
        kernel = next(a for a in node.attribute if a.name == "kernel_shape")
        assert kernel.ints[0] == 1, node.name


def test_rewritten_model_speaks_the_same_samples(rewritten: onnx.ModelProto) -> None:
    original = _audio(str(MODEL))
    mine = _audio(rewritten.SerializeToString())
    assert mine.shape == original.shape
    np.testing.assert_allclose(mine, original, atol=1e-5)


def _tiny_decoder(op: str) -> onnx.ModelProto:
    """x (1, 2, 8) → /dec/ conv (k=3, pad 1) → /dec/<op> → y: a decoder in miniature."""
    weight = numpy_helper.from_array(np.ones((2, 2, 3), dtype=np.float32), "w")
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["c"], name="/dec/conv", pads=[1, 1]),
        helper.make_node(op, ["c"], ["d"], name=f"/dec/{op}"),
        helper.make_node("Identity", ["d"], ["y"], name="/out"),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 8])],
        [weight],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15)])


def _run(model: onnx.ModelProto, x: np.ndarray) -> np.ndarray:
    session = onnxruntime.InferenceSession(
        model.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    return session.run(None, {"x": x})[0]


def test_a_small_decoder_is_rewritten_and_computes_the_same() -> None:
    x = np.random.default_rng(1).standard_normal((1, 2, 8)).astype(np.float32)
    model = _tiny_decoder("Tanh")
    expected = _run(model, x)
    assert decoder_as_2d(model) == 1
    onnx.checker.check_model(model)
    np.testing.assert_allclose(_run(model, x), expected, atol=1e-6)


def test_a_decoder_of_another_shape_is_left_alone() -> None:
    model = _tiny_decoder("Transpose")  # would need the axis handled: not rewritten
    before = model.SerializeToString()
    assert decoder_as_2d(model) == 0
    assert model.SerializeToString() == before
