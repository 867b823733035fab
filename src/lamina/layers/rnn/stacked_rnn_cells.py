"""StackedRNNCells: several recurrent cells run as one, each feeding the next."""

from __future__ import annotations

import inspect

from lamina import ops
from lamina.layers.layer import Layer
from lamina.serialization import deserialize_keras_object, serialize_keras_object


def _output_size(cell) -> int:
    size = getattr(cell, "output_size", None)
    if size is not None:
        return size
    state_size = cell.state_size
    return state_size[0] if isinstance(state_size, (list, tuple)) else state_size


class StackedRNNCells(Layer):
    """A stack of recurrent cells that behaves as one cell: at each time step the input goes
    through ``cells[0]``, its output through ``cells[1]``, and so on. ``state_size`` lists
    each cell's; the states passed to ``call`` (and returned by an ``RNN`` with
    ``return_state=True``) are one list per cell.

    >>> RNN(StackedRNNCells([LSTMCell(8), LSTMCell(4)]))(np.zeros((2, 5, 3))).shape  # (2, 4)
    """

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        cells = list(cells)
        for cell in cells:
            if not callable(getattr(cell, "call", None)):
                raise ValueError(
                    f"Every cell of StackedRNNCells needs a `call` method; received {cell!r}."
                )
            if getattr(cell, "state_size", None) is None:
                raise ValueError(
                    f"Every cell of StackedRNNCells needs a `state_size`; received {cell!r}."
                )
        self.cells = cells

    @property
    def state_size(self) -> list:
        return [cell.state_size for cell in self.cells]

    @property
    def output_size(self) -> int:
        return _output_size(self.cells[-1])

    def build(self, input_shape):
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell.build(input_shape)
            input_shape = (input_shape[0], _output_size(cell))

    def get_initial_state(self, batch_size=None) -> list:
        states = []
        for cell in self.cells:
            make = getattr(cell, "get_initial_state", None)
            if make is not None:
                initial = make(batch_size=batch_size)
                states.append(list(initial) if isinstance(initial, (list, tuple)) else [initial])
                continue
            sizes = (
                cell.state_size if isinstance(cell.state_size, (list, tuple)) else [cell.state_size]
            )
            states.append([ops.zeros((batch_size, s), dtype=self.compute_dtype) for s in sizes])
        return states

    def call(self, inputs, states, training=False):
        new_states = []
        for cell, cell_states in zip(self.cells, states):
            if "training" in inspect.signature(cell.call).parameters:
                inputs, cell_states = cell.call(inputs, cell_states, training=training)
            else:
                inputs, cell_states = cell.call(inputs, cell_states)
            new_states.append(cell_states)
        return inputs, new_states

    # ---- dropout masks: each cell's own, drawn before the loop -----------------------------

    def prime_dropout_masks(self, step_input, states) -> None:
        flat = list(states)
        for cell in self.cells:
            sizes = (
                cell.state_size if isinstance(cell.state_size, (list, tuple)) else [cell.state_size]
            )
            cell_states, flat = flat[: len(sizes)], flat[len(sizes) :]
            prime = getattr(cell, "prime_dropout_masks", None)
            if prime is not None:
                prime(step_input, cell_states)
            step_input = ops.zeros(
                (ops.shape(step_input)[0], _output_size(cell)), dtype=step_input.dtype
            )

    def reset_dropout_mask(self) -> None:
        for cell in self.cells:
            if hasattr(cell, "reset_dropout_mask"):
                cell.reset_dropout_mask()

    def reset_recurrent_dropout_mask(self) -> None:
        for cell in self.cells:
            if hasattr(cell, "reset_recurrent_dropout_mask"):
                cell.reset_recurrent_dropout_mask()

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "cells": [serialize_keras_object(cell) for cell in self.cells],
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.layers.rnn.gru_cell import GRUCell
        from lamina.layers.rnn.lstm_cell import LSTMCell
        from lamina.layers.rnn.simple_rnn_cell import SimpleRNNCell

        cells = {"GRUCell": GRUCell, "LSTMCell": LSTMCell, "SimpleRNNCell": SimpleRNNCell}
        config = dict(config)
        config["cells"] = [
            deserialize_keras_object(
                cell, module_objects=cells, custom_objects=custom_objects, kind="layer"
            )
            for cell in config.pop("cells")
        ]
        return cls(**config)
