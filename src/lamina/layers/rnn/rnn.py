"""RNN: loops a cell over the time axis of ``(batch, timesteps, features)`` sequences."""

from __future__ import annotations

import contextlib
import inspect

from lamina import backend, ops
from lamina.backend import KerasTensor, global_state
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.serialization import deserialize_keras_object, serialize_keras_object


def _state_sizes(cell) -> list[int]:
    state_size = getattr(cell, "state_size", None)
    if isinstance(state_size, int) and not isinstance(state_size, bool):
        return [state_size]
    if isinstance(state_size, (list, tuple)) and all(isinstance(s, int) for s in state_size):
        return list(state_size)
    raise ValueError(
        "An RNN cell needs a `state_size` attribute: an integer or a list of integers (one "
        f"per state); received cell={cell!r} with state_size={state_size!r}."
    )


def cell_property(name: str, doc: str = "") -> property:
    """A layer attribute read from its cell (``lstm.units`` is ``lstm.cell.units``)."""
    return property(lambda layer: getattr(layer.cell, name), doc=doc or f"The cell's {name}.")


class RNN(Layer):
    """Runs ``cell`` over each time step of a ``(batch, timesteps, features)`` input.

    The cell maps ``(step_input, states)`` to ``(step_output, new_states)``. Output shape:
    ``(batch, timesteps, output_size)`` with ``return_sequences=True``, else the last output
    ``(batch, output_size)``; with ``return_state=True``, a list ``[output, *final_states]``.

    Masking follows Keras: at a step whose mask entry is False the states and the output
    carry over from the previous step (the output is 0 before any kept step, and with
    ``zero_output_for_mask=True`` the returned sequence holds 0 there). ``go_backwards``
    reads the sequence from its end and returns the outputs in that (reversed) order.
    ``unroll`` is accepted for compatibility; the loop is always a Python loop over steps.

    >>> RNN(LSTMCell(4), return_sequences=True)(np.zeros((2, 5, 3))).shape  # (2, 5, 4)
    """

    def __init__(
        self,
        cell,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        zero_output_for_mask=False,
        **kwargs,
    ):
        if not callable(getattr(cell, "call", None)):
            raise ValueError(f"Argument `cell` should have a `call` method; received cell={cell!r}")
        self.state_size = _state_sizes(cell)
        if stateful:
            raise NotImplementedError(
                "stateful=True is not supported yet by Lamina's recurrent layers; pass the "
                "previous batch's final states as `initial_state=` instead."
            )
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = False
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.supports_masking = True
        self.input_spec = InputSpec(ndim=3)
        self._cell_takes_training = "training" in inspect.signature(cell.call).parameters

    @property
    def _output_size(self) -> int:
        return getattr(self.cell, "output_size", None) or self.state_size[0]

    def build(self, sequences_shape, initial_state_shape=None):
        sequences_shape = tuple(sequences_shape)
        if len(sequences_shape) != 3:
            raise ValueError(
                f"Layer {self.name!r} expects a 3D input (batch, timesteps, features); "
                f"received input_shape={sequences_shape}."
            )
        if isinstance(self.cell, Layer) and not self.cell.built:
            # The cell's weights sit under this layer's path (``lstm/lstm_cell/kernel``) even
            # when build is called directly, outside the scope that __call__ opens.
            in_own_scope = global_state.current_path().rsplit("/", 1)[-1] == self.name
            with contextlib.nullcontext() if in_own_scope else backend.name_scope(self.name):
                self.cell.build((sequences_shape[0], *sequences_shape[2:]))

    def get_initial_state(self, batch_size) -> list:
        make = getattr(self.cell, "get_initial_state", None)
        if make is not None:
            states = make(batch_size=batch_size)
            return list(states) if isinstance(states, (list, tuple)) else [states]
        return [ops.zeros((batch_size, size), dtype=self.compute_dtype) for size in self.state_size]

    def _initial_states(self, sequences, initial_state) -> list:
        if initial_state is None:
            return self.get_initial_state(ops.shape(sequences)[0])
        states = (
            list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
        )
        if len(states) != len(self.state_size):
            raise ValueError(
                f"Layer {self.name!r} expects {len(self.state_size)} initial state(s) "
                f"(state_size={self.state_size}); received {len(states)}."
            )
        return [ops.cast(ops.convert_to_tensor(s), self.compute_dtype) for s in states]

    def _step(self, inputs, states, training):
        if self._cell_takes_training:
            output, new_states = self.cell.call(inputs, states, training=training)
        else:
            output, new_states = self.cell.call(inputs, states)
        return output, list(new_states) if isinstance(new_states, (list, tuple)) else [new_states]

    def call(self, sequences, initial_state=None, mask=None, training=False):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        states = self._initial_states(sequences, initial_state)
        if mask is not None:
            mask = ops.cast(ops.convert_to_tensor(mask), "bool")
        reset = [
            getattr(self.cell, name, None)
            for name in ("reset_dropout_mask", "reset_recurrent_dropout_mask")
        ]
        for function in reset:  # a fresh dropout mask per sequence, shared by its steps
            if function is not None:
                function()
        timesteps = ops.shape(sequences)[1]
        order = range(timesteps - 1, -1, -1) if self.go_backwards else range(timesteps)
        outputs, last_output = [], None
        for step in order:
            output, new_states = self._step(sequences[:, step], states, training)
            if mask is None:
                states, last_output = new_states, output
                outputs.append(output)
                continue
            keep = ops.expand_dims(mask[:, step], -1)  # (batch, 1): False carries over
            if last_output is None:
                last_output = ops.zeros_like(output)
            states = [ops.where(keep, new, old) for new, old in zip(new_states, states)]
            emitted = (
                ops.where(keep, output, ops.zeros_like(output))
                if self.zero_output_for_mask
                else None
            )
            last_output = ops.where(keep, output, last_output)
            outputs.append(last_output if emitted is None else emitted)
        for function in reset:
            if function is not None:
                function()
        output = ops.stack(outputs, axis=1) if self.return_sequences else last_output
        if self.return_state:
            return [output, *states]
        return output

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        batch, timesteps = sequences_shape[0], sequences_shape[1]
        if self.return_sequences:
            output_shape = (batch, timesteps, self._output_size)
        else:
            output_shape = (batch, self._output_size)
        if self.return_state:
            return [output_shape, *((batch, size) for size in self.state_size)]
        return output_shape

    def compute_output_spec(self, sequences, initial_state=None, mask=None, training=None):
        shapes = self.compute_output_shape(sequences.shape)
        if self.return_state:
            return [KerasTensor(shape, dtype=self.compute_dtype) for shape in shapes]
        return KerasTensor(shapes, dtype=self.compute_dtype)

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * len(self.state_size)
        return output_mask

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
            "cell": serialize_keras_object(self.cell),
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.layers.rnn.gru_cell import GRUCell
        from lamina.layers.rnn.lstm_cell import LSTMCell
        from lamina.layers.rnn.simple_rnn_cell import SimpleRNNCell

        config = dict(config)
        cells = {"GRUCell": GRUCell, "LSTMCell": LSTMCell, "SimpleRNNCell": SimpleRNNCell}
        cell = deserialize_keras_object(
            config.pop("cell"), module_objects=cells, custom_objects=custom_objects, kind="layer"
        )
        return super().from_config({**config, "cell": cell})


