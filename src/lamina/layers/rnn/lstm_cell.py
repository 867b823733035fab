"""LSTMCell: one step of a Long Short-Term Memory layer (Hochreiter & Schmidhuber, 1997)."""

from __future__ import annotations

from lamina import activations, initializers, ops
from lamina.layers.rnn.base_rnn_cell import BaseRNNCell


class _ForgetGateOnes:
    """Bias initializer with the forget-gate quarter set to 1 (Jozefowicz et al., 2015),
    the others from the user's initializer: Keras's ``unit_forget_bias=True``."""

    def __init__(self, initializer, units: int):
        self.initializer, self.units = initializer, units

    def __call__(self, shape, dtype=None):
        units = self.units
        return ops.concatenate(
            [
                self.initializer((units,), dtype=dtype),  # input gate
                ops.ones((units,), dtype=dtype),  # forget gate
                self.initializer((2 * units,), dtype=dtype),  # cell candidate, output gate
            ]
        )


class LSTMCell(BaseRNNCell):
    """One LSTM step; states ``[h, c]`` (memory, carry), each ``(batch, units)``.

    Weights ``kernel (input_dim, 4*units)``, ``recurrent_kernel (units, 4*units)`` and
    ``bias (4*units,)`` hold the gates in Keras's order i, f, c, o:

        i, f, o = recurrent_activation(z_i), recurrent_activation(z_f), recurrent_activation(z_o)
        c_t = f * c_{t-1} + i * activation(z_c);  h_t = o * activation(c_t)
    with ``z = x_t @ kernel + h_{t-1} @ recurrent_kernel + bias``.
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
        **kwargs,
    ):
        super().__init__(
            units,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            **kwargs,
        )
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.state_size = [self.units, self.units]

    def build(self, input_shape):
        bias_initializer = self.bias_initializer
        if self.unit_forget_bias:
            bias_initializer = _ForgetGateOnes(initializers.get(self.bias_initializer), self.units)
        self._add_cell_weights(
            input_shape[-1],
            num_gates=4,
            bias_shape=(4 * self.units,),
            bias_initializer=bias_initializer,
        )

    def call(self, inputs, states, training=False):
        previous_memory, previous_carry = states[0], states[1]
        inputs, dropped_memory = self._dropped(inputs, previous_memory, training)
        z = ops.add(  # (batch, 4*units)
            ops.matmul(inputs, self.kernel), ops.matmul(dropped_memory, self.recurrent_kernel)
        )
        if self.bias is not None:
            z = ops.add(z, self.bias)
        z_i, z_f, z_c, z_o = ops.split(z, 4, axis=-1)
        input_gate = self.recurrent_activation(z_i)
        forget_gate = self.recurrent_activation(z_f)
        output_gate = self.recurrent_activation(z_o)
        carry = ops.add(
            ops.multiply(forget_gate, previous_carry),
            ops.multiply(input_gate, self.activation(z_c)),
        )
        memory = ops.multiply(output_gate, self.activation(carry))
        return memory, [memory, carry]

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "unit_forget_bias": self.unit_forget_bias,
        }
