"""A Node records one call of an Operation on symbolic tensors: the edges of a Functional graph."""

from __future__ import annotations

from lamina.backend import KerasTensor
from lamina.backend.common import tree


class Node:
    def __init__(self, operation, call_args=(), call_kwargs=None, outputs=None):
        self.operation = operation
        self.call_args = tuple(call_args)
        self.call_kwargs = dict(call_kwargs or {})
        self.input_tensors = [
            x
            for x in tree.flatten((self.call_args, self.call_kwargs))
            if isinstance(x, KerasTensor)
        ]
        self.outputs = outputs
        self.output_tensors = [x for x in tree.flatten(outputs) if isinstance(x, KerasTensor)]
        node_index = len(operation._inbound_nodes)
        operation._inbound_nodes.append(self)
        for tensor_index, tensor in enumerate(self.output_tensors):
            tensor._keras_history = (operation, node_index, tensor_index)
        for tensor in self.input_tensors:
            history = tensor._keras_history
            if history is not None:
                history[0]._outbound_nodes.append(self)

    @property
    def is_input(self) -> bool:
        return not self.input_tensors

    @property
    def parent_nodes(self) -> list:
        parents = []
        for tensor in self.input_tensors:
            history = tensor._keras_history
            if history is not None:
                operation, node_index, _ = history
                parents.append(operation._inbound_nodes[node_index])
        return parents

    def substitute(self, values: dict):
        """The call's arguments with each input KerasTensor replaced by ``values[id(tensor)]``."""

        def replace(x):
            return values[id(x)] if isinstance(x, KerasTensor) else x

        args = tree.map_structure(replace, self.call_args)
        kwargs = tree.map_structure(replace, self.call_kwargs)
        return args, kwargs
