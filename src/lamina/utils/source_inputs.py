"""``get_source_inputs``: the graph inputs a symbolic tensor is computed from."""

from __future__ import annotations

from lamina.backend import KerasTensor


def get_source_inputs(tensor):
    """The input tensors (``lamina.Input``…) needed to compute the symbolic ``tensor``, in the
    order the graph meets them, each once. A tensor made by no operation is its own source;
    anything that is not a symbolic tensor is returned as it is, as in Keras.

    >>> import lamina
    >>> a, b = lamina.Input((3,)), lamina.Input((3,))
    >>> c = lamina.layers.Add()([a, b])
    >>> get_source_inputs(c) == [a, b]
    True
    """
    if not isinstance(tensor, KerasTensor):
        return tensor
    sources: list = []
    visited_nodes: set[int] = set()

    def add(source):
        if all(source is not known for known in sources):
            sources.append(source)

    stack = [tensor]  # depth-first, left to right, without recursion (deep graphs)
    while stack:
        current = stack.pop()
        history = current._keras_history
        if history is None or not history[0]._inbound_nodes:
            add(current)
            continue
        operation, node_index, _ = history
        node = operation._inbound_nodes[node_index]
        if node.is_input:
            for output in node.output_tensors:
                add(output)
        elif id(node) not in visited_nodes:
            visited_nodes.add(id(node))
            stack.extend(reversed(node.input_tensors))
    return sources
