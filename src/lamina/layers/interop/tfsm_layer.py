"""TFSMLayer: an endpoint of an exported TensorFlow SavedModel as a layer, for inference."""

from __future__ import annotations

import os

import numpy as np

from lamina import backend
from lamina.backend.common import tree
from lamina.layers.layer import Layer


class TFSMLayer(Layer):
    """Calls an endpoint of a TensorFlow SavedModel (from ``model.export`` or an
    ``ExportArchive``) as a layer, for inference.

    Args:
        filepath: the SavedModel folder.
        call_endpoint: the endpoint run by ``call``: ``"serve"`` for ``model.export``
            artifacts, often ``"serving_default"`` for others.
        call_training_endpoint: an endpoint run instead when ``training=True``.

    The SavedModel's variables become the layer's weights (non-trainable: the endpoint runs
    in TensorFlow, on the host, so no gradient reaches them); weights set on the layer
    (``set_weights``, a loaded ``.keras`` file) are what the endpoint computes with. The
    original model's code is not needed, and its structure is not recovered. Loading it
    from a ``.keras`` file needs ``safe_mode=False``: a SavedModel's graph can read and
    write files.

    Examples:
        ```python
        model.export("path/to/artifact")
        reloaded = keras.layers.TFSMLayer("path/to/artifact", call_endpoint="serve")
        outputs = reloaded(inputs)
        ```
    """

    supports_jit = False  # the endpoint runs in TensorFlow on host arrays

    def __init__(
        self,
        filepath,
        call_endpoint="serve",
        call_training_endpoint=None,
        trainable=True,
        name=None,
        dtype=None,
    ):
        for argument, value in (
            ("call_endpoint", call_endpoint),
            ("call_training_endpoint", call_training_endpoint),
        ):
            if value is not None and not isinstance(value, str):
                raise TypeError(f"TFSMLayer: `{argument}` must be a string; received {value!r}.")
        filepath = os.fspath(filepath)
        if not os.path.isdir(filepath):
            raise ValueError(
                f"TFSMLayer: `filepath` must be a SavedModel folder; received {filepath!r}, "
                "which is not a folder."
            )
        saved_model = backend.engine.export.load_saved_model(
            filepath, call_endpoint, call_training_endpoint
        )
        super().__init__(trainable=trainable, name=name, dtype=dtype)
        self.filepath = filepath
        self.call_endpoint = call_endpoint
        self.call_training_endpoint = call_training_endpoint
        self._saved_model = saved_model
        self._tf_variables = saved_model.variables()
        self._stale = False
        for tf_variable in self._tf_variables:
            value = np.asarray(tf_variable.numpy())
            variable = self.add_weight(
                shape=value.shape,
                initializer=lambda shape, dtype=None, value=value: value,
                dtype=tf_variable.dtype.name,
                trainable=False,
                autocast=False,
                name=tf_variable.name.split(":")[0].replace("/", "_"),
            )
            variable._on_write = self._mark_stale  # type: ignore[method-assign]
        self.built = True

    def _mark_stale(self) -> None:
        self._stale = True

    def _push_weights(self) -> None:
        """Copies the layer's weights into the SavedModel's variables after they changed."""
        for variable, tf_variable in zip(self.weights, self._tf_variables):
            tf_variable.assign(backend.convert_to_numpy(variable.value))
        self._stale = False

    def call(self, inputs, training=False):
        if self._stale:
            self._push_weights()
        host_inputs = tree.map_structure(backend.convert_to_numpy, inputs)
        outputs = self._saved_model(host_inputs, training=bool(training))
        return tree.map_structure(backend.convert_to_tensor, outputs)

    def compute_output_spec(self, inputs, training=False):
        batch = tree.flatten(inputs)[0].shape[0] if tree.flatten(inputs) else None

        def symbolic(entry):
            shape, dtype = entry
            shape = (batch, *shape[1:]) if shape else shape
            return backend.KerasTensor(shape, dtype=dtype)

        spec = self._saved_model.output_spec(training=bool(training))
        if isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[1], str):
            return symbolic(spec)
        return _map_pairs(symbolic, spec)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "filepath": self.filepath,  # a path on this machine: the config is not portable
            "call_endpoint": self.call_endpoint,
            "call_training_endpoint": self.call_training_endpoint,
        }


def _map_pairs(function, structure):
    """``function`` on each ``(shape, dtype)`` pair of a structure of them."""
    if isinstance(structure, tuple) and len(structure) == 2 and isinstance(structure[1], str):
        return function(structure)
    if isinstance(structure, dict):
        return {key: _map_pairs(function, value) for key, value in structure.items()}
    return type(structure)(_map_pairs(function, value) for value in structure)
