"""Piper's vocoder rewritten from 1-D to 2-D convolutions: the same arithmetic, faster on CPU.

Piper models are VITS networks whose decoder (a HiFi-GAN vocoder, `/dec/…` nodes) is a
stack of 1-D convolutions over (batch, channels, time). It is most of the synthesis time
(≈80% of the kernel time, profiled here). onnxruntime runs a 1-D `Conv` as im2col plus a
matrix product, but it has blocked (NCHWc) kernels for 2-D convolutions, which it uses
when the channels allow. So the decoder is given a height of 1: its input gains an axis,
every convolution weight (Cout, Cin, k) becomes (Cout, Cin, 1, k) with its attributes to
match, and its output loses the axis again. Between the convolutions there are only
element-wise operations (`Add`, `LeakyRelu`, `Tanh`, division by a scalar), which do not
care about the extra axis. Measured here: ≈10% less CPU per second of speech, the same
samples to within 1e-6.

When a model's decoder is not of that shape, nothing is rewritten and the model runs as
published.

`upsamplers_as_polyphase` then replaces the decoder's transposed convolutions (the
upsamplers), which onnxruntime runs only in plain layout, by ordinary convolutions in
polyphase form: with stride s and a kernel of L·s taps, output sample q·s + r is an
L-tap convolution of the input with every s-th tap of the kernel, starting at r. One
convolution with s times the output channels computes all s phases at the input rate
(the same multiplications as before), and a reshape, a transpose and a crop interleave
them into time. The convolutions around an upsampler can then all run in onnxruntime's
blocked layout (see `voices.blocked_layout`).

`convolutions_as_2d` lifts every other 1-D convolution (text encoder, duration predictor,
flow) to 2-D on its own, with a height axis added before it and removed after.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Final

import numpy as np

if TYPE_CHECKING:
    import onnx

DECODER_PREFIX: Final = "/dec/"
"""Node-name prefix of the vocoder in Piper's exported models (torch.onnx scopes)."""
CONVOLUTIONS: Final = frozenset({"Conv", "ConvTranspose"})
SHAPE_FREE_OPS: Final = frozenset({"Add", "LeakyRelu", "Tanh", "Div", "Mul"})
"""Operations that work unchanged on (batch, channels, 1, time)."""
MIN_OPSET: Final = 13
"""From opset 13 on, Squeeze and Unsqueeze take their axes as an input, as written here."""
_AXIS: Final = "narrate_height_axis"
_LIFTED: Final = "_narrate_2d"
_LOWERED: Final = "_narrate_1d"
_POLYPHASE: Final = "_narrate_polyphase"
INT64_MAX: Final = 2**63 - 1
"""`Slice`'s "to the end"."""


def _default_opset(model: onnx.ModelProto) -> int:
    return next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 0)


def _is_scalar(name: str, initializers: dict[str, onnx.TensorProto]) -> bool:
    return name in initializers and int(np.prod(initializers[name].dims)) == 1


def _decoder_if_rewritable(
    graph: onnx.GraphProto, initializers: dict[str, onnx.TensorProto]
) -> list[onnx.NodeProto]:
    """The decoder's nodes when every one of them tolerates a height axis, else []."""
    decoder = [n for n in graph.node if n.name.startswith(DECODER_PREFIX)]
    inside = {out for node in decoder for out in node.output}
    if any(output.name in inside for output in graph.output):
        return []
    convolutions = [n for n in decoder if n.op_type in CONVOLUTIONS]
    weights = [n.input[1] for n in convolutions]
    names = [n.name for n in convolutions]
    if len(set(weights)) != len(weights) or len(set(names)) != len(names):
        return []  # shared weights or unnamed nodes: not the graph this was written for
    for node in decoder:
        if node.op_type in CONVOLUTIONS:
            weight = initializers.get(node.input[1])
            if weight is None or len(weight.dims) != 3:
                return []
            if any(name not in initializers for name in node.input[1:]):
                return []
        elif node.op_type in SHAPE_FREE_OPS:
            outside = [name for name in node.input if name not in inside]
            if not all(_is_scalar(name, initializers) for name in outside):
                return []
        else:
            return []
    return decoder


def _lift_convolution(node: onnx.NodeProto, weight: onnx.TensorProto) -> None:
    from onnx import helper, numpy_helper

    array = numpy_helper.to_array(weight)
    weight.CopyFrom(numpy_helper.from_array(array[:, :, np.newaxis, :], weight.name))
    for attribute in node.attribute:
        value = helper.get_attribute_value(attribute)
        if attribute.name in ("kernel_shape", "strides", "dilations"):
            attribute.CopyFrom(helper.make_attribute(attribute.name, [1, *value]))
        elif attribute.name == "output_padding":
            attribute.CopyFrom(helper.make_attribute(attribute.name, [0, *value]))
        elif attribute.name == "pads":
            begin, end = value
            attribute.CopyFrom(helper.make_attribute("pads", [0, begin, 0, end]))


def _add_axis(graph: onnx.GraphProto) -> None:
    from onnx import numpy_helper

    if not any(init.name == _AXIS for init in graph.initializer):
        graph.initializer.append(numpy_helper.from_array(np.array([2], dtype=np.int64), _AXIS))


def decoder_as_2d(model: onnx.ModelProto) -> int:
    """Rewrite `model`'s decoder in place to 2-D convolutions; the number rewritten
    (0 when the decoder is not of the expected shape, and the model is left alone)."""
    from onnx import helper

    graph = model.graph
    if _default_opset(model) < MIN_OPSET:
        return 0
    initializers = {init.name: init for init in graph.initializer}
    decoder = _decoder_if_rewritable(graph, initializers)
    convolutions = [n for n in decoder if n.op_type in CONVOLUTIONS]
    if not convolutions:
        return 0
    inside = {out for node in decoder for out in node.output}
    rewritten = {node.name for node in convolutions}
    _add_axis(graph)
    nodes: list[onnx.NodeProto] = []
    converted: set[str] = set()

    def convert(op: str, name: str, suffix: str) -> str:
        if name not in converted:
            converted.add(name)
            nodes.append(helper.make_node(op, [name, _AXIS], [name + suffix]))
        return name + suffix

    for node in graph.node:
        if node.name in rewritten:
            _lift_convolution(node, initializers[node.input[1]])
            if node.input[0] not in inside:  # the decoder's input gains the height axis
                node.input[0] = convert("Unsqueeze", node.input[0], _LIFTED)
        elif not node.name.startswith(DECODER_PREFIX):
            for position, name in enumerate(node.input):
                if name in inside:  # and loses it where the rest of the model reads it
                    node.input[position] = convert("Squeeze", name, _LOWERED)
        nodes.append(node)
    del graph.node[:]
    graph.node.extend(nodes)
    # Shapes inferred for the decoder's tensors are 1-D ones now; drop them.
    stale = [info for info in graph.value_info if info.name in inside]
    for info in stale:
        graph.value_info.remove(info)
    return len(convolutions)


def convolutions_as_2d(model: onnx.ModelProto) -> int:
    """Lift every remaining 1-D convolution of `model` (the text encoder's, the flow's)
    to 2-D on its own, in place: a height axis added before it and removed after. Its
    neighbours stay 1-D; onnxruntime converts to and from its blocked layout around each
    such convolution, which still costs less than a 1-D convolution. Run after
    `decoder_as_2d`. The number lifted."""
    from onnx import helper

    graph = model.graph
    if _default_opset(model) < MIN_OPSET:
        return 0
    initializers = {init.name: init for init in graph.initializer}
    uses = Counter(name for node in graph.node for name in node.input)
    nodes: list[onnx.NodeProto] = []
    lifted = 0
    for node in graph.node:
        weight = initializers.get(node.input[1]) if node.op_type == "Conv" else None
        auto_pad = _attributes(node).get("auto_pad", b"NOTSET")
        if weight is None or len(weight.dims) != 3 or auto_pad not in (b"NOTSET", "NOTSET"):
            nodes.append(node)
            continue
        if uses[node.input[1]] != 1:
            nodes.append(node)  # a weight shared with another node keeps its shape
            continue
        _lift_convolution(node, weight)
        source, result = node.input[0], node.output[0]
        nodes.append(helper.make_node("Unsqueeze", [source, _AXIS], [result + _LIFTED + "_in"]))
        node.input[0], node.output[0] = result + _LIFTED + "_in", result + _LIFTED
        nodes.append(node)
        nodes.append(helper.make_node("Squeeze", [result + _LIFTED, _AXIS], [result]))
        lifted += 1
    if lifted:
        _add_axis(graph)
        del graph.node[:]
        graph.node.extend(nodes)
    return lifted


