"""RNN: loops a cell over the time axis of ``(batch, timesteps, features)`` sequences."""

from __future__ import annotations

import contextlib
import inspect

from lamina import backend, ops
from lamina.backend import KerasTensor, global_state
from lamina.backend.common import tree
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer
from lamina.serialization import deserialize_keras_object, serialize_keras_object


def _state_layout(cell) -> tuple[list[int], list[int] | None]:
    """The cell's state sizes, flat, and how they group: None for a plain cell, else the
    number of states of each inner cell (``StackedRNNCells``: ``[[4, 4], 3]`` is
    ``[4, 4, 3]`` grouped ``[2, 1]``)."""
    state_size = getattr(cell, "state_size", None)

    def sizes_of(entry):
        if isinstance(entry, int) and not isinstance(entry, bool):
            return [entry]
        if isinstance(entry, (list, tuple)) and all(
            isinstance(s, int) and not isinstance(s, bool) for s in entry
        ):
            return list(entry)
        return None

    flat = sizes_of(state_size)
    if flat is not None:
        return flat, None
    entries = list(state_size) if isinstance(state_size, (list, tuple)) else []
    groups: list[list[int]] = []
    for entry in entries:
        sizes = sizes_of(entry)
        if sizes is None:
            break
        groups.append(sizes)
    if not entries or len(groups) != len(entries):
        raise ValueError(
            "An RNN cell needs a `state_size` attribute: an integer or a list of integers (one "
            f"per state); received cell={cell!r} with state_size={state_size!r}."
        )
    return [size for group in groups for size in group], [len(group) for group in groups]


