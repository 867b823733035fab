"""Model: a Layer that trains. ``Model(inputs, outputs)`` builds a Functional graph; a subclass
defines ``call``; Sequential stacks layers. All three share one Trainer."""

from __future__ import annotations

from lamina import backend
from lamina.backend import KerasTensor
from lamina.backend.common import tree
from lamina.layers.layer import Layer
from lamina.trainers.trainer import Trainer


def _is_shape(value) -> bool:
    return isinstance(value, (list, tuple)) and all(
        dim is None or isinstance(dim, int) for dim in value
    )


def _symbolic_inputs(shape):
    """KerasTensors for a build config's ``input_shape``: one shape, or a list/dict of them."""
    if isinstance(shape, dict):
        return {key: _symbolic_inputs(value) for key, value in shape.items()}
    if _is_shape(shape):
        return KerasTensor(tuple(shape))
    return [_symbolic_inputs(item) for item in shape]


def _is_functional_call(args, kwargs) -> bool:
    """True for ``(inputs, outputs)`` given as symbolic tensors, by position or keyword."""
    inputs = args[0] if args else kwargs.get("inputs")
    outputs = args[1] if len(args) > 1 else kwargs.get("outputs")
    if inputs is None or outputs is None:
        return False
    return all(isinstance(t, KerasTensor) for t in tree.flatten([inputs, outputs]))


def _is_metric(value) -> bool:
    return all(hasattr(value, attr) for attr in ("update_state", "result", "reset_state"))


