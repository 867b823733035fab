"""Dot: the dot product of two batched tensors along one axis of each."""

from __future__ import annotations

import string

from lamina import ops
from lamina.layers.merging.base_merge import Merge, check_shape_list


def _check_axes(axes):
    if isinstance(axes, bool) or not isinstance(axes, (int, list, tuple)):
        raise TypeError(
            f"Dot: the argument 'axes' must be an int or a list/tuple of two ints; received "
            f"axes={axes!r}."
        )
    if isinstance(axes, (list, tuple)) and (
        len(axes) != 2 or any(isinstance(a, bool) or not isinstance(a, int) for a in axes)
    ):
        raise ValueError(
            f"Dot: the argument 'axes' must hold exactly two ints; received axes={axes!r}."
        )
    return list(axes) if isinstance(axes, (list, tuple)) else axes


def batch_dot(x, y, axes):
    """Per-sample dot product of ``x`` and ``y`` over ``x``'s axis ``axes[0]`` and ``y``'s
    ``axes[1]``: the output has ``x``'s other axes, then ``y``'s other non-batch axes, and
    at least rank 2 (a trailing axis of size 1 when nothing else is left), as Keras."""
    x_ndim, y_ndim = len(ops.shape(x)), len(ops.shape(y))
    letters = iter(string.ascii_letters)
    batch, summed = next(letters), next(letters)
    x_letters = [batch] + [summed if i == axes[0] else next(letters) for i in range(1, x_ndim)]
    y_letters = [batch] + [summed if i == axes[1] else next(letters) for i in range(1, y_ndim)]
    out_letters = [c for c in x_letters if c != summed]
    out_letters += [c for c in y_letters[1:] if c != summed]
    subscripts = f"{''.join(x_letters)},{''.join(y_letters)}->{''.join(out_letters)}"
    result = ops.einsum(subscripts, x, y)
    return ops.expand_dims(result, -1) if len(out_letters) == 1 else result


class Dot(Merge):
    """Dot product of two inputs ``[x, y]`` per sample, along ``axes``: an int (the same
    axis of both) or ``(axis_of_x, axis_of_y)``; the batch axis 0 cannot be summed.

    With ``normalize=True`` both are L2-normalized along those axes first, so the output is
    their cosine similarity. ``x`` of shape ``(b, 3, 5)`` and ``y`` of ``(b, 10, 3)`` with
    ``axes=(1, 2)`` give ``(b, 5, 10)``; two ``(b, n)`` inputs give ``(b, 1)``.

    >>> Dot(axes=1)([np.ones((2, 3)), np.ones((2, 3))])  # [[3.], [3.]]
    """

    num_inputs = 2

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        self.axes = _check_axes(axes)
        self.normalize = normalize
        self.supports_masking = True

    def _axes_for(self, shapes) -> list[int]:
        pair = [self.axes, self.axes] if isinstance(self.axes, int) else self.axes
        axes = []
        for axis, shape in zip(pair, shapes):
            if not -len(shape) <= axis < len(shape):
                raise ValueError(
                    f"Layer {self.name!r}: axes={self.axes} is out of range for inputs of "
                    f"shapes {shapes}."
                )
            axes.append(axis % len(shape))
        if 0 in axes:
            raise ValueError(
                f"Layer {self.name!r}: axes={self.axes} includes the batch axis 0, which Dot "
                "cannot sum over."
            )
        return axes

    def compute_output_shape(self, input_shape):
        shapes = check_shape_list(self, input_shape, 2)
        for shape in shapes:
            if len(shape) < 2:
                raise ValueError(
                    f"Layer {self.name!r} needs inputs of rank >= 2; received shapes {shapes}."
                )
        axes = self._axes_for(shapes)
        (x_shape, y_shape), (x_axis, y_axis) = shapes, axes
        if None not in (x_shape[x_axis], y_shape[y_axis]) and x_shape[x_axis] != y_shape[y_axis]:
            raise ValueError(
                f"Layer {self.name!r}: incompatible sizes {x_shape[x_axis]} (axis {x_axis} of "
                f"the first input) and {y_shape[y_axis]} (axis {y_axis} of the second); "
                f"received shapes {shapes}."
            )
        batch_sizes = {x_shape[0], y_shape[0]} - {None}
        if len(batch_sizes) > 1:
            raise ValueError(
                f"Layer {self.name!r}: the inputs have different batch sizes; received "
                f"shapes {shapes}."
            )
        output = [d for i, d in enumerate(x_shape) if i != x_axis]
        output += [d for i, d in enumerate(y_shape) if i not in (0, y_axis)]
        output[0] = batch_sizes.pop() if batch_sizes else None
        return tuple(output) if len(output) > 1 else (output[0], 1)

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)):
            check_shape_list(self, ops.shape(inputs))  # raises: a single tensor, not a list
        shapes = [tuple(ops.shape(x)) for x in inputs]
        self.compute_output_shape(shapes)  # validates
        axes = self._axes_for(shapes)
        x, y = inputs
        if self.normalize:
            x = ops.normalize(x, axis=axes[0])
            y = ops.normalize(y, axis=axes[1])
        return batch_dot(x, y, axes)

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self) -> dict:
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def dot(inputs, axes=-1, **kwargs):
    """Functional form of `Dot`: ``Dot(axes=axes, **kwargs)(inputs)``."""
    return Dot(axes=axes, **kwargs)(inputs)
