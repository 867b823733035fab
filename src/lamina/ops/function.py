"""``Function``: a captured graph of ops between symbolic inputs and outputs, applied
again to real values (Keras's ``keras.Function``; a Functional model without layers' state).

>>> a = KerasTensor((None, 3)); b = KerasTensor((None, 3))
>>> fn = Function([a, b], ops.sigmoid(a + b))
>>> fn([np.ones((2, 3)), np.zeros((2, 3))])  # sigmoid(1) everywhere
"""

from __future__ import annotations

from lamina import backend
from lamina.backend import KerasTensor
from lamina.backend.common import tree
from lamina.ops.operation import Operation


def _graph_nodes(inputs: list, outputs: list) -> list:
    """The nodes computing ``outputs`` from ``inputs``, each after the nodes it reads."""
    given = {id(tensor) for tensor in inputs}
    order, done, active = [], set(), set()

    def visit(tensor):
        if id(tensor) in given:
            return
        history = tensor._keras_history
        if history is None:
            raise ValueError(
                f"Function: output depends on {tensor}, which is neither among the inputs "
                "nor computed from them."
            )
        operation, node_index, _ = history
        node = operation._inbound_nodes[node_index]
        if id(node) in done:
            return
        if id(node) in active:
            raise ValueError("Function: the graph has a cycle.")
        active.add(id(node))
        for parent in node.input_tensors:
            visit(parent)
        active.discard(id(node))
        done.add(id(node))
        order.append(node)

    for tensor in outputs:
        visit(tensor)
    return order


class Function(Operation):
    """Captures the ops linking ``inputs`` to ``outputs`` (KerasTensors or nested
    structures of them) and reapplies them to new values with ``fn(inputs)``."""

    def __init__(self, inputs, outputs, name=None):
        super().__init__(name=name)
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        self.inputs = tree.flatten(inputs)
        self.outputs = tree.flatten(outputs)
        for tensor in self.inputs + self.outputs:
            if not isinstance(tensor, KerasTensor):
                raise TypeError(
                    "Function: inputs and outputs must be symbolic tensors (KerasTensor); "
                    f"received {type(tensor).__name__}."
                )
        self._nodes = _graph_nodes(self.inputs, self.outputs)

    @property
    def operations(self) -> list:
        """The graph's operations, in the order they run (each once)."""
        seen, found = set(), []
        for node in self._nodes:
            if id(node.operation) not in seen:
                seen.add(id(node.operation))
                found.append(node.operation)
        return found

    def call(self, inputs):
        flat = tree.flatten(inputs)
        if len(flat) != len(self.inputs):
            raise ValueError(
                f"Function {self.name!r} expects {len(self.inputs)} input(s); received "
                f"{len(flat)}."
            )
        values = {id(tensor): value for tensor, value in zip(self.inputs, flat)}
        for node in self._nodes:
            args, kwargs = node.substitute(values)
            outputs = node.operation(*args, **kwargs)
            for tensor, value in zip(node.output_tensors, tree.flatten(outputs)):
                values[id(tensor)] = value
        return tree.map_structure(lambda tensor: values[id(tensor)], self._outputs_struct)

    def compute_output_spec(self, inputs):
        return backend.compute_output_spec(self.call, inputs)


__all__ = ["Function"]
