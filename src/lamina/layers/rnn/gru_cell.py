"""GRUCell: one step of a Gated Recurrent Unit layer (Cho et al., 2014)."""

from __future__ import annotations

from lamina import activations, ops
from lamina.layers.rnn.base_rnn_cell import BaseRNNCell


class GRUCell(BaseRNNCell):
    """One GRU step; gates in Keras's order z (update), r (reset), h (candidate).

    Weights ``kernel (input_dim, 3*units)``, ``recurrent_kernel (units, 3*units)``; ``bias``
    is ``(2, 3*units)`` (input bias, recurrent bias) when ``reset_after=True`` (the default,
    cuDNN's convention), else ``(3*units,)``:

        z, r = recurrent_activation(x W_z + h U_z + b), recurrent_activation(x W_r + h U_r + b)
        reset_after:  hh = activation(x W_h + b_h + r * (h U_h + b'_h))
        otherwise:    hh = activation(x W_h + b_h + (r * h) U_h)
        h_t = z * h_{t-1} + (1 - z) * hh
    """

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        reset_after=True,
        **kwargs,
    ):
        super().__init__(units, activation=activation, use_bias=use_bias, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = bool(reset_after)

    def build(self, input_shape):
        units = self.units
        bias_shape = (2, 3 * units) if self.reset_after else (3 * units,)
        self._add_cell_weights(input_shape[-1], num_gates=3, bias_shape=bias_shape)

    def call(self, inputs, states, training=False):
        previous = states[0] if isinstance(states, (list, tuple)) else states
        inputs, dropped_previous = self._dropped(inputs, previous, training)
        units = self.units
        input_bias = recurrent_bias = None
        if self.bias is not None:
            if self.reset_after:
                input_bias, recurrent_bias = self.bias[0], self.bias[1]
            else:
                input_bias = self.bias
        projected_inputs = ops.matmul(inputs, self.kernel)  # (batch, 3*units)
        if input_bias is not None:
            projected_inputs = ops.add(projected_inputs, input_bias)
        x_z, x_r, x_h = ops.split(projected_inputs, 3, axis=-1)
        if self.reset_after:
            projected_state = ops.matmul(dropped_previous, self.recurrent_kernel)
            if recurrent_bias is not None:
                projected_state = ops.add(projected_state, recurrent_bias)
        else:  # the candidate's projection waits for the reset gate
            projected_state = ops.matmul(dropped_previous, self.recurrent_kernel[:, : 2 * units])
        h_z, h_r = projected_state[:, :units], projected_state[:, units : 2 * units]
        update_gate = self.recurrent_activation(ops.add(x_z, h_z))
        reset_gate = self.recurrent_activation(ops.add(x_r, h_r))
        if self.reset_after:
            recurrent_candidate = ops.multiply(reset_gate, projected_state[:, 2 * units :])
        else:
            recurrent_candidate = ops.matmul(
                ops.multiply(reset_gate, dropped_previous), self.recurrent_kernel[:, 2 * units :]
            )
        candidate = self.activation(ops.add(x_h, recurrent_candidate))
        output = ops.add(
            ops.multiply(update_gate, previous),
            ops.multiply(ops.subtract(1.0, update_gate), candidate),
        )
        return output, ([output] if isinstance(states, (list, tuple)) else output)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "reset_after": self.reset_after,
        }