def _grouped(flat: list, groups: list[int] | None) -> list:
    """``flat`` split into one list per inner cell (unchanged when ``groups`` is None)."""
    if groups is None:
        return flat
    result, start = [], 0
    for count in groups:
        result.append(list(flat[start : start + count]))
        start += count
    return result


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
    Compiled (JAX under jit), the time loop is the engine's ``scan`` (``lax.scan``);
    ``unroll=True`` unrolls it into one step per time step instead. With ``stateful=True``
    the final states of a batch are the initial states of the next (the batch size must be
    fixed) until ``reset_state()``.

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
        if isinstance(cell, (list, tuple)):
            from lamina.layers.rnn.stacked_rnn_cells import StackedRNNCells

            cell = StackedRNNCells(cell)
        if not callable(getattr(cell, "call", None)):
            raise ValueError(f"Argument `cell` should have a `call` method; received cell={cell!r}")
        self.state_size, self._state_groups = _state_layout(cell)
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.supports_masking = True
        self.input_spec = InputSpec(ndim=3)
        self._cell_takes_training = "training" in inspect.signature(cell.call).parameters
        self._state_variables: list | None = None  # stateful: not weights, as in Keras

    @property
    def _output_size(self) -> int:
        return getattr(self.cell, "output_size", None) or self.state_size[0]

    def build(self, sequences_shape, initial_state_shape=None):
        sequences_shape = tuple(sequences_shape)
        if len(sequences_shape) != self.input_spec.ndim:
            raise ValueError(
                f"Layer {self.name!r} expects a {self.input_spec.ndim}D input (batch, "
                f"timesteps, ...features); received input_shape={sequences_shape}."
            )
        if isinstance(self.cell, Layer) and not self.cell.built:
            # The cell's weights sit under this layer's path (``lstm/lstm_cell/kernel``) even
            # when build is called directly, outside the scope that __call__ opens.
            in_own_scope = global_state.current_path().rsplit("/", 1)[-1] == self.name
            with contextlib.nullcontext() if in_own_scope else backend.name_scope(self.name):
                self.cell.build((sequences_shape[0], *sequences_shape[2:]))
        if self.stateful and self._state_variables is None:
            self._create_state_variables(sequences_shape[0])

    # ---- states --------------------------------------------------------------------------

    def _create_state_variables(self, batch_size) -> None:
        if batch_size is None:
            raise ValueError(
                f"Layer {self.name!r} is stateful and needs a fixed batch size (pass "
                "`batch_size=` to `Input`, or `batch_shape=`); received a batch size of None."
            )
        in_own_scope = global_state.current_path().rsplit("/", 1)[-1] == self.name
        with contextlib.nullcontext() if in_own_scope else backend.name_scope(self.name):
            self._state_variables = [
                backend.Variable(
                    initializer=ops.convert_to_numpy(state), trainable=False, name="rnn_state"
                )
                for state in self.get_initial_state(batch_size)
            ]

    @property
    def states(self) -> list | None:
        """The stateful layer's state variables (None when not stateful or not built)."""
        return self._state_variables

    def reset_state(self) -> None:
        """Zeroes a stateful layer's states: the next batch starts a new sequence."""
        for variable in self._state_variables or []:
            variable.assign(ops.zeros(variable.shape, dtype=variable.dtype))

    def reset_states(self) -> None:
        """Keras 2's name for ``reset_state``."""
        self.reset_state()

    def get_initial_state(self, batch_size) -> list:
        make = getattr(self.cell, "get_initial_state", None)
        if make is not None:
            states = make(batch_size=batch_size)
            return tree.flatten(states) if isinstance(states, (list, tuple)) else [states]
        return [ops.zeros((batch_size, size), dtype=self.compute_dtype) for size in self.state_size]

    def _initial_states(self, sequences, initial_state) -> list:
        if initial_state is None and self._state_variables is not None:
            batch = ops.shape(sequences)[0]
            expected = self._state_variables[0].shape[0]
            if batch != expected:
                raise ValueError(
                    f"Layer {self.name!r} is stateful with a batch size of {expected}; "
                    f"received a batch of {batch}."
                )
            # A copy: the variables change after this call, and autograd may still need
            # the values this call read.
            return [ops.cast(ops.copy(v.value), self.compute_dtype) for v in self._state_variables]
        if initial_state is None:
            return self.get_initial_state(ops.shape(sequences)[0])
        states = (
            tree.flatten(initial_state)
            if isinstance(initial_state, (list, tuple))
            else [initial_state]
        )
        if len(states) != len(self.state_size):
            raise ValueError(
                f"Layer {self.name!r} expects {len(self.state_size)} initial state(s) "
                f"(state_size={self.state_size}); received {len(states)}."
            )
        return [ops.cast(ops.convert_to_tensor(s), self.compute_dtype) for s in states]

    # ---- the time loop -------------------------------------------------------------------

    def _step(self, inputs, states, training):
        states = _grouped(states, self._state_groups)
        if self._cell_takes_training:
            output, new_states = self.cell.call(inputs, states, training=training)
        else:
            output, new_states = self.cell.call(inputs, states)
        if not isinstance(new_states, (list, tuple)):
            return output, [new_states]
        return output, [
            state
            for entry in new_states
            for state in (entry if isinstance(entry, (list, tuple)) else [entry])
        ]

    def _fused_loop(self, sequences, states, mask, training):
        """An engine's fused kernel for the whole loop; None runs the generic loop.
        ``(last_output, outputs, states)`` as ``_loop`` returns them."""

    def _loop(self, sequences, states, mask, training):
        """``(last_output, outputs (B, T, ...) in processing order or None, final states)``.

        The first step runs on its own: it gives the output's shape for the carried "last
        output" that masked steps repeat. When the engine is compiling the call (JAX under
        jit) and ``unroll`` is off, the rest run in the engine's ``scan`` (``lax.scan``: one
        compiled loop); otherwise one Python step per time step.
        """
        if self.go_backwards:
            sequences = ops.flip(sequences, axis=1)
            mask = None if mask is None else ops.flip(mask, axis=1)

        def step(carry, step_inputs):
            states, last_output = carry
            inputs, keep = step_inputs if mask is not None else (step_inputs, None)
            output, new_states = self._step(inputs, states, training)
            if keep is not None:
                # keep: (batch,) -> (batch, 1, ...) to broadcast over the output's features.
                keep = ops.reshape(keep, (-1,) + (1,) * (len(ops.shape(output)) - 1))
                new_states = [ops.where(keep, new, old) for new, old in zip(new_states, states)]
                if last_output is None:
                    last_output = ops.zeros_like(output)
                output_zeros = ops.zeros_like(output)
                last_output = ops.where(keep, output, last_output)
                output = (
                    ops.where(keep, output, output_zeros)
                    if self.zero_output_for_mask
                    else (last_output)
                )
            else:
                last_output = output
            return (new_states, last_output), (output if self.return_sequences else None)

        timesteps = ops.shape(sequences)[1]
        time_major = ops.moveaxis(sequences, 1, 0)  # (T, B, ...)
        keep = None if mask is None else ops.moveaxis(mask, 1, 0)  # (T, B)
        at = (lambda t: time_major[t]) if keep is None else (lambda t: (time_major[t], keep[t]))
        carry, first = step((states, None), at(0))
        if self.unroll or not backend.engine.rnn.is_traced(sequences):
            outputs = [first]
            for t in range(1, timesteps):
                carry, output = step(carry, at(t))
                outputs.append(output)
            stacked = ops.stack(outputs, axis=1) if self.return_sequences else None
            return carry[1], stacked, carry[0]
        rest = None
        if not isinstance(timesteps, int) or timesteps > 1:  # a graph's free time axis: scan
            xs = time_major[1:] if keep is None else (time_major[1:], keep[1:])
            carry, rest = ops.scan(step, carry, xs)
        stacked = None
        if self.return_sequences:
            stacked = ops.expand_dims(first, 1)
            if rest is not None:
                stacked = ops.concatenate([stacked, ops.moveaxis(rest, 0, 1)], axis=1)
        return carry[1], stacked, carry[0]

    def _prime_dropout_masks(self, sequences, states, training) -> None:
        """Draws the cell's dropout masks before the loop, so no step draws random numbers
        (a ``lax.scan`` body must not change the seed generator)."""
        prime = getattr(self.cell, "prime_dropout_masks", None)
        if training and prime is not None:
            prime(sequences[:, 0], states)

    def _reset_dropout_masks(self) -> None:
        for name in ("reset_dropout_mask", "reset_recurrent_dropout_mask"):
            function = getattr(self.cell, name, None)
            if function is not None:
                function()

    def call(self, sequences, initial_state=None, mask=None, training=False):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        states = self._initial_states(sequences, initial_state)
        if mask is not None:
            mask = ops.cast(ops.convert_to_tensor(mask), "bool")
        self._reset_dropout_masks()  # a fresh dropout mask per sequence, shared by its steps
        self._prime_dropout_masks(sequences, states, training)
        result = self._fused_loop(sequences, states, mask, training)
        if result is None:
            result = self._loop(sequences, states, mask, training)
        self._reset_dropout_masks()
        last_output, outputs, states = result
        if self._state_variables is not None:
            for variable, state in zip(self._state_variables, states):
                variable.assign(ops.stop_gradient(state))
        # As Keras: the results come in this layer's compute dtype, whatever the cell's
        # own policy (a float32 cell inside RNN(dtype="mixed_bfloat16") gives bfloat16).
        output = self._in_compute_dtype(outputs if self.return_sequences else last_output)
        if self.return_state:
            states = [self._in_compute_dtype(state) for state in states]
            return [output, *_grouped(states, self._state_groups)]
        return output

    def _in_compute_dtype(self, x):
        if backend.standardize_dtype(x.dtype) == self.compute_dtype:
            return x
        return ops.cast(x, self.compute_dtype)

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        batch, timesteps = sequences_shape[0], sequences_shape[1]
        if self.return_sequences:
            output_shape = (batch, timesteps, self._output_size)
        else:
            output_shape = (batch, self._output_size)
        if self.return_state:
            state_shapes = [(batch, size) for size in self.state_size]
            return [output_shape, *_grouped(state_shapes, self._state_groups)]
        return output_shape

    def compute_output_spec(self, sequences, initial_state=None, mask=None, training=None):
        shapes = self.compute_output_shape(sequences.shape)
        if self.return_state:
            spec = lambda shape: KerasTensor(shape, dtype=self.compute_dtype)  # noqa: E731
            return [
                [spec(s) for s in entry] if isinstance(entry, list) else spec(entry)
                for entry in shapes
            ]
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
        from lamina.layers.rnn.stacked_rnn_cells import StackedRNNCells

        cells = {
            "GRUCell": GRUCell, "LSTMCell": LSTMCell, "SimpleRNNCell": SimpleRNNCell,
            "StackedRNNCells": StackedRNNCells,
        }  # fmt: skip
        cell = deserialize_keras_object(
            config.pop("cell"), module_objects=cells, custom_objects=custom_objects, kind="layer"
        )
        return super().from_config({**config, "cell": cell})


