"""ConvLSTM: the base of ConvLSTM1D, ConvLSTM2D and ConvLSTM3D, an RNN over a ConvLSTMCell."""

from __future__ import annotations

from lamina.layers.convolutional.sliding_window import conv_output_shape
from lamina.layers.input_spec import InputSpec
from lamina.layers.rnn.conv_lstm_cell import ConvLSTMCell
from lamina.layers.rnn.rnn import CellArgumentsRNN, cell_property

_CELL_ARGUMENTS = (
    "strides", "padding", "data_format", "dilation_rate", "activation", "recurrent_activation",
    "use_bias", "kernel_initializer", "recurrent_initializer", "bias_initializer",
    "unit_forget_bias", "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
    "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout",
    "recurrent_dropout", "seed", "implementation",
)  # fmt: skip


class ConvLSTM(CellArgumentsRNN):
    """A convolutional LSTM over ``(batch, timesteps, *spatial, channels)`` sequences (or
    ``(batch, timesteps, channels, *spatial)`` with ``data_format="channels_first"``).

    Each state and output is a feature map: ``(batch, *output_spatial, filters)``; with
    ``return_sequences=True`` the output gains the time axis after the batch.
    """

    def __init__(
        self,
        rank,
        filters,
        kernel_size,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        activity_regularizer=None,
        **kwargs,
    ):
        cell_kwargs = {key: kwargs.pop(key) for key in _CELL_ARGUMENTS if key in kwargs}
        cell = ConvLSTMCell(
            rank,
            filters,
            kernel_size,
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
            name="conv_lstm_cell",
            **cell_kwargs,
        )
        super().__init__(
            cell,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            activity_regularizer=activity_regularizer,
            **kwargs,
        )
        self.input_spec = InputSpec(ndim=rank + 3)

    filters = cell_property("filters")
    kernel_size = cell_property("kernel_size")
    strides = cell_property("strides")
    padding = cell_property("padding")
    data_format = cell_property("data_format")
    dilation_rate = cell_property("dilation_rate")
    recurrent_activation = cell_property("recurrent_activation")
    unit_forget_bias = cell_property("unit_forget_bias")

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        batch, timesteps = sequences_shape[0], sequences_shape[1]
        state_shape = conv_output_shape(self.cell, (batch, *sequences_shape[2:]), self.filters)
        if self.return_sequences:
            output_shape = (batch, timesteps, *state_shape[1:])
        else:
            output_shape = state_shape
        if self.return_state:
            return [output_shape, state_shape, state_shape]
        return output_shape
