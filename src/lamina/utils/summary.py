"""``model.summary()``: a table of layers, output shapes and parameter counts, as Keras 3."""

from __future__ import annotations

import math
import re

_DTYPE_BYTES = {
    "float16": 2, "bfloat16": 2, "float32": 4, "float64": 8, "int8": 1, "uint8": 1,
    "int16": 2, "uint16": 2, "int32": 4, "uint32": 4, "int64": 8, "uint64": 8, "bool": 1,
}  # fmt: skip


def readable_memory_size(num_bytes: float) -> str:
    units = ["B", "KB", "MB", "GB", "TB"]
    index = 0
    while num_bytes >= 1024 and index < len(units) - 1:
        num_bytes /= 1024.0
        index += 1
    return f"{num_bytes:.2f} {units[index]}"


def _count(variables):
    count = sum(math.prod(v.shape) for v in variables)
    size = sum(math.prod(v.shape) * _DTYPE_BYTES.get(v.dtype, 4) for v in variables)
    return count, size


def _format_shape(shape) -> str:
    if isinstance(shape, dict):
        return "{" + ", ".join(f"{k}: {_format_shape(v)}" for k, v in shape.items()) + "}"
    if isinstance(shape, list):
        return "[" + ", ".join(_format_shape(s) for s in shape) + "]"
    return (
        "("
        + ", ".join("None" if d is None else str(d) for d in shape)
        + (",)" if len(shape) == 1 else ")")
    )


def _layer_output_shape(layer, model) -> str:
    from lamina.backend.common import tree

    nodes = layer._inbound_nodes
    model_nodes = getattr(model, "_nodes", None)
    if model_nodes is not None:
        ids = {id(n) for n in model_nodes}
        nodes = [n for n in nodes if id(n) in ids] or nodes
    if not nodes:
        return "?"
    outputs = nodes[-1].outputs if model_nodes is None else nodes[0].outputs
    shapes = tree.map_structure(lambda t: tuple(t.shape), outputs)
    if isinstance(shapes, tuple):
        return _format_shape(shapes)
    return _format_shape(shapes)


def _connections(layer, model) -> list[str]:
    node_ids = {id(n) for n in getattr(model, "_nodes", [])}
    result = []
    for node in layer._inbound_nodes:
        if id(node) not in node_ids:
            continue
        for tensor in node.input_tensors:
            operation, node_index, tensor_index = tensor._keras_history
            result.append(f"{operation.name}[{node_index}][{tensor_index}]")
    return result or ["-"]


def _cell(text, width, align) -> str:
    text = str(text)
    if len(text) > width:
        text = text[: width - 1] + "…"
    return " " + (text.rjust(width) if align == "right" else text.ljust(width)) + " "


def _row(cells, widths, aligns, bar="│") -> str:
    return bar + bar.join(_cell(c, w - 2, a) for c, w, a in zip(cells, widths, aligns)) + bar


def _column_widths(positions, line_length) -> list[int]:
    """Keras's ``positions``: each column's right edge as a fraction of ``line_length``."""
    widths, current = [], 0
    for position in positions:
        width = int(position * line_length) - current
        if width < 4:
            raise ValueError(
                "Insufficient console width to print summary: "
                f"positions={list(positions)} with line_length={line_length}."
            )
        widths.append(width)
        current += width
    # The table's bars take one character per column (and one more on the right).
    widths[-1] -= 1
    return [max(3, width - 1) for width in widths]


def layer_range_bounds(layers, layer_range=None) -> tuple[int, int]:
    """Keras's ``layer_range``: ``(first, last)`` layer-name patterns (``re.match``), both
    included; returns the slice bounds into ``layers``."""
    if layer_range is None:
        return 0, len(layers)
    if not isinstance(layer_range, (list, tuple)) or len(layer_range) != 2:
        raise ValueError(
            f"layer_range must be a list or tuple of length 2. Received: layer_range="
            f"{layer_range!r}"
        )
    if not all(isinstance(item, str) for item in layer_range):
        raise ValueError(f"layer_range should contain string type only. Received: {layer_range}")
    lower = [i for i, layer in enumerate(layers) if re.match(layer_range[0], layer.name)]
    upper = [i for i, layer in enumerate(layers) if re.match(layer_range[1], layer.name)]
    if not lower or not upper:
        raise ValueError(
            "Passed layer_names do not match the layer names in the model. Received: "
            f"{layer_range}; the layers are {[layer.name for layer in layers]}."
        )
    if min(lower) > max(upper):
        return min(upper), max(lower) + 1
    return min(lower), max(upper) + 1


