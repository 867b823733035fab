"""LSTM: the Long Short-Term Memory layer, an ``RNN`` over an ``LSTMCell``."""

from __future__ import annotations

from lamina import activations, backend
from lamina.layers.rnn.lstm_cell import LSTMCell
from lamina.layers.rnn.rnn import CellArgumentsRNN, cell_property, run_fused_kernel


class LSTM(CellArgumentsRNN):
    """Long Short-Term Memory layer (Hochreiter & Schmidhuber, 1997), Keras's arguments.

    The weights live on ``layer.cell`` (paths ``lstm/lstm_cell/kernel``…); see ``LSTMCell``
    for the equations and the gate order i, f, c, o. With ``return_state=True`` the layer
    returns ``[output, final_memory_state, final_carry_state]``. With
    the default activations, no recurrent dropout and ``unroll=False``, the engine's fused
    kernel runs the whole sequence (torch's LSTM op, cuDNN on a GPU); otherwise, or with
    ``use_cudnn=False``, the cell's loop does.

    >>> LSTM(4)(np.zeros((32, 10, 8))).shape  # (32, 4)
    """

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        unit_forget_bias=True,
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        use_cudnn="auto",
        **kwargs,
    ):
        if use_cudnn not in ("auto", True, False):
            raise ValueError(
                f"use_cudnn must be one of 'auto', True, False; received use_cudnn={use_cudnn!r}."
            )
        cell = LSTMCell(
            units,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dropout=dropout,
            recurrent_dropout=recurrent_dropout,
            seed=seed,
            implementation=kwargs.pop("implementation", None),
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
            name="lstm_cell",
        )
        super().__init__(
            cell,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            unroll=unroll,
            activity_regularizer=activity_regularizer,
            **kwargs,
        )
        self.use_cudnn = use_cudnn

    recurrent_activation = cell_property("recurrent_activation")
    unit_forget_bias = cell_property("unit_forget_bias")

    def _fused_loop(self, sequences, states, mask, training):
        cell = self.cell
        supported = (
            cell.activation is activations.tanh and cell.recurrent_activation is activations.sigmoid
        )
        return run_fused_kernel(
            self, backend.engine.rnn.lstm, sequences, states, mask, training, supported
        )
