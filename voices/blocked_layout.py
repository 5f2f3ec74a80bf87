"""Element-wise operations moved into onnxruntime's blocked layout, between convolutions.

onnxruntime runs 2-D convolutions in a blocked channel layout (NCHWc) and converts each
convolution's input into it and its output out of it again, unless the operations in
between understand the layout too. Its own pass teaches that to Add, Mul, Relu, Sigmoid
and Tanh, but not to LeakyRelu or Div, and HiFi-GAN (Piper's vocoder) puts a LeakyRelu
before every convolution: so the vocoder's tensors went in and out of the blocked layout
around every one of them (≈10% of synthesis time here, with the element-wise work done
in the plain layout).

Arithmetic element by element does not care how the elements lie in memory, as long as
every operand lies the same way. This pass runs on the graph onnxruntime has optimized
and saved, and lets such operations read and write blocked tensors directly, so that
only the start and end of a chain of convolutions are converted. An operation moves into
the blocked layout only when all of this holds:

- it is element-wise (`ELEMENTWISE`), and its result is converted to the blocked layout
  for a convolution, directly or through other such operations;
- every operand is either a scalar constant, or a tensor whose channel count fills whole
  blocks (a multiple of `WHOLE_BLOCKS`; no padding channels in any block size);
- two tensor operands provably have the same shape, so nothing is broadcast: the same
  channels and the same spatial extent, tracked as onnxruntime's own pass tracks it (a
  stride-1 convolution padded to keep its size keeps its input's extent).

Where such an `Add` sums a blocked convolution's output and another tensor, the
convolution adds that tensor itself as it writes (its "Sum" input), saving a pass over
memory. Everything else stays as onnxruntime left it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

import numpy as np

if TYPE_CHECKING:
    import onnx

BLOCKED_DOMAIN: Final = "com.microsoft.nchwc"
ELEMENTWISE: Final = frozenset({"LeakyRelu", "Relu", "Tanh", "Sigmoid", "Add", "Sub", "Mul", "Div"})
WHOLE_BLOCKS: Final = 16
"""The largest NCHWc block onnxruntime uses (AVX-512); a multiple of it fills every size."""
REORDERS: Final = frozenset({"ReorderInput", "ReorderOutput"})
_BLOCKED: Final = "_narrate_blocked"


def _is(node: onnx.NodeProto, op: str, domain: str = "") -> bool:
    return node.op_type == op and node.domain == domain


def _ints(node: onnx.NodeProto, name: str, default: list[int]) -> list[int]:
    return next((list(a.ints) or [a.i] for a in node.attribute if a.name == name), default)


def _keeps_extent(conv: onnx.NodeProto) -> bool:
    """A blocked convolution whose output has its input's height and width."""
    kernel = _ints(conv, "kernel_shape", [])
    dilations = _ints(conv, "dilations", [1] * len(kernel))
    strides = _ints(conv, "strides", [1] * len(kernel))
    pads = _ints(conv, "pads", [0] * 2 * len(kernel))
    auto_pad = next((a.s for a in conv.attribute if a.name == "auto_pad"), b"NOTSET")
    if not kernel or auto_pad != b"NOTSET" or any(s != 1 for s in strides):
        return False
    rank = len(kernel)
    return all(
        pads[axis] + pads[axis + rank] == dilations[axis] * (kernel[axis] - 1)
        for axis in range(rank)
    )


@dataclass
class _Graph:
    """What the pass needs to know about a graph, indexed once."""

    nodes: list[onnx.NodeProto]
    scalars: set[str]
    constants: set[str]
    weight_dims: dict[str, list[int]]
    consumers: dict[str, list[onnx.NodeProto]] = field(default_factory=dict)

    @classmethod
    def of(cls, graph: onnx.GraphProto) -> _Graph:
        indexed = cls(
            nodes=list(graph.node),
            scalars={i.name for i in graph.initializer if int(np.prod(i.dims)) == 1},
            constants={i.name for i in graph.initializer},
            weight_dims={i.name: list(i.dims) for i in graph.initializer},
        )
        for node in indexed.nodes:
            for name in node.input:
                indexed.consumers.setdefault(name, []).append(node)
        return indexed

    def tensor_operands(self, node: onnx.NodeProto) -> list[str] | None:
        """The node's non-constant operands; None if a constant operand is not a scalar."""
        if any(name in self.constants and name not in self.scalars for name in node.input):
            return None
        return [name for name in node.input if name and name not in self.constants]

    def movable(self, node: onnx.NodeProto) -> bool:
        return node.domain == "" and node.op_type in ELEMENTWISE and len(node.output) == 1


def _wanted_channels(g: _Graph) -> dict[str, int]:
    """Plain tensors that end up blocked for a convolution, with their channel counts,
    through element-wise operations (graph order is topological, so one backward sweep)."""
    wanted: dict[str, int] = {}
    conflicting: set[str] = set()

    def want(name: str, channels: int) -> None:
        if wanted.setdefault(name, channels) != channels:
            conflicting.add(name)

    for node in reversed(g.nodes):
        if _is(node, "ReorderInput", BLOCKED_DOMAIN):
            convs = g.consumers.get(node.output[0], [])
            plain = [
                c
                for c in convs
                if _is(c, "Conv", BLOCKED_DOMAIN)
                and c.input[0] == node.output[0]
                and _ints(c, "group", [1]) == [1]
            ]
            counts = {g.weight_dims.get(c.input[1], [0, 0])[1] for c in plain}
            if convs and len(plain) == len(convs) and len(counts) == 1:
                channels = counts.pop()
                if channels % WHOLE_BLOCKS == 0:
                    want(node.input[0], channels)
        elif g.movable(node) and node.output[0] in wanted:
            for name in g.tensor_operands(node) or []:
                want(name, wanted[node.output[0]])
    for name in conflicting:
        wanted.pop(name, None)
    return wanted


