"""BaseDepthwiseConv: the N-D depthwise convolution that DepthwiseConv1D and DepthwiseConv2D
specialise by rank."""

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


class BaseDepthwiseConv(in_place.FreshOutputs, Layer):
    """Convolves each input channel with its own ``depth_multiplier`` filters.

    No mixing across channels: the output has ``in_channels * depth_multiplier`` channels,
    and channel ``c * depth_multiplier + m`` is filter ``m`` applied to input channel ``c``.

    The kernel has shape ``(*kernel_size, in_channels, depth_multiplier)`` and the bias
    ``(in_channels * depth_multiplier,)``.
    """

    def __init__(
        self,
        rank,
        depth_multiplier,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
        activation=None,
        use_bias=True,
        depthwise_initializer="glorot_uniform",
        bias_initializer="zeros",
        depthwise_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        depthwise_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        self.depth_multiplier = require_positive_int("depth_multiplier", depth_multiplier)
        self.kernel_size, self.strides, self.dilation_rate = standardize_conv_windows(
            kernel_size, strides, dilation_rate, rank
        )
        self.padding = standardize_padding(padding)
        self.data_format = backend.standardize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(ndim=rank + 2)

    def build(self, input_shape):
        in_channels = known_channels(self, input_shape)
        self.compute_output_shape(input_shape)  # rejects inputs too small for the kernel
        self.kernel = self.add_weight(
            name="kernel",
            shape=(*self.kernel_size, in_channels, self.depth_multiplier),
            initializer=self.depthwise_initializer,
            regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint,
        )
        arrange_conv_kernel(self.kernel, self.data_format, depthwise=True)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(in_channels * self.depth_multiplier,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        self.input_spec = InputSpec(
            ndim=self.rank + 2, axes={channel_axis(self.data_format): in_channels}
        )
        self.built = True

    def call(self, inputs):
        pads = folded_padding.take()
        if pads is not None:  # a ZeroPadding layer folded into this call
            outputs = backend.engine.nn.depthwise_conv_with_pads(
                inputs, self.kernel, self.strides, pads, self.data_format, self.dilation_rate
            )
        else:
            outputs = ops.depthwise_conv(
                inputs,
                self.kernel,
                strides=self.strides,
                padding=self.padding,
                data_format=self.data_format,
                dilation_rate=self.dilation_rate,
            )
        if self.use_bias:
            bias = self.bias
            if self.data_format == "channels_first":
                bias = ops.reshape(bias, (-1,) + (1,) * self.rank)  # (C * M, 1, ...)
            outputs = ops.add(outputs, bias)
        return self.activation(outputs)

    def compute_output_shape(self, input_shape):
        in_channels = tuple(input_shape)[channel_axis(self.data_format)]
        channels = None if in_channels is None else in_channels * self.depth_multiplier
        return conv_output_shape(self, input_shape, channels)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "depth_multiplier": self.depth_multiplier,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "depthwise_initializer": serialize_keras_object(self.depthwise_initializer),
            "bias_initializer": serialize_keras_object(self.bias_initializer),
            "depthwise_regularizer": serialize_keras_object(self.depthwise_regularizer),
            "bias_regularizer": serialize_keras_object(self.bias_regularizer),
            "activity_regularizer": serialize_keras_object(self.activity_regularizer),
            "depthwise_constraint": serialize_keras_object(self.depthwise_constraint),
            "bias_constraint": serialize_keras_object(self.bias_constraint),
        }
