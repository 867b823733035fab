"""Bidirectional: runs a recurrent layer forwards and a copy backwards, and merges them."""

from __future__ import annotations

import contextlib

from lamina import backend, ops
from lamina.backend import KerasTensor, global_state
from lamina.layers.layer import Layer
from lamina.serialization import deserialize_keras_object, serialize_keras_object

_MERGE_MODES = ("sum", "mul", "ave", "concat", None)


def _copy_of(layer, name: str, **overrides):
    """A fresh layer from ``layer``'s config (no weights or state carried over)."""
    config = {**layer.get_config(), **overrides, "name": name}
    return type(layer).from_config(config)


class Bidirectional(Layer):
    """Wraps a recurrent ``layer``: a forward copy and a backward copy (``go_backwards``
    flipped, or ``backward_layer``) read the sequence, and their outputs are merged.

    ``merge_mode`` is one of "concat" (default), "sum", "mul", "ave" or None (a list of the
    two outputs). The backward sequence is flipped back to the input's time order before
    merging. With ``return_state=True`` the forward states follow the output, then the
    backward ones. Weights: ``bidirectional/forward_lstm/lstm_cell/kernel``…, forward first.

    >>> Bidirectional(LSTM(4, return_sequences=True))(np.zeros((2, 5, 3))).shape  # (2, 5, 8)
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(f"Bidirectional wraps a Layer instance; received layer={layer!r}.")
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError(
                "backward_layer must be a Layer instance; "
                f"received backward_layer={backward_layer!r}."
            )
        if merge_mode not in _MERGE_MODES:
            raise ValueError(
                f"merge_mode must be one of {_MERGE_MODES}; received merge_mode={merge_mode!r}."
            )
        super().__init__(**kwargs)
        base_name = layer.name.removeprefix("forward_")
        self.forward_layer = _copy_of(layer, "forward_" + base_name)
        if backward_layer is None:
            backward_layer = _copy_of(
                layer, "backward_" + layer.name.removeprefix("backward_"),
                go_backwards=not layer.go_backwards,
            )  # fmt: skip
        self.backward_layer = backward_layer
        self._verify_layers()
        for wrapped in (self.forward_layer, self.backward_layer):
            # As Keras: masked steps of a returned sequence are 0, so the two directions
            # merge cleanly at padded positions.
            if hasattr(wrapped, "zero_output_for_mask"):
                wrapped.zero_output_for_mask = wrapped.return_sequences
        self.merge_mode = merge_mode
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.stateful = layer.stateful
        self.supports_masking = True
        self.input_spec = layer.input_spec
        self._initial_weights = weights

    def _verify_layers(self) -> None:
        forward, backward = self.forward_layer, self.backward_layer
        if forward.go_backwards == backward.go_backwards:
            raise ValueError(
                "The forward and backward layers need different go_backwards values; received "
                f"{forward.go_backwards} for both."
            )
        for attribute in ("stateful", "return_sequences", "return_state"):
            if getattr(forward, attribute) != getattr(backward, attribute):
                raise ValueError(
                    f"The forward and backward layers need the same {attribute}; received "
                    f"{getattr(forward, attribute)} and {getattr(backward, attribute)}."
                )

    def build(self, sequences_shape, initial_state_shape=None):
        in_own_scope = global_state.current_path().rsplit("/", 1)[-1] == self.name
        with contextlib.nullcontext() if in_own_scope else backend.name_scope(self.name):
            for wrapped in (self.forward_layer, self.backward_layer):
                if not wrapped.built:
                    with backend.name_scope(wrapped.name):
                        wrapped.build(sequences_shape)
        if self._initial_weights:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def call(self, sequences, initial_state=None, mask=None, training=None):
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = initial_state[:half], initial_state[half:]
        forward = self.forward_layer(
            sequences, initial_state=forward_state, mask=mask, training=training
        )
        backward = self.backward_layer(
            sequences, initial_state=backward_state, mask=mask, training=training
        )
        states: list = []
        if self.return_state:
            states = [*forward[1:], *backward[1:]]
            forward, backward = forward[0], backward[0]
        if self.return_sequences:
            backward = ops.flip(backward, axis=1)  # back to the input's time order
        # As Keras: merged in this layer's compute dtype, whatever the wrapped layers' policy.
        forward, backward = (
            x if backend.standardize_dtype(x.dtype) == self.compute_dtype
            else ops.cast(x, self.compute_dtype)
            for x in (forward, backward)
        )  # fmt: skip
        output = self._merge(forward, backward)
        if self.return_state:
            return [*output, *states] if self.merge_mode is None else [output, *states]
        return output

    def _merge(self, forward, backward):
        if self.merge_mode == "concat":
            return ops.concatenate([forward, backward], axis=-1)
        if self.merge_mode == "sum":
            return ops.add(forward, backward)
        if self.merge_mode == "ave":
            return ops.divide(ops.add(forward, backward), 2.0)
        if self.merge_mode == "mul":
            return ops.multiply(forward, backward)
        return [forward, backward]

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        shapes = self.forward_layer.compute_output_shape(sequences_shape)
        output_shape, state_shapes = (shapes[0], shapes[1:]) if self.return_state else (shapes, [])
        if self.merge_mode == "concat":
            output_shape = (*output_shape[:-1], 2 * output_shape[-1])
        outputs = [output_shape, output_shape] if self.merge_mode is None else [output_shape]
        if self.return_state:
            return [*outputs, *state_shapes, *state_shapes]
        return outputs if self.merge_mode is None else output_shape

    def compute_output_spec(self, sequences, initial_state=None, mask=None, training=None):
        shapes = self.compute_output_shape(sequences.shape)
        if isinstance(shapes, list):
            return [KerasTensor(shape, dtype=self.compute_dtype) for shape in shapes]
        return KerasTensor(shapes, dtype=self.compute_dtype)

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        masks = [output_mask] * (2 if self.merge_mode is None else 1)
        if self.return_state:
            num_states = 2 * len(self.forward_layer.state_size)
            return [*masks, *([None] * num_states)]
        return masks if self.merge_mode is None else output_mask

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "merge_mode": self.merge_mode,
            "layer": serialize_keras_object(self.forward_layer),
            "backward_layer": serialize_keras_object(self.backward_layer),
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.layers.rnn.gru import GRU
        from lamina.layers.rnn.lstm import LSTM
        from lamina.layers.rnn.rnn import RNN
        from lamina.layers.rnn.simple_rnn import SimpleRNN

        known = {"GRU": GRU, "LSTM": LSTM, "RNN": RNN, "SimpleRNN": SimpleRNN}
        config = dict(config)
        for key in ("layer", "backward_layer"):
            if isinstance(config.get(key), dict):
                config[key] = deserialize_keras_object(
                    config[key], module_objects=known, custom_objects=custom_objects, kind="layer"
                )
        return cls(**config)
