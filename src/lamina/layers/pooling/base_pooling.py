"""BasePooling: max or average over a window sliding across the spatial axes."""

from __future__ import annotations

from lamina import backend, ops
from lamina.layers.convolutional.sliding_window import (
    output_length,
    spatial_axes,
    standardize_padding,
    standardize_window_tuple,
)
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer

_POOL_OPS = {"max": ops.max_pool, "average": ops.average_pool}


class BasePooling(Layer):
    """Pools windows of ``pool_size`` every ``strides`` (default: ``pool_size``) steps.

    ``padding="same"`` pads so that ``output = ceil(input / strides)``; average pooling then
    averages only the real values under each window, as Keras does.
    """

    def __init__(
        self,
        pool_size,
        strides,
        pool_dimensions,
        pool_mode="max",
        padding="valid",
        data_format=None,
        name=None,
        **kwargs,
    ):
        super().__init__(name=name, **kwargs)
        if pool_mode not in _POOL_OPS:
            raise ValueError(
                f"pool_mode must be one of {tuple(_POOL_OPS)}; received pool_mode={pool_mode!r}."
            )
        self.pool_size = standardize_window_tuple(pool_size, pool_dimensions, "pool_size")
        strides = pool_size if strides is None else strides
        self.strides = standardize_window_tuple(strides, pool_dimensions, "strides")
        self.pool_dimensions = pool_dimensions
        self.pool_mode = pool_mode
        self.padding = standardize_padding(padding)
        self.data_format = backend.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)

    def call(self, inputs):
        return _POOL_OPS[self.pool_mode](
            inputs,
            pool_size=self.pool_size,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
        )

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        axes = spatial_axes(self.pool_dimensions, self.data_format)
        output_shape = list(input_shape)
        for axis, size, stride in zip(axes, self.pool_size, self.strides):
            length = output_length(input_shape[axis], size, stride, self.padding)
            if length is not None and length < 1:
                raise ValueError(
                    f"Layer {self.name!r}: the input is smaller than the pooling window; "
                    f"received input_shape={input_shape}, pool_size={self.pool_size}."
                )
            output_shape[axis] = length
        return tuple(output_shape)

    def build(self, input_shape):
        self.compute_output_shape(input_shape)  # rejects inputs smaller than the window
        self.built = True

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "pool_size": self.pool_size,
            "padding": self.padding,
            "strides": self.strides,
            "data_format": self.data_format,
        }