def _attributes(node: onnx.NodeProto) -> dict[str, object]:
    from onnx import helper

    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _polyphase_shape(
    node: onnx.NodeProto, initializers: dict[str, onnx.TensorProto]
) -> tuple[int, int, int] | None:
    """(stride, begin pad, end pad) of a lifted transposed convolution that has a
    polyphase form (kernel a multiple of the stride, no groups, dilation or output
    padding), else None."""
    weight = initializers.get(node.input[1])
    if weight is None or len(weight.dims) != 4 or weight.dims[2] != 1:
        return None
    a = _attributes(node)
    strides = list(a.get("strides", [1, 1]))  # type: ignore[call-overload]
    pads = list(a.get("pads", [0, 0, 0, 0]))  # type: ignore[call-overload]
    plain = (
        a.get("group", 1) == 1
        and list(a.get("dilations", [1, 1])) == [1, 1]  # type: ignore[call-overload]
        and not any(a.get("output_padding", []))  # type: ignore[call-overload]
        and a.get("auto_pad", b"NOTSET") in (b"NOTSET", "NOTSET")
        and "output_shape" not in a
        and len(strides) == 2
        and strides[0] == 1
        and len(pads) == 4
        and pads[0] == pads[2] == 0
    )
    stride = strides[1] if plain else 0
    if stride < 1 or weight.dims[3] % stride != 0:
        return None
    return stride, pads[1], pads[3]


def upsamplers_as_polyphase(model: onnx.ModelProto) -> int:
    """Replace the 2-D decoder's transposed convolutions by polyphase convolutions, in
    place; the number replaced. Run after `decoder_as_2d`."""
    from onnx import helper, numpy_helper

    graph = model.graph
    initializers = {init.name: init for init in graph.initializer}
    nodes: list[onnx.NodeProto] = []
    replaced = 0
    for node in graph.node:
        shape = None
        if node.op_type == "ConvTranspose" and node.name.startswith(DECODER_PREFIX):
            shape = _polyphase_shape(node, initializers)
        if shape is None:
            nodes.append(node)
            continue
        stride, pad_begin, pad_end = shape
        weight = numpy_helper.to_array(initializers[node.input[1]])  # (Cin, Cout, 1, L·s)
        cin, cout, _, kernel = weight.shape
        taps = kernel // stride
        # Phase r of output channel c becomes channel c·s + r; its tap i is the kernel's
        # tap r + (L-1-i)·s (a convolution runs over its kernel the other way round).
        phases = weight.reshape(cin, cout, taps, stride)[:, :, ::-1, :]
        phases = phases.transpose(1, 3, 0, 2).reshape(cout * stride, cin, 1, taps)
        name = node.name + _POLYPHASE
        constants = {
            "weight": np.ascontiguousarray(phases),
            "by_phase": np.array([0, cout, stride, -1], dtype=np.int64),
            "in_time": np.array([0, cout, 1, -1], dtype=np.int64),
            "starts": np.array([pad_begin], dtype=np.int64),
            "ends": np.array([-pad_end if pad_end else INT64_MAX], dtype=np.int64),
            "axes": np.array([3], dtype=np.int64),
        }
        inputs = [node.input[0], f"{name}/weight"]
        if len(node.input) > 2 and node.input[2]:
            bias = numpy_helper.to_array(initializers[node.input[2]])
            constants["bias"] = np.repeat(bias, stride)
            inputs.append(f"{name}/bias")
        graph.initializer.extend(
            numpy_helper.from_array(value, f"{name}/{key}") for key, value in constants.items()
        )
        phased, grouped, interleaved, timed = (f"{name}/{t}" for t in ("z", "g", "t", "y"))
        pads = [0, taps - 1, 0, taps - 1]
        crop = [timed, f"{name}/starts", f"{name}/ends", f"{name}/axes"]
        nodes += [
            helper.make_node("Conv", inputs, [phased], name, kernel_shape=[1, taps], pads=pads),
            helper.make_node("Reshape", [phased, f"{name}/by_phase"], [grouped], f"{name}/g"),
            helper.make_node("Transpose", [grouped], [interleaved], f"{name}/t", perm=[0, 1, 3, 2]),
            helper.make_node("Reshape", [interleaved, f"{name}/in_time"], [timed], f"{name}/y"),
            helper.make_node("Slice", crop, list(node.output), f"{name}/crop"),
        ]
        replaced += 1
    if replaced:
        del graph.node[:]
        graph.node.extend(nodes)
        used = {name for node in graph.node for name in node.input}
        unused = [init for init in graph.initializer if init.name not in used]
        for init in unused:
            graph.initializer.remove(init)
    return replaced
