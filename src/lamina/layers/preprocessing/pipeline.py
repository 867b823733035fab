"""Pipeline: a plain layer that applies a list of layers in order (not a Model)."""

from __future__ import annotations

import inspect

from lamina.backend.common import tree
from lamina.backend.common.masking import get_keras_mask
from lamina.layers.layer import Layer
from lamina.serialization import deserialize_keras_object, serialize_keras_object


class Pipeline(Layer):
    """Applies ``layers`` one after the other, e.g. a data-augmentation chain.

    Unlike ``Sequential`` it is a layer, not a model: it has no ``fit`` and its config is
    the list of its layers. ``training`` (default True, as Keras) reaches every layer whose
    ``call`` takes it; a mask produced by one layer reaches the next.

    >>> augment = Pipeline([Rescaling(1 / 255.0), Normalization(mean=0.5, variance=0.04)])
    """

    def __init__(self, layers, name=None):
        super().__init__(name=name)
        if not isinstance(layers, (list, tuple)) or not all(isinstance(x, Layer) for x in layers):
            raise TypeError(
                "`layers` must be a list of Layer instances; received "
                f"{type(layers).__name__}"
                + (
                    f" holding {sorted({type(x).__name__ for x in layers})}."
                    if isinstance(layers, (list, tuple))
                    else "."
                )
            )
        self._pipeline_layers = list(layers)
        self._track(self._pipeline_layers)

    @property
    def layers(self) -> list:
        return self._pipeline_layers

    def build(self, input_shape) -> None:
        # Each layer is built here, on concrete shapes: built inside the abstract evaluation
        # of a symbolic call, a layer could keep placeholder tensors (torch's fake tensors).
        shape = input_shape
        for layer in self._pipeline_layers:
            if not layer.built:
                layer.build_from_config({"input_shape": shape})
            shape = layer.compute_output_shape(shape)

    def call(self, inputs, training=True, mask=None):
        outputs = inputs
        for layer in self._pipeline_layers:
            kwargs = {"training": training}
            if mask is not None and "mask" in inspect.signature(layer.call).parameters:
                kwargs["mask"] = mask
            outputs = layer(outputs, **kwargs)
            mask = None if tree.is_nested(outputs) else get_keras_mask(outputs)
        return outputs

    def get_config(self) -> dict:
        return {"layers": serialize_keras_object(self._pipeline_layers), "name": self.name}

    @classmethod
    def from_config(cls, config):
        layers = config.get("layers")
        if not isinstance(layers, (list, tuple)):
            raise ValueError(
                "`Pipeline` config must contain a `layers` key mapping to a list of serialized "
                f"layers. Received config with layers={layers}."
            )
        config = {**config, "layers": [deserialize_keras_object(x, kind="layer") for x in layers]}
        return cls(**config)
