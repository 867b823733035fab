"""SimpleRNNCell: one step of a fully connected recurrent layer."""

from __future__ import annotations

from lamina import ops
from lamina.layers.rnn.base_rnn_cell import BaseRNNCell


class SimpleRNNCell(BaseRNNCell):
    """``h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)``.

    Weights: ``kernel (input_dim, units)``, ``recurrent_kernel (units, units)``, ``bias
    (units,)``. Call with ``(inputs (batch, input_dim), states)``; returns ``(h_t, [h_t])``.
    """

    def build(self, input_shape):
        self._add_cell_weights(input_shape[-1], num_gates=1, bias_shape=(self.units,))

    def call(self, inputs, states, training=False):
        previous = states[0] if isinstance(states, (list, tuple)) else states
        inputs, dropped_previous = self._dropped(inputs, previous, training)
        hidden = ops.matmul(inputs, self.kernel)
        if self.bias is not None:
            hidden = ops.add(hidden, self.bias)
        output = self.activation(
            ops.add(hidden, ops.matmul(dropped_previous, self.recurrent_kernel))
        )
        return output, ([output] if isinstance(states, (list, tuple)) else output)