def _extents(g: _Graph) -> dict[str, str]:
    """For each tensor, the name of a tensor with surely the same height and width."""
    extent: dict[str, str] = {}

    def of(name: str) -> str:
        return extent.get(name, name)

    for node in g.nodes:
        out = node.output[0] if node.output else ""
        reorder = node.domain == BLOCKED_DOMAIN and node.op_type in REORDERS
        if reorder or (_is(node, "Conv", BLOCKED_DOMAIN) and _keeps_extent(node)):
            extent[out] = of(node.input[0])
        elif g.movable(node):
            operands = g.tensor_operands(node) or []
            if operands and len({of(name) for name in operands}) == 1:
                extent[out] = of(operands[0])
    return extent


def keep_blocked(model: onnx.ModelProto) -> int:
    """Move element-wise operations of `model` (as onnxruntime optimized and saved it)
    into the blocked layout where that is safe, in place; the number moved."""
    from onnx import helper

    g = _Graph.of(model.graph)
    wanted = _wanted_channels(g)
    extent = _extents(g)
    blocked: dict[str, str] = {}  # plain tensor → its blocked twin
    for node in g.nodes:
        out = node.output[0] if node.output else ""
        if (
            _is(node, "ReorderOutput", BLOCKED_DOMAIN)
            and not _ints(node, "channels_last", [0])[0]
            and out in wanted
            and _ints(node, "channels", [0])[0] == wanted[out]
        ):
            blocked[out] = node.input[0]

    nodes: list[onnx.NodeProto] = []
    moved = 0
    for node in g.nodes:
        nodes.append(node)
        operands = g.tensor_operands(node) if g.movable(node) else None
        if not operands or node.output[0] not in wanted:
            continue
        channels = {wanted.get(name) for name in operands}
        if channels != {wanted[node.output[0]]} or len({extent.get(n, n) for n in operands}) != 1:
            continue
        for name in operands:
            if name not in blocked:  # made by a plain operation: convert it once, here
                blocked[name] = name + _BLOCKED
                reorder = helper.make_node("ReorderInput", [name], [blocked[name]], name + _BLOCKED)
                reorder.domain = BLOCKED_DOMAIN
                reorder.attribute.append(helper.make_attribute("channels_last", 0))
                nodes.insert(len(nodes) - 1, reorder)
        twin = helper.make_node(
            node.op_type,
            [blocked.get(name, name) for name in node.input],
            [node.output[0] + _BLOCKED],
            node.name + _BLOCKED,
        )
        twin.attribute.extend(node.attribute)
        nodes.append(twin)
        blocked[node.output[0]] = twin.output[0]
        moved += 1

    # A convolution whose input now exists blocked reads it directly.
    rename = {
        node.output[0]: blocked[node.input[0]]
        for node in nodes
        if _is(node, "ReorderInput", BLOCKED_DOMAIN)
        and node.input[0] in blocked
        and node.output[0] != blocked[node.input[0]]
    }
    for node in nodes:
        for position, name in enumerate(node.input):
            node.input[position] = rename.get(name, name)
    graph = model.graph
    outputs = {output.name for output in graph.output}
    # Unused plain twins go first, so a convolution's output counts only its real readers;
    # folding a sum leaves nothing else unused.
    nodes = _sums_into_convolutions(_needed(nodes, outputs))
    del graph.node[:]
    graph.node.extend(nodes)
    return moved


def _sums_into_convolutions(nodes: list[onnx.NodeProto]) -> list[onnx.NodeProto]:
    """Let a blocked convolution add a moved `Add`'s other operand as it writes its
    output (its optional fourth input, "Sum"), instead of a separate pass over memory.

    Only where the convolution's output is read by that `Add` alone, the convolution has
    no activation (which would apply after the sum), and the other operand is a tensor
    computed before the convolution runs (two same-shaped tensors: see `keep_blocked`).
    """
    position = {name: i for i, node in enumerate(nodes) for name in node.output}
    uses = Counter(name for node in nodes for name in node.input)
    fused: set[int] = set()
    for node in nodes:
        if not (_is(node, "Add") and node.name.endswith(_BLOCKED)) or len(node.input) != 2:
            continue
        for mine, other in (node.input, reversed(node.input)):
            conv_at = position.get(mine, -1)
            conv = nodes[conv_at] if conv_at >= 0 else None
            if (
                conv is not None
                and _is(conv, "Conv", BLOCKED_DOMAIN)
                and uses.get(mine) == 1
                and len(conv.input) < 4
                and not any(a.name == "activation" for a in conv.attribute)
                and 0 <= position.get(other, -1) < conv_at  # computed, not a constant
            ):
                conv.input.extend([""] * (3 - len(conv.input)) + [other])
                conv.output[0] = node.output[0]
                fused.add(id(node))
                break
    return [node for node in nodes if id(node) not in fused]


def _needed(nodes: Iterable[onnx.NodeProto], outputs: set[str]) -> list[onnx.NodeProto]:
    """The nodes that contribute to `outputs`, in their order."""
    needed = set(outputs)
    kept: list[onnx.NodeProto] = []
    for node in reversed(list(nodes)):
        if any(name in needed for name in node.output):
            kept.append(node)
            needed.update(node.input)
    return kept[::-1]
