"""Merge: the base of layers that combine a list of same-shaped tensors element-wise."""

from __future__ import annotations

from lamina import ops
from lamina.layers.layer import Layer


def check_shape_list(layer, input_shape, num_inputs=None) -> list:
    """The list of input shapes, or a ValueError naming ``layer`` if it is not a list."""
    name = type(layer).__name__
    if not isinstance(input_shape, (list, tuple)) or not all(
        isinstance(shape, (list, tuple)) for shape in input_shape
    ):
        raise ValueError(
            f"A `{name}` layer should be called on a list of inputs. Received: "
            f"input_shape={input_shape} (not a list of shapes)."
        )
    if num_inputs is not None and len(input_shape) != num_inputs:
        raise ValueError(
            f"A `{name}` layer should be called on exactly {num_inputs} inputs. "
            f"Received {len(input_shape)} inputs: input_shape={list(input_shape)}."
        )
    if len(input_shape) < 1:
        raise ValueError(f"A `{name}` layer should be called on a list of at least 1 input.")
    return [tuple(shape) for shape in input_shape]


def broadcast_shapes(shape1, shape2, layer_name: str) -> tuple:
    """NumPy broadcasting of two shapes aligned on their last axis; None is unknown."""
    if len(shape1) < len(shape2):
        shape1, shape2 = shape2, shape1
    if not shape2:
        return tuple(shape1)
    leading = list(shape1[: len(shape1) - len(shape2)])
    result: list = []
    for a, b in zip(shape1[len(shape1) - len(shape2) :], shape2):
        if a is None or b is None:
            result.append(None)
        elif a == 1 or b == 1 or a == b:
            result.append(max(a, b) if 1 in (a, b) else a)
        else:
            raise ValueError(
                f"Layer {layer_name!r}: inputs have incompatible shapes. Received shapes "
                f"{shape1} and {shape2}."
            )
    return tuple(leading + result)


class Merge(Layer):
    """Combines a list of tensors with ``_merge_function``.

    Sample shapes broadcast against each other; an input of lower rank gets size-1 axes
    after its batch axis (as in Keras), so ``(batch, 3)`` merges with ``(batch, 4, 3)``.
    """

    num_inputs: int | None = None  # an exact count, when the operation needs one

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def _merge_function(self, inputs):
        raise NotImplementedError(f"{type(self).__name__} does not implement _merge_function.")

    def build(self, input_shape):
        self.compute_output_shape(input_shape)  # validates the shapes
        self.built = True

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            check_shape_list(self, ops.shape(inputs))  # raises: a single tensor, not a list
        check_shape_list(self, [ops.shape(x) for x in inputs], self.num_inputs)
        ndims = [len(ops.shape(x)) for x in inputs]
        max_ndim = max(ndims)
        if min(ndims) != max_ndim:
            expanded = []
            for x, ndim in zip(inputs, ndims):
                for _ in range(max_ndim - ndim):
                    x = ops.expand_dims(x, axis=1)
                expanded.append(x)
            inputs = expanded
        return self._merge_function(list(inputs))

    def compute_output_shape(self, input_shape):
        shapes = check_shape_list(self, input_shape, self.num_inputs)
        batch_sizes = {shape[0] for shape in shapes if shape} - {None}
        if len(batch_sizes) > 1:
            raise ValueError(
                f"Layer {self.name!r} cannot merge tensors with different batch sizes. "
                f"Received tensors with shapes {shapes}."
            )
        output_shape = shapes[0][1:]
        for shape in shapes[1:]:
            output_shape = broadcast_shapes(output_shape, shape[1:], self.name)
        batch_size = next(iter(batch_sizes)) if batch_sizes else None
        return (batch_size, *output_shape)

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        if not isinstance(mask, (list, tuple)) or len(mask) != len(inputs):
            raise ValueError(
                f"Layer {self.name!r}: `mask` should be a list with one entry per input "
                f"({len(inputs)}). Received: mask={mask}"
            )
        masks = [ops.expand_dims(m, axis=0) for m in mask if m is not None]
        if not masks:
            return None
        return ops.all(ops.concatenate(masks, axis=0), axis=0)  # valid where all are valid