class Model(Trainer, Layer):
    """Groups layers into an object with training (``fit``) and inference (``predict``).

    ``Model(inputs, outputs)`` returns a Functional model; subclasses define ``call``.
    """

    def __new__(cls, *args, **kwargs):
        if cls is Model and (len(args) >= 2 or "inputs" in kwargs):
            from lamina.models.functional import Functional

            return Functional.__new__(Functional, *args, **kwargs)
        return super().__new__(cls, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        from lamina.models.functional import Functional, functional_variant

        if not isinstance(self, Functional) and _is_functional_call(args, kwargs):
            # A Model subclass built from (inputs, outputs), as in Keras: the instance
            # becomes the subclass with Functional mixed in, so its train_step and other
            # overrides run over the graph.
            object.__setattr__(self, "__class__", functional_variant(type(self)))
            Functional.__init__(self, *args, **kwargs)
            return
        Trainer.__init__(self)
        Layer.__init__(self, *args, **kwargs)

    def __setattr__(self, name, value):
        if (
            not name.startswith("_")
            and _is_metric(value)
            and not isinstance(value, Layer)
            and "_user_metrics" in self.__dict__
            and not any(m is value for m in self._user_metrics)
        ):
            self._user_metrics.append(value)
        super().__setattr__(name, value)

    @property
    def layers(self) -> list:
        """The model's layers, in the order they were added or called (a new list)."""
        return list(self._layers)

    def get_layer(self, name=None, index=None):
        """The layer called ``name``, or at position ``index`` in ``layers``: give exactly one."""
        if name is not None and index is not None:
            raise ValueError(
                "get_layer: provide only a layer name or a layer index; received "
                f"name={name!r} and index={index!r}."
            )
        if name is None and index is None:
            raise ValueError("get_layer: provide a layer name or a layer index; received neither.")
        if index is not None:
            if isinstance(index, bool) or not hasattr(index, "__index__"):
                raise TypeError(f"get_layer: index must be an int; received index={index!r}.")
            layers = self.layers
            if not -len(layers) <= index < len(layers):
                raise ValueError(
                    f"Model {self.name!r} has {len(layers)} layers; received index={index}."
                )
            return layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(
            f"No such layer: {name!r}. Existing layers: {[layer.name for layer in self.layers]}."
        )

    @property
    def metrics_variables(self) -> list:
        """The variables of ``self.metrics`` (the loss tracker and compiled metrics included)."""
        return [variable for metric in self.metrics for variable in metric.variables]

    def get_state_tree(self, value_format="backend_tensor"):
        """The model's variables as nested dicts: ``{"trainable_variables": ...,
        "non_trainable_variables": ..., "optimizer_variables": ..., "metrics_variables": ...}``,
        each nested by variable path (``tree["trainable_variables"]["dense"]["kernel"]``).

        ``value_format`` is ``"backend_tensor"`` (the engine's tensors) or ``"numpy_array"``.
        """
        from lamina.models.state_tree import get_state_tree

        return get_state_tree(self, value_format)

    def set_state_tree(self, state_tree):
        """Assign the values of a tree shaped as ``get_state_tree``'s (groups may be left out)."""
        from lamina.models.state_tree import set_state_tree

        set_state_tree(self, state_tree)

    def summary(
        self,
        line_length=None,
        positions=None,
        print_fn=None,
        expand_nested=False,
        show_trainable=False,
        layer_range=None,
    ):
        """Print a table of the layers, output shapes and parameter counts (as Keras).

        Args:
            line_length: Total width of the table, in characters.
            positions: Each column's right edge, as fractions of ``line_length``.
            print_fn: Called with each line (default ``print``).
            expand_nested: Also list the layers of nested models, indented.
            show_trainable: Add a "Trainable" column (Y, N, or - for no weights).
            layer_range: ``(first, last)`` layer-name patterns (``re.match``, both
                included): print only that slice of the layers.
        """
        from lamina.utils.summary import print_summary

        print_summary(
            self,
            line_length=line_length,
            positions=positions,
            print_fn=print_fn,
            expand_nested=expand_nested,
            show_trainable=show_trainable,
            layer_range=layer_range,
        )

    def save_weights(self, filepath, overwrite=True):
        """Writes the weights to a ``.weights.h5`` (Keras 3's layout) or ``.safetensors`` file."""
        from lamina.saving.weights import save_weights  # floor 6: imported when called

        save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath, skip_mismatch=False, **kwargs):
        """Loads weights saved by ``save_weights`` (or by Keras 3) into the model.

        ``filepath`` is a ``.weights.h5`` or ``.safetensors`` file, or a ``.keras`` archive. A file
        that does not fit the model raises ``lamina.saving.SavedFileError`` (naming the layer and
        the shapes) before any weight changes; with ``skip_mismatch=True`` the parts that do not
        fit are skipped with a warning instead.
        """
        from lamina.saving.weights import load_weights  # floor 6: imported when called

        load_weights(self, filepath, skip_mismatch=skip_mismatch, **kwargs)

    def save(self, filepath, overwrite=True, zipped=None, **kwargs):
        """Saves the whole model (config, weights, optimizer state) to a ``.keras`` file.

        ``load_model`` restores it, in Lamina on any engine or in Keras 3. ``overwrite=False``
        refuses to replace an existing file. ``weights_format="safetensors"`` stores the weights
        as safetensors inside the archive (Lamina reads it; Keras 3 does not).

        Examples:
            ```python
            model.save("model.keras")
            restored = keras.models.load_model("model.keras")
            ```
        """
        from lamina import saving

        saving.save_model(self, filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    def export(self, filepath, format="tf_saved_model", verbose=None, input_signature=None,
               **kwargs) -> None:  # fmt: skip
        """Writes the model's inference call as an artifact for serving.

        ``format``: ``"tf_saved_model"`` (a SavedModel folder with a ``serve`` endpoint, from
        any engine when TensorFlow is installed), ``"onnx"`` (torch engine) or ``"torch"`` (a
        ``torch.export`` ``.pt2`` program, torch engine). ``input_signature`` defaults to the
        model's inputs with a free batch axis. Other keyword arguments: ``opset_version``
        (ONNX), ``is_static`` and ``jax2tf_kwargs`` (SavedModel on JAX), ``torch.export``'s
        own arguments (``format="torch"``).

        Examples:
            ```python
            model.export("path/to/location", format="tf_saved_model")
            reloaded = tf.saved_model.load("path/to/location")
            predictions = reloaded.serve(input_data)
            ```
        """
        from lamina.export.model_export import export_model  # floor 6: imported when called

        export_model(self, filepath, format, verbose, input_signature, **kwargs)

    def build_from_config(self, config) -> None:
        """Build from ``get_build_config()``; a subclass without ``build`` is run symbolically.

        A subclassed model creates its sublayers' weights on its first call, so, as Keras does,
        it is called once on symbolic inputs of the saved shape (no graph node is recorded).
        """
        if not config or self.built:
            return
        shape = config.get("input_shape")
        if shape is None or type(self).build is not Layer.build:
            Layer.build_from_config(self, config)
            return
        backend.compute_output_spec(self.__call__, _symbolic_inputs(shape))
        self.built = True
        self._build_shapes = shape

    def to_json(self, **kwargs) -> str:
        """The model's config (Keras's schema) as a JSON string; ``kwargs`` go to json.dumps."""
        import json

        from lamina.serialization import serialize_keras_object

        return json.dumps(serialize_keras_object(self), **kwargs)

    def get_config(self) -> dict:
        if type(self).get_config is Model.get_config and type(self).__init__ is not Model.__init__:
            return Layer.get_config(self)
        return {"name": self.name, "trainable": self.trainable}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.models.functional import Functional, functional_from_config

        if "layers" in config and "input_layers" in config and cls in (Model, Functional):
            return functional_from_config(
                cls if cls is not Model else Functional, config, custom_objects
            )
        return cls(**config)