def run_fused_kernel(layer, kernel, sequences, states, mask, training, supported: bool):
    """LSTM and GRU: the engine's fused ``kernel`` over the whole sequence, or None for the
    loop. The kernel computes Keras's default gates only; recurrent dropout and ``unroll``
    change the step, so they keep the loop (as Keras's cuDNN path does)."""
    cell = layer.cell
    result = None
    if (
        supported
        and layer.use_cudnn is not False
        and not layer.unroll
        and not (training and cell.recurrent_dropout > 0)
    ):
        if training and 0 < cell.dropout < 1:  # one input mask for every step
            step_mask = ops.expand_dims(cell.get_dropout_mask(sequences[:, 0]), 1)  # (B, 1, F)
            sequences = ops.multiply(sequences, step_mask)
        result = kernel(
            sequences, states, mask, cell.kernel, cell.recurrent_kernel, cell.bias,
            layer.go_backwards, layer.zero_output_for_mask,
        )  # fmt: skip
    if result is None and layer.use_cudnn is True:
        raise ValueError(
            f"Layer {layer.name!r} has use_cudnn=True, but the {backend.backend()} engine has no "
            "fused kernel for this call (non-default activations, recurrent dropout, unroll, "
            "or a mask that is not right-padded); pass use_cudnn='auto' to run the loop."
        )
    return result


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
