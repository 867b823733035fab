"""BaseConvTranspose: the N-D transposed convolution that Conv1DTranspose, Conv2DTranspose
and Conv3DTranspose specialise by rank."""

from __future__ import annotations

from lamina import activations, backend, constraints, initializers, ops, regularizers
from lamina.backend.common.conv_shapes import conv_transpose_length
from lamina.layers.arguments import require_positive_int
from lamina.layers.convolutional.sliding_window import (
    arrange_conv_kernel,
    channel_axis,
    known_channels,
    spatial_axes,
    standardize_conv_windows,
    standardize_padding,
)
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.serialization import serialize_keras_object


def _standardize_output_padding(output_padding, rank: int, strides: tuple):
    if output_padding is None:
        return None
    if isinstance(output_padding, int) and not isinstance(output_padding, bool):
        output_padding = (output_padding,) * rank
    if (
        not isinstance(output_padding, (list, tuple))
        or len(output_padding) != rank
        or not all(
            isinstance(p, int) and not isinstance(p, bool) and p >= 0 for p in output_padding
        )
    ):
        raise ValueError(
            f"output_padding must be None, a non-negative int or a tuple of {rank} non-negative "
            f"ints; received output_padding={output_padding!r}."
        )
    output_padding = tuple(output_padding)
    if any(p >= s for p, s in zip(output_padding, strides)):
        raise ValueError(
            "output_padding must be smaller than strides on every axis; received "
            f"output_padding={output_padding}, strides={strides}."
        )
    return output_padding


class BaseConvTranspose(Layer):
    """``activation(conv_transpose(inputs, kernel) + bias)`` over ``rank`` spatial axes.

    The transposed convolution maps a convolution's output shape back to its input shape
    (the gradient of a convolution): each input position adds ``kernel`` times its value to
    a window of the output, ``strides`` apart.

    Args:
        rank: number of spatial axes (1 for sequences, 2 for images).
        filters: number of output channels.
        kernel_size: window size, an int or a tuple of ``rank`` ints.
        padding: ``"valid"`` (output ``(input - 1) * strides + max(kernel, strides)``) or
            ``"same"`` (output ``input * strides``).
        output_padding: extra steps at the end of each spatial axis, smaller than
            ``strides``; ``None`` lets ``padding`` decide the output size.
        data_format: ``"channels_last"`` or ``"channels_first"``; defaults to
            ``lamina.config.image_data_format()``.

    The kernel has shape ``(*kernel_size, filters, in_channels)``.
    """

    def __init__(
        self,
        rank,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        output_padding=None,
        data_format=None,
        dilation_rate=1,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        self.filters = require_positive_int("filters", filters)
        self.kernel_size, self.strides, self.dilation_rate = standardize_conv_windows(
            kernel_size, strides, dilation_rate, rank
        )
        self.padding = standardize_padding(padding)
        self.output_padding = _standardize_output_padding(output_padding, rank, self.strides)
        self.data_format = backend.standardize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(ndim=rank + 2)

    def build(self, input_shape):
        in_channels = known_channels(self, input_shape)
        self.compute_output_shape(input_shape)  # rejects a wrong rank or an empty output
        self.kernel = self.add_weight(
            name="kernel",
            shape=(*self.kernel_size, self.filters, in_channels),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        # (*spatial, filters, in) is permuted to torch's (in, filters, *spatial) as a regular
        # kernel is to (filters, in, *spatial): the same memory order serves both.
        arrange_conv_kernel(self.kernel, self.data_format)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(self.filters,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        self.input_spec = InputSpec(
            ndim=self.rank + 2, axes={channel_axis(self.data_format): in_channels}
        )
        self.built = True

    def call(self, inputs):
        outputs = ops.conv_transpose(
            inputs,
            self.kernel,
            strides=self.strides,
            padding=self.padding,
            output_padding=self.output_padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )
        if self.use_bias:
            bias = self.bias
            if self.data_format == "channels_first":
                bias = ops.reshape(bias, (self.filters,) + (1,) * self.rank)  # (C, 1, ...)
            outputs = ops.add(outputs, bias)
        return self.activation(outputs)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) != self.rank + 2:
            raise ValueError(
                f"Layer {self.name!r} expects inputs of rank {self.rank + 2}; "
                f"received input_shape={input_shape}."
            )
        output_padding = self.output_padding or (None,) * self.rank
        spatial = tuple(
            conv_transpose_length(input_shape[axis], size, stride, self.padding, extra, dilation)
            for axis, size, stride, extra, dilation in zip(
                spatial_axes(self.rank, self.data_format),
                self.kernel_size,
                self.strides,
                output_padding,
                self.dilation_rate,
            )
        )
        if any(length is not None and length < 1 for length in spatial):
            raise ValueError(
                f"Layer {self.name!r}: the output would be empty; computed output spatial size "
                f"{spatial} from input_shape={input_shape}, kernel_size={self.kernel_size}, "
                f"output_padding={self.output_padding}."
            )
        if self.data_format == "channels_last":
            return (input_shape[0], *spatial, self.filters)
        return (input_shape[0], self.filters, *spatial)

    def get_config(self) -> dict:
        # Keras 3 leaves output_padding out of its config, so from_config loses it; we keep
        # it (Keras's constructor accepts it, so the file still loads there).
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "output_padding": self.output_padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": serialize_keras_object(self.kernel_initializer),
            "bias_initializer": serialize_keras_object(self.bias_initializer),
            "kernel_regularizer": serialize_keras_object(self.kernel_regularizer),
            "bias_regularizer": serialize_keras_object(self.bias_regularizer),
            "activity_regularizer": serialize_keras_object(self.activity_regularizer),
            "kernel_constraint": serialize_keras_object(self.kernel_constraint),
            "bias_constraint": serialize_keras_object(self.bias_constraint),
        }
