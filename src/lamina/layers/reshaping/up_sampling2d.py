"""UpSampling2D: enlarges images by integer factors, repeating or interpolating pixels."""

from __future__ import annotations

from lamina import backend, ops
from lamina.layers.convolutional.sliding_window import standardize_window_tuple
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer

_INTERPOLATIONS = ("nearest", "bilinear")


class UpSampling2D(Layer):
    """Scales image height and width by ``size``.

    Args:
        size: an int or ``(height_factor, width_factor)``.
        interpolation: ``"nearest"`` repeats rows and columns; ``"bilinear"`` interpolates
            with half-pixel centers, as ``lamina.ops.image.resize`` does.

    >>> UpSampling2D((2, 3))(np.ones((1, 4, 4, 3))).shape
    (1, 8, 12, 3)
    """

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.data_format = backend.standardize_data_format(data_format)
        self.size = standardize_window_tuple(size, 2, "size")
        value = interpolation.lower() if isinstance(interpolation, str) else interpolation
        if value not in _INTERPOLATIONS:
            raise ValueError(
                f"interpolation must be one of {_INTERPOLATIONS}; "
                f"received interpolation={interpolation!r}."
            )
        self.interpolation = value
        self.input_spec = InputSpec(ndim=4)

    def _spatial_axes(self) -> tuple:
        return (1, 2) if self.data_format == "channels_last" else (2, 3)

    def call(self, inputs):
        if self.interpolation == "nearest":
            # ops.repeat rather than a resize: exact copies, and it compiles everywhere
            # (Keras does the same, keras-team/keras#294).
            for axis, factor in zip(self._spatial_axes(), self.size):
                inputs = ops.repeat(inputs, factor, axis=axis)
            return inputs
        shape = ops.shape(inputs)
        new_size = tuple(shape[axis] * f for axis, f in zip(self._spatial_axes(), self.size))
        return ops.image.resize(
            inputs, new_size, interpolation=self.interpolation, data_format=self.data_format
        )

    def compute_output_shape(self, input_shape):
        output_shape = list(input_shape)
        for axis, factor in zip(self._spatial_axes(), self.size):
            if output_shape[axis] is not None:
                output_shape[axis] *= factor
        return tuple(output_shape)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "size": self.size,
            "data_format": self.data_format,
            "interpolation": self.interpolation,
        }
