"""Operation: anything that can be called on tensors and recorded in a Functional graph."""

from __future__ import annotations

from lamina import backend
from lamina.backend import any_symbolic_tensors, global_state
from lamina.ops.node import Node


class Operation:
    """Base of everything that can be called on tensors and recorded in a Functional graph:
    layers and the ops applied to symbolic inputs. Called on symbolic tensors
    (``KerasTensor``) it records a graph node and returns symbolic outputs; on concrete
    tensors it runs ``call``.
    """

    def __init__(self, name=None):
        if name is None:
            name = global_state.unique_name(global_state.to_snake_case(type(self).__name__))
        elif not isinstance(name, str) or "/" in name:
            raise ValueError(f"An operation name must be a string without '/'; got {name!r}.")
        self.name = name
        self._inbound_nodes: list = []
        self._outbound_nodes: list = []

    def __call__(self, *args, **kwargs):
        if any_symbolic_tensors(args, kwargs):
            return self.symbolic_call(*args, **kwargs)
        return self.call(*args, **kwargs)

    def symbolic_call(self, *args, **kwargs):
        """Records a call on symbolic tensors as a graph node and returns its symbolic outputs."""
        outputs = self.compute_output_spec(*args, **kwargs)
        Node(self, call_args=args, call_kwargs=kwargs, outputs=outputs)
        return outputs

    def call(self, *args, **kwargs):
        """The computation on concrete tensors; a subclass implements it."""
        raise NotImplementedError(f"{type(self).__name__} must implement call().")

    def compute_output_spec(self, *args, **kwargs):
        """The symbolic outputs (shapes and dtypes) of ``call``, found by abstract evaluation."""
        return backend.compute_output_spec(self.call, *args, **kwargs)


class FunctionOperation(Operation):
    """A plain op function (``ops.add``) applied to symbolic tensors, kept as a graph node."""

    def __init__(self, function, name):
        super().__init__(name=global_state.unique_name(name))
        self.function = function
        self.op_name = name

    def call(self, *args, **kwargs):
        return self.function(*args, **kwargs)

    def get_config(self) -> dict:
        return {"name": self.name, "op": self.op_name}


def symbolic_call(function, name, args, kwargs):
    return FunctionOperation(function, name).symbolic_call(*args, **kwargs)
