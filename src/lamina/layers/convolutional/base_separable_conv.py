"""BaseSeparableConv: a depthwise then pointwise convolution, specialised by rank into
SeparableConv1D and SeparableConv2D."""

from __future__ import annotations

from lamina import activations, backend, constraints, initializers, ops, regularizers
from lamina.layers import in_place
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


class BaseSeparableConv(in_place.FreshOutputs, Layer):
    """``activation(pointwise(depthwise(inputs)) + bias)`` over ``rank`` spatial axes.

    The depthwise step convolves each input channel with its own ``depth_multiplier``
    filters (no mixing across channels); the pointwise step mixes the resulting
    ``in_channels * depth_multiplier`` channels into ``filters`` with a 1x..x1 kernel. Far
    fewer weights than a full convolution of the same window.

    Weights, in Keras's order: ``depthwise_kernel`` (*kernel_size, in_channels,
    depth_multiplier), ``pointwise_kernel`` (*ones, in_channels * depth_multiplier,
    filters) and ``bias`` (filters,).
    """

    def __init__(
        self,
        rank,
        depth_multiplier,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
        activation=None,
        use_bias=True,
        depthwise_initializer="glorot_uniform",
        pointwise_initializer="glorot_uniform",
        bias_initializer="zeros",
        depthwise_regularizer=None,
        pointwise_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        depthwise_constraint=None,
        pointwise_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        self.depth_multiplier = require_positive_int("depth_multiplier", depth_multiplier)
        self.filters = require_positive_int("filters", filters)
        self.kernel_size, self.strides, self.dilation_rate = standardize_conv_windows(
            kernel_size, strides, dilation_rate, rank
        )
        self.padding = standardize_padding(padding)
        self.data_format = backend.standardize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.pointwise_constraint = constraints.get(pointwise_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(ndim=rank + 2)

    def build(self, input_shape):
        in_channels = known_channels(self, input_shape)
        self.compute_output_shape(input_shape)  # rejects inputs too small for the kernel
        self.depthwise_kernel = self.add_weight(
            name="depthwise_kernel",
            shape=(*self.kernel_size, in_channels, self.depth_multiplier),
            initializer=self.depthwise_initializer,
            regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint,
        )
        self.pointwise_kernel = self.add_weight(
            name="pointwise_kernel",
            shape=(*(1,) * self.rank, in_channels * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer,
            regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint,
        )
        arrange_conv_kernel(self.depthwise_kernel, self.data_format, depthwise=True)
        arrange_conv_kernel(self.pointwise_kernel, self.data_format)
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
        # ops.separable_conv's two steps, so that the bias is added inside the pointwise
        # convolution (one kernel on torch) rather than as a separate op.
        depthwise = ops.depthwise_conv(
            inputs,
            self.depthwise_kernel,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )
        outputs = ops.conv(
            depthwise, self.pointwise_kernel, data_format=self.data_format, bias=self.bias
        )
        return self.activation(outputs)

    def compute_output_shape(self, input_shape):
        return conv_output_shape(self, input_shape, self.filters)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "depth_multiplier": self.depth_multiplier,
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "depthwise_initializer": serialize_keras_object(self.depthwise_initializer),
            "pointwise_initializer": serialize_keras_object(self.pointwise_initializer),
            "bias_initializer": serialize_keras_object(self.bias_initializer),
            "depthwise_regularizer": serialize_keras_object(self.depthwise_regularizer),
            "pointwise_regularizer": serialize_keras_object(self.pointwise_regularizer),
            "bias_regularizer": serialize_keras_object(self.bias_regularizer),
            "activity_regularizer": serialize_keras_object(self.activity_regularizer),
            "depthwise_constraint": serialize_keras_object(self.depthwise_constraint),
            "pointwise_constraint": serialize_keras_object(self.pointwise_constraint),
            "bias_constraint": serialize_keras_object(self.bias_constraint),
        }
