"""Conv1D: convolution over the steps of a sequence, with optional causal padding."""

from __future__ import annotations

from lamina import ops
from lamina.layers.convolutional.base_conv import BaseConv


class Conv1D(BaseConv):
    """1-D convolution (temporal convolution) over inputs ``(batch, steps, channels)``.

    ``padding="causal"`` pads only the start of the sequence, so output step ``t`` sees input
    steps up to ``t`` and no later (WaveNet-style).

    >>> Conv1D(4, 3)(np.ones((2, 10, 3))).shape
    (2, 8, 4)
    """

    def __init__(
        self,
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
        super().__init__(
            rank=1,
            filters=filters,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            groups=groups,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
            **kwargs,
        )

    def convolution_op(self, inputs, kernel, bias=None):
        if self.padding != "causal":
            return super().convolution_op(inputs, kernel, bias)
        left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
        steps_axis = 1 if self.data_format == "channels_last" else 2
        pad_width = [(0, 0)] * 3
        pad_width[steps_axis] = (left, 0)
        return ops.conv(
            ops.pad(inputs, pad_width),
            kernel,
            strides=self.strides,
            padding="valid",
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
            bias=bias,
        )
