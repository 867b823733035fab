"""Wrapper: the base of layers that take another layer and change how it is applied."""

from __future__ import annotations

import contextlib

from lamina import backend
from lamina.backend import global_state
from lamina.layers.layer import Layer
from lamina.serialization import deserialize_keras_object, serialize_keras_object


class Wrapper(Layer):
    """Holds ``layer`` (tracked: its weights are this layer's, under ``<wrapper>/<layer>/``)
    and builds it on the first call. An abstract base: subclasses define ``call``
    (TimeDistributed, SpectralNormalization).
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                f"{type(self).__name__} wraps a Layer instance; received layer={layer!r} "
                f"of type {type(layer).__name__}."
            )
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape=None):
        if self.layer.built:
            return
        # Called directly (not through a first call) the wrapper's own scope is not open yet.
        in_own_scope = global_state.current_path().rsplit("/", 1)[-1] == self.name
        own_scope = contextlib.nullcontext() if in_own_scope else backend.name_scope(self.name)
        with own_scope, backend.name_scope(self.layer.name):
            self.layer.build(input_shape)
        self.layer.built = True
        self.layer._build_shapes = input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "layer": serialize_keras_object(self.layer)}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        layer = deserialize_keras_object(config.pop("layer"), kind="layer")
        return cls(layer, **config)
