"""BaseRNNCell: what SimpleRNNCell, LSTMCell and GRUCell share.

A cell computes one time step, ``call(inputs, states, training=False) -> (output,
new_states)``; the ``RNN`` layer loops it over time. The shared parts are the weight
arguments (initializers, regularizers, constraints for ``kernel``, ``recurrent_kernel`` and
``bias``) and the dropout masks, drawn once per sequence and reused at every step as Keras
does (Gal & Ghahramani, 2016).
"""

from __future__ import annotations

from lamina import activations, backend, constraints, initializers, ops, regularizers
from lamina.layers.arguments import require_positive_int
from lamina.layers.layer import Layer
from lamina.serialization import serialize_keras_object


def _require_rate(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ValueError(f"{name} must be a float between 0 and 1; received {name}={value!r}.")
    return float(value)


class BaseRNNCell(Layer):
    """Weight arguments, dropout masks and zero initial states of a recurrent cell."""

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
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        **kwargs,
    ):
        kwargs.pop("implementation", None)  # Keras 2's kernel-layout switch: one layout here
        super().__init__(**kwargs)
        self.units = require_positive_int("units", units)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = _require_rate("dropout", dropout)
        self.recurrent_dropout = _require_rate("recurrent_dropout", recurrent_dropout)
        self.seed = seed
        self.seed_generator = backend.SeedGenerator(seed)
        self._dropout_mask = None
        self._recurrent_dropout_mask = None
        self.state_size = self.units  # an int, or one int per state (LSTM: [h, c])
        self.output_size = self.units

    def _add_cell_weights(self, input_dim, num_gates: int, bias_shape, bias_initializer=None):
        """``kernel (input_dim, g*units)``, ``recurrent_kernel (units, g*units)``, ``bias``:
        Keras's names, shapes and order, so Keras weight files load."""
        if input_dim is None:
            raise ValueError(
                f"Layer {self.name!r} needs a known feature dimension; "
                f"received a step input of shape (batch, {input_dim})."
            )
        self.kernel = self.add_weight(
            name="kernel",
            shape=(input_dim, num_gates * self.units),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            name="recurrent_kernel",
            shape=(self.units, num_gates * self.units),
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=bias_shape,
                initializer=bias_initializer or self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )

    # ---- dropout: one mask per sequence, reused at every step ----------------------------

    def _mask_for(self, step_input, rate: float):
        return ops.random.dropout(ops.ones_like(step_input), rate, seed=self.seed_generator)

    def get_dropout_mask(self, step_input):
        if self._dropout_mask is None and 0 < self.dropout < 1:
            self._dropout_mask = self._mask_for(step_input, self.dropout)
        return self._dropout_mask

    def get_recurrent_dropout_mask(self, step_state):
        if self._recurrent_dropout_mask is None and 0 < self.recurrent_dropout < 1:
            self._recurrent_dropout_mask = self._mask_for(step_state, self.recurrent_dropout)
        return self._recurrent_dropout_mask

    def prime_dropout_masks(self, step_input, states) -> None:
        """Draws this sequence's masks now (the RNN calls it before its loop when training),
        so that no step draws random numbers."""
        self.get_dropout_mask(step_input)
        self.get_recurrent_dropout_mask(states[0])

    def reset_dropout_mask(self) -> None:
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self) -> None:
        self._recurrent_dropout_mask = None

    def _dropped(self, inputs, previous_output, training):
        """The step input and previous output with this sequence's dropout masks applied."""
        if training and 0 < self.dropout < 1:
            inputs = ops.multiply(inputs, self.get_dropout_mask(inputs))
        if training and 0 < self.recurrent_dropout < 1:
            mask = self.get_recurrent_dropout_mask(previous_output)
            previous_output = ops.multiply(previous_output, mask)
        return inputs, previous_output

    def get_initial_state(self, batch_size=None) -> list:
        sizes = self.state_size if isinstance(self.state_size, list) else [self.state_size]
        return [ops.zeros((batch_size, size), dtype=self.compute_dtype) for size in sizes]

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": serialize_keras_object(self.kernel_initializer),
            "recurrent_initializer": serialize_keras_object(self.recurrent_initializer),
            "bias_initializer": serialize_keras_object(self.bias_initializer),
            "kernel_regularizer": serialize_keras_object(self.kernel_regularizer),
            "recurrent_regularizer": serialize_keras_object(self.recurrent_regularizer),
            "bias_regularizer": serialize_keras_object(self.bias_regularizer),
            "kernel_constraint": serialize_keras_object(self.kernel_constraint),
            "recurrent_constraint": serialize_keras_object(self.recurrent_constraint),
            "bias_constraint": serialize_keras_object(self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }
