"""GRU: the Gated Recurrent Unit layer, an ``RNN`` over a ``GRUCell``."""

from __future__ import annotations

from lamina import activations, backend
from lamina.layers.rnn.gru_cell import GRUCell
from lamina.layers.rnn.rnn import CellArgumentsRNN, cell_property, run_fused_kernel


class GRU(CellArgumentsRNN):
    """Gated Recurrent Unit layer (Cho et al., 2014), Keras's arguments.

    The weights live on ``layer.cell`` (paths ``gru/gru_cell/kernel``…); see ``GRUCell``
    for the equations, the gate order z, r, h and ``reset_after``. With ``return_state=True``
    the layer returns ``[output, final_state]``. With the default
    activations, ``reset_after=True``, no recurrent dropout and ``unroll=False``, the engine's
    fused kernel runs the whole sequence (torch's GRU op, cuDNN on a GPU); otherwise, or with
    ``use_cudnn=False``, the cell's loop does.

    >>> GRU(4)(np.zeros((32, 10, 8))).shape  # (32, 4)
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
        reset_after=True,
        use_cudnn="auto",
        **kwargs,
    ):
        if use_cudnn not in ("auto", True, False):
            raise ValueError(
                f"use_cudnn must be one of 'auto', True, False; received use_cudnn={use_cudnn!r}."
            )
        cell = GRUCell(
            units,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            reset_after=reset_after,
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
            name="gru_cell",
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
    reset_after = cell_property("reset_after")

    def _fused_loop(self, sequences, states, mask, training):
        cell = self.cell
        supported = (
            cell.activation is activations.tanh
            and cell.recurrent_activation is activations.sigmoid
            and cell.reset_after
        )
        return run_fused_kernel(
            self, backend.engine.rnn.gru, sequences, states, mask, training, supported
        )
