"""The vocoder rewrite: every decoder convolution becomes 2-D, the audio stays the same."""

from __future__ import annotations

import numpy as np
import onnx
import onnxruntime
import pytest
from onnx import TensorProto, helper, numpy_helper

from tests.utils.piper_model import MODEL, deterministic_audio
from voices.graph_rewrite import (
    DECODER_PREFIX,
    convolutions_as_2d,
    decoder_as_2d,
    upsamplers_as_polyphase,
)


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


def _assert_speaks_like_the_published_model(model: onnx.ModelProto, atol: float) -> None:
    onnx.checker.check_model(model)
    original = _audio(str(MODEL))
    mine = _audio(model.SerializeToString())
    assert mine.shape == original.shape
    np.testing.assert_allclose(mine, original, atol=atol)


def _copy(model: onnx.ModelProto) -> onnx.ModelProto:
    copy = onnx.ModelProto()
    copy.CopyFrom(model)
    return copy


def test_rewritten_model_speaks_the_same_samples(rewritten: onnx.ModelProto) -> None:
    _assert_speaks_like_the_published_model(rewritten, atol=1e-5)


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


def test_upsamplers_become_polyphase_convolutions_with_the_same_samples(
    rewritten: onnx.ModelProto,
) -> None:
    polyphase = _copy(rewritten)
    assert upsamplers_as_polyphase(polyphase) == 3
    assert not [n for n in polyphase.graph.node if n.op_type == "ConvTranspose"]
    _assert_speaks_like_the_published_model(polyphase, atol=1e-5)


def _upsampler(stride: int, kernel: int, pads: tuple[int, int], bias: bool) -> onnx.ModelProto:
    """x (1, 3, 7) → /dec/ transposed convolution to 2 channels → y (read outside /dec/)."""
    rng = np.random.default_rng(stride * 100 + kernel)
    weights = [numpy_helper.from_array(rng.standard_normal((3, 2, kernel), np.float32), "w")]
    inputs = ["x", "w"]
    if bias:
        weights.append(numpy_helper.from_array(rng.standard_normal(2).astype(np.float32), "b"))
        inputs.append("b")
    up = helper.make_node(
        "ConvTranspose", inputs, ["u"], name="/dec/up", strides=[stride], pads=list(pads)
    )
    graph = helper.make_graph(
        [up, helper.make_node("Identity", ["u"], ["y"], name="/out")],
        "upsampler",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 7])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, None])],
        weights,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15)])


@pytest.mark.parametrize(
    ("stride", "kernel", "pads", "bias"),
    [
        (8, 16, (4, 4), True),  # Piper's first two upsamplers
        (4, 8, (2, 2), True),  # and its third
        (2, 4, (1, 1), False),
        (3, 6, (0, 0), True),
        (2, 4, (0, 3), True),
        (2, 2, (0, 0), False),
    ],
)
def test_a_transposed_convolution_and_its_polyphase_form_agree(
    stride: int, kernel: int, pads: tuple[int, int], bias: bool
) -> None:
    x = np.random.default_rng(7).standard_normal((1, 3, 7)).astype(np.float32)
    model = _upsampler(stride, kernel, pads, bias)
    expected = _run(model, x)
    assert decoder_as_2d(model) == 1
    assert upsamplers_as_polyphase(model) == 1
    onnx.checker.check_model(model)
    assert [n.op_type for n in model.graph.node if n.op_type.startswith("Conv")] == ["Conv"]
    mine = _run(model, x)
    assert mine.shape == expected.shape
    np.testing.assert_allclose(mine, expected, atol=1e-5)


def test_a_transposed_convolution_without_a_polyphase_form_is_kept() -> None:
    model = _upsampler(stride=3, kernel=4, pads=(0, 0), bias=True)  # 4 taps, stride 3
    decoder_as_2d(model)
    assert upsamplers_as_polyphase(model) == 0
    assert [n.op_type for n in model.graph.node if n.op_type.startswith("Conv")] == [
        "ConvTranspose"
    ]


def test_every_other_convolution_is_lifted_with_the_same_samples(
    rewritten: onnx.ModelProto,
) -> None:
    model = _copy(rewritten)
    assert convolutions_as_2d(model) == 109  # text encoder, duration predictor, flow
    ranks = {init.name: len(init.dims) for init in model.graph.initializer}
    assert all(ranks[n.input[1]] == 4 for n in model.graph.node if n.op_type == "Conv")
    _assert_speaks_like_the_published_model(model, atol=1e-4)  # the flow amplifies rounding


def _plain_convolutions(shared: bool) -> onnx.ModelProto:
    """x (1, 4, 11) → conv (groups 2, dilation 2, stride 2) → conv (1×1) → y."""
    rng = np.random.default_rng(5)
    w0 = numpy_helper.from_array(rng.standard_normal((4, 2, 3)).astype(np.float32), "w0")
    w1 = numpy_helper.from_array(rng.standard_normal((4, 4, 1)).astype(np.float32), "w1")
    second = "w0" if shared else "w1"
    nodes = [
        helper.make_node(
            "Conv", ["x", "w0"], ["h"], "/enc/c0", group=2, dilations=[2], strides=[2], pads=[2, 1]
        ),
        helper.make_node("Relu", ["h"], ["r"], "/enc/relu"),
        helper.make_node("Conv", ["r", second], ["y"], "/enc/c1", group=2 if shared else 1),
    ]
    graph = helper.make_graph(
        nodes,
        "plain",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 11])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, None])],
        [w0, w1],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15)])


def test_a_lone_convolution_is_lifted_and_computes_the_same() -> None:
    x = np.random.default_rng(6).standard_normal((1, 4, 11)).astype(np.float32)
    model = _plain_convolutions(shared=False)
    expected = _run(model, x)
    assert convolutions_as_2d(model) == 2
    onnx.checker.check_model(model)
    np.testing.assert_allclose(_run(model, x), expected, atol=1e-5)


def test_convolutions_sharing_a_weight_keep_it_1d() -> None:
    model = _plain_convolutions(shared=True)
    before = model.SerializeToString()
    assert convolutions_as_2d(model) == 0
    assert model.SerializeToString() == before
