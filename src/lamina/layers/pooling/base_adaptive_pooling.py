"""BaseAdaptivePooling: pool every input size down (or up) to a fixed output size."""

from __future__ import annotations

from lamina import backend, ops
from lamina.layers.convolutional.sliding_window import channel_axis
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer

_ADAPTIVE_POOL_OPS = {"max": ops.adaptive_max_pool, "average": ops.adaptive_average_pool}


def _standardize_output_size(output_size, rank: int) -> tuple:
    if isinstance(output_size, int) and not isinstance(output_size, bool):
        output_size = (output_size,) * rank
    elif not isinstance(output_size, (list, tuple)):
        raise TypeError(
            f"output_size must be an int or a tuple of {rank} ints; "
            f"received output_size={output_size!r} of type {type(output_size).__name__}."
        )
    if len(output_size) != rank or not all(
        isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in output_size
    ):
        raise ValueError(
            f"output_size must be a positive int or a tuple of {rank} positive ints; "
            f"received output_size={output_size!r}."
        )
    return tuple(output_size)


class BaseAdaptivePooling(Layer):
    """Max or mean over windows that split each spatial axis into ``output_size`` parts.

    Output position ``i`` of an axis of length ``n`` covers inputs ``floor(i * n / out)``
    to ``ceil((i + 1) * n / out)``, as torch's and Keras's adaptive pooling do; the output
    spatial shape is ``output_size`` whatever the input's.
    """

    def __init__(self, output_size, pool_dimensions, pool_mode, data_format=None, **kwargs):
        super().__init__(**kwargs)
        if pool_mode not in _ADAPTIVE_POOL_OPS:
            raise ValueError(
                f"pool_mode must be one of {tuple(_ADAPTIVE_POOL_OPS)}; "
                f"received pool_mode={pool_mode!r}."
            )
        self.output_size = _standardize_output_size(output_size, pool_dimensions)
        self.pool_dimensions = pool_dimensions
        self.pool_mode = pool_mode
        self.data_format = backend.standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)

    def call(self, inputs):
        return _ADAPTIVE_POOL_OPS[self.pool_mode](
            inputs, output_size=self.output_size, data_format=self.data_format
        )

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        channels = input_shape[channel_axis(self.data_format)]
        if self.data_format == "channels_last":
            return (input_shape[0], *self.output_size, channels)
        return (input_shape[0], channels, *self.output_size)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "output_size": self.output_size,
            "data_format": self.data_format,
        }
