"""BaseConv: the N-D convolution layer that Conv1D, Conv2D and Conv3D specialise by rank."""

from __future__ import annotations

from lamina import activations, backend, constraints, initializers, ops, regularizers
from lamina.layers import folded_padding, in_place
from lamina.layers.arguments import require_positive_int
from lamina.layers.convolutional.sliding_window import (
    arrange_conv_kernel,
    channel_axis,
    conv_output_shape,
    known_channels,
    standardize_conv_windows,
    standardize_padding,
)
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.serialization import serialize_keras_object


class BaseConv(in_place.FreshOutputs, Layer):
    """``activation(conv(inputs, kernel) + bias)`` over ``rank`` spatial axes.

    Args:
        rank: number of spatial axes (1 for sequences, 2 for images, 3 for volumes).
        filters: number of output channels.
        kernel_size: window size, an int or a tuple of ``rank`` ints.
        padding: ``"valid"`` (no padding) or ``"same"`` (pad so that
            ``output = ceil(input / strides)``); Conv1D also takes ``"causal"``.
        data_format: ``"channels_last"`` (batch, *spatial, channels) or
            ``"channels_first"`` (batch, channels, *spatial); defaults to
            ``lamina.config.image_data_format()``.
        groups: split the input channels into this many groups, each convolved with
            ``filters // groups`` filters; input channels and filters must divide by it.

    The kernel has shape ``(*kernel_size, in_channels // groups, filters)``.
    """

    def __init__(
        self,
        rank,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
        groups=1,
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
        self.groups = require_positive_int("groups", groups)
        if self.filters % self.groups:
            raise ValueError(
                f"filters must be divisible by groups; received filters={filters}, groups={groups}."
            )
        self.kernel_size, self.strides, self.dilation_rate = standardize_conv_windows(
            kernel_size, strides, dilation_rate, rank
        )
        self.padding = standardize_padding(padding, allow_causal=rank == 1)
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
        if in_channels % self.groups:
            raise ValueError(
                f"Layer {self.name!r}: the number of input channels must be divisible by "
                f"groups; received groups={self.groups} and {in_channels} input channels "
                f"(input_shape={tuple(input_shape)})."
            )
        self.compute_output_shape(input_shape)  # rejects inputs too small for the kernel
        self.kernel = self.add_weight(
            name="kernel",
            shape=(*self.kernel_size, in_channels // self.groups, self.filters),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
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

    def convolution_op(self, inputs, kernel, bias=None):
        return ops.conv(
            inputs,
            kernel,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
            bias=bias,
        )

    def call(self, inputs):
        pads = folded_padding.take()
        if pads is not None:  # a ZeroPadding layer folded into this call
            outputs = backend.engine.nn.conv_with_pads(
                inputs, self.kernel, self.strides, pads, self.data_format, self.dilation_rate,
                self.bias,
            )  # fmt: skip
            return self.activation(outputs)
        # The bias goes into the convolution: engines add it in the same kernel.
        return self.activation(self.convolution_op(inputs, self.kernel, self.bias))

    def compute_output_shape(self, input_shape):
        return conv_output_shape(self, input_shape, self.filters)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "groups": self.groups,
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
