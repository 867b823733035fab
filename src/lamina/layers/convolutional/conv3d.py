"""Conv3D: convolution over the depth, height and width of volumes."""

from __future__ import annotations

from lamina.layers.convolutional.base_conv import BaseConv


class Conv3D(BaseConv):
    """3-D convolution over inputs ``(batch, depth, height, width, channels)`` (channels_last).

    >>> layer = Conv3D(8, 3, padding="same")
    >>> layer(np.ones((1, 4, 5, 5, 3))).shape, layer.kernel.shape
    ((1, 4, 5, 5, 8), (3, 3, 3, 3, 8))
    """

    def __init__(
        self,
        filters,
        kernel_size,
        strides=(1, 1, 1),
        padding="valid",
        data_format=None,
        dilation_rate=(1, 1, 1),
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
            rank=3,
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
