"""SimpleRNN: a fully connected recurrent layer, an ``RNN`` over a ``SimpleRNNCell``."""

from __future__ import annotations

from lamina.layers.rnn.rnn import CellArgumentsRNN
from lamina.layers.rnn.simple_rnn_cell import SimpleRNNCell


class SimpleRNN(CellArgumentsRNN):
    """Fully connected RNN whose output is fed back: ``h_t = activation(x_t W + h_{t-1} U + b)``.

    The weights live on ``layer.cell`` (paths ``simple_rnn/simple_rnn_cell/kernel``…). With
    ``return_state=True`` the layer returns ``[output, final_state]``.

    >>> SimpleRNN(4)(np.zeros((32, 10, 8))).shape  # (32, 4)
    """

    def __init__(
        self,
        units,
        activation="tanh",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
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
        **kwargs,
    ):
        cell = SimpleRNNCell(
            units,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
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
            name="simple_rnn_cell",
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
