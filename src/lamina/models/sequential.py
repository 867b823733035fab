"""Sequential: a plain stack of layers, each with one input and one output."""

from __future__ import annotations

from lamina.backend import KerasTensor
from lamina.dtype_policies import serialize as serialize_dtype_policy
from lamina.layers import in_place
from lamina.layers.core.input_layer import InputLayer
from lamina.layers.layer import Layer
from lamina.models.model import Model
from lamina.serialization import deserialize_keras_object, serialize_keras_object


class Sequential(Model):
    """``Sequential([layer, ...])``; the input shape comes from an ``Input``, the first layer's
    ``input_shape`` argument, or the first call."""

    def __init__(self, layers=None, trainable=True, name=None, **kwargs):
        Model.__init__(self, trainable=trainable, name=name, **kwargs)
        self._set_input_layer(None)
        self._inputs_tensor = None
        self._outputs_tensor = None
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._maybe_build_from_input_shape()

    # ---- composition ---------------------------------------------------------------------

    def add(self, layer, rebuild=True):
        """Appends ``layer`` (or an ``Input``) to the end of the model. With an input shape known,
        the model is rebuilt at once (``rebuild=True``), so a layer that does not fit fails here.
        """
        if isinstance(layer, KerasTensor) and layer._keras_history is not None:
            layer = layer._keras_history[0]
        if isinstance(layer, InputLayer):
            if self._input_layer is not None or self._layers:
                raise ValueError(
                    "An InputLayer can only be the first entry of a Sequential model; "
                    f"model {self.name!r} already has layers."
                )
            self._set_input_layer(layer)
        elif isinstance(layer, Layer):
            if any(existing.name == layer.name for existing in self._layers):
                raise ValueError(
                    f"All layers added to a Sequential model should have unique names. "
                    f"Name {layer.name!r} is already the name of a layer in this model."
                )
            self._track(layer)
        else:
            raise TypeError(
                "Only instances of lamina.layers.Layer can be added to a Sequential model; "
                f"received {layer!r} (of type {type(layer).__name__})."
            )
        self.built = False
        if rebuild:
            self._maybe_build_from_input_shape()

    def _set_input_layer(self, layer):
        # Not a tracked sublayer: `layers` of a Sequential model excludes its InputLayer.
        object.__setattr__(self, "_input_layer", layer)

    def pop(self, rebuild=True):
        """Removes the last layer and returns it."""
        if not self._layers:
            raise ValueError(f"Sequential model {self.name!r} has no layers to pop.")
        layer = self._layers.pop()
        self._engine_untrack_layer(layer)
        self.built = False
        if rebuild:
            self._maybe_build_from_input_shape()
        return layer

    def _maybe_build_from_input_shape(self):
        shape = None
        if self._input_layer is not None:
            shape = self._input_layer.batch_shape
        elif self._layers and self._layers[0]._input_shape_arg is not None:
            shape = self._layers[0]._input_shape_arg
        if shape is not None and self._layers:
            self.build(shape)

    def build(self, input_shape=None):
        if input_shape is None:
            raise ValueError(
                f"Sequential model {self.name!r} cannot be built without an input shape: "
                "start it with lamina.Input(shape=...) or call it on data first."
            )
        if not self._layers:
            raise ValueError(
                f"Sequential model {self.name!r} has no layers; add layers before building it."
            )
        input_shape = tuple(input_shape)
        if self._input_layer is None or tuple(self._input_layer.batch_shape) != input_shape:
            dtype = self._input_layer.dtype if self._input_layer is not None else None
            self._set_input_layer(InputLayer(batch_shape=input_shape, dtype=dtype))
        x = self._input_layer.output_tensor
        self._inputs_tensor = x
        for layer in self._layers:
            x = layer(x)
        self._outputs_tensor = x
        self._build_shapes = input_shape
        self.built = True

    def _maybe_build(self, args, kwargs):
        if self.built:
            return
        first = args[0] if args else next(iter(kwargs.values()))
        shape = tuple(first.shape)
        self.build((None, *shape[1:]))

    # ---- running -------------------------------------------------------------------------

    def call(self, inputs, training=None, mask=None):
        outputs = inputs
        previous = None
        for layer in self._layers:
            if in_place.may_donate(previous, layer):
                # The previous layer's new array, read by this layer only (layers/in_place.py).
                with in_place.donating(outputs):
                    outputs = layer(outputs)
            else:
                outputs = layer(outputs)
            previous = layer
        return outputs

    def compute_output_spec(self, inputs, training=None, mask=None):
        outputs = inputs
        for layer in self._layers:
            outputs = layer.compute_output_spec(outputs)
        return outputs

    @property
    def inputs(self):
        """The model's input tensor in a list, once its input shape is known; else None."""
        return [self._inputs_tensor] if self._inputs_tensor is not None else None

    @property
    def outputs(self):
        """The model's output tensor in a list, once it is built; else None."""
        return [self._outputs_tensor] if self._outputs_tensor is not None else None

    @property
    def input(self):
        if self._inputs_tensor is None:
            raise AttributeError(f"Sequential model {self.name!r} has no defined input yet.")
        return self._inputs_tensor

    @property
    def output(self):
        if self._outputs_tensor is None:
            raise AttributeError(f"Sequential model {self.name!r} has no defined output yet.")
        return self._outputs_tensor

    @property
    def input_shape(self):
        """The shape of the model's input, batch dimension (None) first."""
        if self._inputs_tensor is None:
            raise AttributeError(f"Sequential model {self.name!r} has no defined input shape yet.")
        return self._inputs_tensor.shape

    @property
    def output_shape(self):
        """The shape of the model's output, batch dimension (None) first."""
        if self._outputs_tensor is None:
            raise AttributeError(f"Sequential model {self.name!r} has not been built yet.")
        return self._outputs_tensor.shape

    @property
    def output_names(self) -> list:
        """The output's name: the last layer's (used to key per-output losses and metrics)."""
        return [self._layers[-1].name] if self._layers else []

    # ---- config --------------------------------------------------------------------------

    def get_config(self) -> dict:
        layers = []
        if self._input_layer is not None:
            layers.append(serialize_keras_object(self._input_layer))
        layers.extend(serialize_keras_object(layer) for layer in self._layers)
        config = {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": serialize_dtype_policy(self.dtype_policy),
            "layers": layers,
        }
        if self._build_shapes is not None:
            config["build_input_shape"] = list(self._build_shapes)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for layer_config in config.get("layers", []):
            # As Keras: a layer with a build_config is built from it here, before the
            # model's own build, so a custom build(input_shape, ...) gets its arguments.
            layer = deserialize_keras_object(
                layer_config, custom_objects=custom_objects, kind="layer"
            )
            model.add(layer, rebuild=False)
        shape = config.get("build_input_shape")
        if shape is not None and model._layers:
            model.build(tuple(shape))
        elif model._layers:
            model._maybe_build_from_input_shape()
        return model

    def __repr__(self) -> str:
        return f"<Sequential name={self.name}, built={self.built}, layers={len(self._layers)}>"
