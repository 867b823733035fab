"""InputLayer and Input: the entry points of a Functional model."""

from __future__ import annotations

from lamina import backend
from lamina.backend import KerasTensor
from lamina.layers.layer import Layer
from lamina.ops.node import Node


class InputLayer(Layer):
    """Holds the symbolic input tensor a Functional graph starts from."""

    def __init__(
        self,
        shape=None,
        batch_size=None,
        dtype=None,
        sparse=None,
        batch_shape=None,
        input_tensor=None,
        optional=False,
        name=None,
        **kwargs,
    ):
        if "input_shape" in kwargs:
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        kwargs.pop("ragged", None)
        super().__init__(name=name or backend.global_state.unique_name("input_layer"), **kwargs)
        if shape is not None and batch_shape is not None:
            raise ValueError("Give either `shape` or `batch_shape` to Input, not both.")
        if input_tensor is not None:
            batch_shape = input_tensor.shape
        if batch_shape is None:
            if shape is None:
                raise ValueError(
                    "Input needs `shape` (without the batch dimension) or `batch_shape`."
                )
            if isinstance(shape, int):
                shape = (shape,)
            batch_shape = (batch_size, *tuple(shape))
        self._batch_shape = backend.standardize_shape(batch_shape)
        self._dtype = backend.standardize_dtype(dtype)
        self.sparse = bool(sparse)
        self.optional = optional
        self.built = True
        tensor = KerasTensor(self._batch_shape, dtype=self._dtype, name=self.name)
        Node(self, call_args=(), call_kwargs={}, outputs=tensor)
        self.output_tensor = tensor

    @property
    def batch_shape(self):
        return self._batch_shape

    @property
    def dtype(self) -> str:
        """The dtype of the input tensor (not the layer's policy: an input has no variables)."""
        return self._dtype

    def call(self):
        return None

    def get_config(self) -> dict:
        return {
            "batch_shape": list(self._batch_shape),
            "dtype": self._dtype,
            "sparse": self.sparse,
            "name": self.name,
        }


def Input(
    shape=None,
    batch_size=None,
    dtype=None,
    sparse=None,
    batch_shape=None,
    name=None,
    tensor=None,
    optional=False,
):
    """A symbolic input: ``Input(shape=(28, 28, 1))`` stands for a batch of such images."""
    layer = InputLayer(
        shape=shape,
        batch_size=batch_size,
        dtype=dtype,
        sparse=sparse,
        batch_shape=batch_shape,
        name=name,
        input_tensor=tensor,
        optional=optional,
    )
    return layer.output_tensor