class CellArgumentsRNN(RNN):
    """SimpleRNN, LSTM and GRU: an RNN built from its cell's arguments. The arguments read
    back from the cell (``lstm.units`` is ``lstm.cell.units``), and the config lists them
    flat, without a ``cell`` entry, as Keras's does."""

    units = cell_property("units")
    activation = cell_property("activation")
    use_bias = cell_property("use_bias")
    kernel_initializer = cell_property("kernel_initializer")
    recurrent_initializer = cell_property("recurrent_initializer")
    bias_initializer = cell_property("bias_initializer")
    kernel_regularizer = cell_property("kernel_regularizer")
    recurrent_regularizer = cell_property("recurrent_regularizer")
    bias_regularizer = cell_property("bias_regularizer")
    kernel_constraint = cell_property("kernel_constraint")
    recurrent_constraint = cell_property("recurrent_constraint")
    bias_constraint = cell_property("bias_constraint")
    dropout = cell_property("dropout")
    recurrent_dropout = cell_property("recurrent_dropout")

    def get_config(self) -> dict:
        config = {
            **RNN.get_config(self),
            "activity_regularizer": serialize_keras_object(self.activity_regularizer),
        }
        config.pop("cell")
        cell_config = self.cell.get_config()
        for key in ("name", "trainable", "dtype"):
            cell_config.pop(key, None)
        return {**config, **cell_config}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)
