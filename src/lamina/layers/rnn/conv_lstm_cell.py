"""ConvLSTMCell: one step of a convolutional LSTM (Shi et al., 2015), used by ConvLSTM1D/2D/3D."""

from __future__ import annotations

from lamina import activations, backend, initializers, ops
from lamina.layers.convolutional.sliding_window import (
    channel_axis,
    conv_output_shape,
    known_channels,
    standardize_conv_windows,
    standardize_padding,
)
from lamina.layers.rnn.base_rnn_cell import BaseRNNCell
from lamina.layers.rnn.lstm_cell import _ForgetGateOnes


class ConvLSTMCell(BaseRNNCell):
    """The LSTM step with convolutions in place of matrix products; states ``[h, c]`` are
    feature maps of the convolution's output shape.

    Weights, as Keras's: ``kernel (*kernel_size, channels, 4*filters)``, ``recurrent_kernel
    (*kernel_size, filters, 4*filters)`` and ``bias (4*filters,)``, gates i, f, c, o along the
    last axis. The input convolution takes ``strides``, ``padding`` and ``dilation_rate``; the
    recurrent one is stride 1, "same".
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
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        unit_forget_bias=True,
        **kwargs,
    ):
        super().__init__(
            filters,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            **kwargs,
        )
        if rank not in (1, 2, 3):
            raise ValueError(f"ConvLSTM rank must be 1, 2 or 3; received rank={rank!r}.")
        self.rank = rank
        self.filters = self.units
        self.kernel_size, self.strides, self.dilation_rate = standardize_conv_windows(
            kernel_size, strides, dilation_rate, rank
        )
        self.padding = standardize_padding(padding)
        self.data_format = backend.standardize_data_format(data_format)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.state_size = [self.filters, self.filters]  # two states (h, c), feature maps
        self._step_shape = None

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        spatial = input_shape[1:-1] if self.data_format == "channels_last" else input_shape[2:]
        if None in spatial:
            raise ValueError(
                f"Layer {self.name!r} needs static spatial dimensions; received "
                f"input_shape={input_shape}."
            )
        channels = known_channels(self, input_shape)
        self._step_shape = input_shape[1:]
        self.kernel = self.add_weight(
            name="kernel",
            shape=(*self.kernel_size, channels, 4 * self.filters),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            name="recurrent_kernel",
            shape=(*self.kernel_size, self.filters, 4 * self.filters),
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        self.bias = None
        if self.use_bias:
            bias_initializer = self.bias_initializer
            if self.unit_forget_bias:
                bias_initializer = _ForgetGateOnes(initializers.get(bias_initializer), self.filters)
            self.bias = self.add_weight(
                name="bias",
                shape=(4 * self.filters,),
                initializer=bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )

    def state_shape(self, batch_size) -> tuple:
        """``(batch, *spatial, filters)`` (or channels first): the convolution's output."""
        return conv_output_shape(self, (batch_size, *self._step_shape), self.filters)

    def get_initial_state(self, batch_size=None) -> list:
        shape = self.state_shape(batch_size)
        return [ops.zeros(shape, dtype=self.compute_dtype) for _ in range(2)]

    def call(self, inputs, states, training=False):
        previous_memory, previous_carry = states[0], states[1]
        inputs, dropped_memory = self._dropped(inputs, previous_memory, training)
        axis = channel_axis(self.data_format)
        # One convolution for the four gates (Keras runs four; the sum is the same).
        z = ops.conv(
            inputs, self.kernel, strides=self.strides, padding=self.padding,
            data_format=self.data_format, dilation_rate=self.dilation_rate,
        )  # fmt: skip
        if self.bias is not None:
            bias_shape = [1] * (self.rank + 2)
            bias_shape[axis] = 4 * self.filters
            z = ops.add(z, ops.reshape(self.bias, bias_shape))
        z = ops.add(
            z,
            ops.conv(
                dropped_memory, self.recurrent_kernel, strides=1, padding="same",
                data_format=self.data_format,
            ),
        )  # fmt: skip
        z_i, z_f, z_c, z_o = ops.split(z, 4, axis=axis)
        carry = ops.add(
            ops.multiply(self.recurrent_activation(z_f), previous_carry),
            ops.multiply(self.recurrent_activation(z_i), self.activation(z_c)),
        )
        memory = ops.multiply(self.recurrent_activation(z_o), self.activation(carry))
        return memory, [memory, carry]

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("units")
        return {
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            **config,
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "unit_forget_bias": self.unit_forget_bias,
        }
