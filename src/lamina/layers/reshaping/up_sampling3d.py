"""UpSampling3D: enlarges volumes by repeating slices along each spatial axis."""

from __future__ import annotations

from lamina import backend, ops
from lamina.layers.convolutional.sliding_window import spatial_axes, standardize_window_tuple
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer


class UpSampling3D(Layer):
    """Repeats each depth, height and width position ``size`` times (nearest neighbour).

    Args:
        size: an int or ``(depth_factor, height_factor, width_factor)``.

    >>> UpSampling3D((1, 2, 3))(np.ones((1, 2, 2, 2, 4))).shape
    (1, 2, 4, 6, 4)
    """

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = backend.standardize_data_format(data_format)
        self.size = standardize_window_tuple(size, 3, "size")
        self.input_spec = InputSpec(ndim=5)

    def call(self, inputs):
        for axis, factor in zip(spatial_axes(3, self.data_format), self.size):
            if factor > 1:
                inputs = ops.repeat(inputs, factor, axis=axis)
        return inputs

    def compute_output_shape(self, input_shape):
        output_shape = list(input_shape)
        for axis, factor in zip(spatial_axes(3, self.data_format), self.size):
            if output_shape[axis] is not None:
                output_shape[axis] *= factor
        return tuple(output_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "size": self.size, "data_format": self.data_format}