def print_summary(
    model,
    line_length=None,
    positions=None,
    print_fn=None,
    expand_nested=False,
    show_trainable=False,
    layer_range=None,
):
    print_fn = print_fn or print
    is_graph = hasattr(model, "_nodes")
    headers = ["Layer (type)", "Output Shape", "Param #"]
    widths = [38, 29, 17]  # Keras 3's column widths, separators excluded
    aligns = ["left", "left", "right"]
    default_length = 88
    if is_graph:
        headers.append("Connected to")
        widths = [31, 27, 17, 28]
        aligns.append("left")
        default_length = 108
    if positions is not None and len(positions) != len(headers):
        raise ValueError(
            f"positions must have one entry per column ({len(headers)}: {headers}); "
            f"received positions={list(positions)}."
        )
    if show_trainable:
        headers.append("Trainable")
        aligns.append("center")
        widths.append(11)
        if positions is not None:  # as Keras: the given columns take 90%
            default_length += 12
            positions = [p * 0.90 for p in positions] + [1.0]
    if positions is not None:
        widths = _column_widths(positions, line_length or default_length)
    elif line_length:
        scale = line_length / (sum(widths) + len(widths) + 1)
        widths = [max(8, int(w * scale)) for w in widths]

    def rule(left, mid, right, fill):
        return left + mid.join(fill * w for w in widths) + right

    lines = [f'Model: "{model.name}"']
    lines.append(rule("┏", "┳", "┓", "━"))
    lines.append(_row(headers, widths, aligns, bar="┃"))
    lines.append(rule("┡", "╇", "┩", "━"))
    layers = list(_graph_layers(model)) if is_graph else list(model.layers)
    start, stop = layer_range_bounds(layers, layer_range)
    rows = []
    for layer in layers[start:stop]:
        rows.extend(_layer_rows(layer, model, is_graph, show_trainable, expand_nested, 0))
    for index, cells in enumerate(rows):
        lines.append(_row(cells, widths, aligns))
        if index != len(rows) - 1:
            lines.append(rule("├", "┼", "┤", "─"))
    lines.append(rule("└", "┴", "┘", "─"))
    trainable, trainable_bytes = _count(model.trainable_weights)
    frozen, frozen_bytes = _count(model.non_trainable_weights)
    optimizer = getattr(model, "optimizer", None)
    optimizer_vars = (
        list(optimizer.variables)
        if optimizer is not None and getattr(optimizer, "built", False)
        else []
    )
    extra, extra_bytes = _count(optimizer_vars)
    total, total_bytes = trainable + frozen + extra, trainable_bytes + frozen_bytes + extra_bytes
    lines.append(f" Total params: {total:,} ({readable_memory_size(total_bytes)})")
    lines.append(f" Trainable params: {trainable:,} ({readable_memory_size(trainable_bytes)})")
    lines.append(f" Non-trainable params: {frozen:,} ({readable_memory_size(frozen_bytes)})")
    if optimizer_vars:
        lines.append(f" Optimizer params: {extra:,} ({readable_memory_size(extra_bytes)})")
    for line in lines:
        print_fn(line)


def _layer_rows(layer, model, is_graph, show_trainable, expand_nested, level) -> list:
    prefix = "   " * level + "└ " if level else ""
    name = f"{prefix}{layer.name} ({type(layer).__name__})"
    params = f"{layer.count_params():,}" if layer.built else "0 (unbuilt)"
    cells = [name, _layer_output_shape(layer, model), params]
    if is_graph:
        cells.append(", ".join(_connections(layer, model)))
    if show_trainable:
        cells.append(("Y" if layer.trainable else "N") if layer.weights else "-")
    rows = [cells]
    nested = getattr(layer, "layers", None) if expand_nested else None
    for inner in nested or ():
        # The inner layers' shapes and connections are those within the nested model.
        rows.extend(_layer_rows(inner, layer, is_graph, show_trainable, True, level + 1))
    return rows


def _graph_layers(model):
    from lamina.layers.layer import Layer

    for operation in model._operations:
        if isinstance(operation, Layer):
            yield operation
