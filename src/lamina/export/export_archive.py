"""ExportArchive: the endpoints, variables and resources of a TensorFlow SavedModel for serving.

The archive checks its arguments here and hands the work to the active engine's exporter
(``backend.engine.export.saved_model_archive()``): ``jax2tf`` on JAX, ``tf.function`` on
TensorFlow. Engines without one (torch, NumPy) export through a TensorFlow-engine
subprocess that reloads the tracked models from ``.keras`` files
(:mod:`lamina.export.subprocess_archive`).
"""

from __future__ import annotations

import os

from lamina import backend
from lamina.export.input_signature import standardize_input_signature
from lamina.layers.layer import Layer
from lamina.utils import io_utils

_SIGNATURE_EXAMPLE = (
    "export_archive.add_endpoint(\n"
    "    name='serve',\n"
    "    fn=model.call,\n"
    "    input_signature=[keras.InputSpec(shape=(None, 224, 224, 3), dtype='float32')],\n"
    ")"
)


def _engine_archive():
    exporter = getattr(backend.engine, "export", None)
    archive = exporter.saved_model_archive() if exporter is not None else None
    if archive is None:
        from lamina.export.subprocess_archive import SubprocessArchive

        archive = SubprocessArchive()
    return archive


class ExportArchive:
    """Writes a TensorFlow SavedModel for inference, with the endpoints you choose.

    ``track`` the models or layers whose variables the endpoints use, ``add_endpoint`` each
    function to serve (with its ``input_signature``), then ``write_out``. The artifact needs
    neither Lamina nor the model's code: ``tf.saved_model.load(path).serve(x)``.

    On the torch and NumPy engines the SavedModel is written by a TensorFlow-engine
    subprocess from the tracked models saved as ``.keras`` files, so an endpoint there must
    be a tracked model or layer (or its ``call``/``__call__``).

    Examples:
        ```python
        export_archive = keras.export.ExportArchive()
        export_archive.track(model)
        export_archive.add_endpoint(
            name="serve",
            fn=model.call,
            input_signature=[keras.InputSpec(shape=(None, 3), dtype="float32")],
        )
        export_archive.write_out("path/to/location")
        ```
    """

    def __init__(self, format="saved_model") -> None:
        if format != "saved_model":
            raise ValueError(
                f"ExportArchive(format=...) supports 'saved_model'; received format={format!r}."
            )
        self._archive = _engine_archive()
        self._endpoint_names: list[str] = []

    @property
    def variables(self) -> list:
        return self._archive.variables

    @property
    def trainable_variables(self) -> list:
        return self._archive.trainable_variables

    @property
    def non_trainable_variables(self) -> list:
        return self._archive.non_trainable_variables

    def track(self, resource) -> None:
        """Keeps a built layer's or model's variables (or a TensorFlow trackable such as a
        lookup table) in the artifact; endpoints may use only tracked variables."""
        if isinstance(resource, Layer):
            if not resource.built:
                raise ValueError(
                    f"ExportArchive.track: layer {resource.name!r} has not been built yet; "
                    "call it on data (or build it) before exporting it."
                )
            self._archive.track_layer(resource)
            return
        if not self._archive.track_resource(resource):
            raise ValueError(
                "ExportArchive.track(resource) expects a lamina Layer or Model, or a "
                f"TensorFlow trackable; received {resource!r} of type {type(resource).__name__}."
            )

    def add_endpoint(self, name, fn, input_signature=None, **kwargs):
        """Registers ``fn`` as the endpoint ``name`` of the artifact and returns the function
        that was added (a ``tf.function`` where this process builds one).

        ``input_signature`` gives the shape and dtype of each positional argument of ``fn``
        (``InputSpec``, ``tf.TensorSpec``, symbolic or concrete tensors; nested lists and
        dicts for structured arguments). Without it, ``fn`` must be a ``tf.function`` that
        has been called at least once. On JAX, ``is_static=True`` converts ``fn`` as a pure
        function (no variable updates) and ``jax2tf_kwargs`` go to ``jax2tf.convert``.
        """
        self._check_name(name)
        unknown = set(kwargs) - {"is_static", "jax2tf_kwargs"}
        if unknown:
            raise TypeError(
                f"ExportArchive.add_endpoint got unexpected keyword arguments {sorted(unknown)}; "
                "it takes `is_static` and `jax2tf_kwargs` (jax engine) besides `name`, `fn` and "
                "`input_signature`."
            )
        if kwargs and backend.backend() != "jax":
            raise ValueError(
                "ExportArchive.add_endpoint: `is_static` and `jax2tf_kwargs` apply to the jax "
                f"engine only; the active engine is {backend.backend()!r}."
            )
        if not callable(fn):
            raise TypeError(
                f"ExportArchive.add_endpoint: `fn` must be callable; received {type(fn).__name__}."
            )
        if input_signature is None:
            traced = self._archive.is_traced_function(fn)
            if traced is None:
                raise ValueError(
                    "ExportArchive.add_endpoint: `fn` is not a tf.function, so the shapes and "
                    "dtypes of its arguments must be given as `input_signature`, e.g.\n\n"
                    + _SIGNATURE_EXAMPLE
                )
            if not traced:
                raise ValueError(
                    f"ExportArchive.add_endpoint: the tf.function given for endpoint {name!r} "
                    "has never been called; call it once or pass `input_signature`."
                )
            signature = None
        else:
            signature = standardize_input_signature(input_signature)
        decorated = self._archive.add_endpoint(name, fn, signature, **kwargs)
        self._endpoint_names.append(name)
        return decorated

    def track_and_add_endpoint(self, name, resource, input_signature, **kwargs):
        """``track(resource)`` and then ``add_endpoint(name, resource.__call__, ...)``."""
        self._check_name(name)
        self.track(resource)
        return self.add_endpoint(name, resource.__call__, input_signature, **kwargs)

    def add_variable_collection(self, name, variables) -> None:
        """Stores ``variables`` (a list, tuple or set of variables) as the attribute ``name``
        of the reloaded artifact (``tf.saved_model.load(path).<name>``)."""
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(
                "ExportArchive.add_variable_collection: `name` must be a Python identifier; "
                f"received {name!r}."
            )
        if not isinstance(variables, (list, tuple, set)):
            raise ValueError(
                "ExportArchive.add_variable_collection: `variables` must be a list, tuple or "
                f"set; received {type(variables).__name__}."
            )
        wrong = sorted(
            {
                type(v).__name__
                for v in variables
                if not isinstance(v, backend.KerasVariable) and type(v).__name__ != "Variable"
            }
        )
        if wrong:
            raise ValueError(
                "ExportArchive.add_variable_collection: `variables` must hold lamina (or "
                f"TensorFlow) Variables; received elements of type {wrong}."
            )
        self._archive.add_variable_collection(name, list(variables))

    def write_out(self, filepath, options=None, verbose=True) -> None:
        """Writes the SavedModel to the folder ``filepath``.

        Every endpoint is a serving signature, and the first one is also
        ``"serving_default"`` (unless an endpoint has that name), which TF-Serving calls.
        ``options`` is a ``tf.saved_model.SaveOptions``.
        """
        if not self._endpoint_names:
            raise ValueError(
                "ExportArchive.write_out: no endpoints have been added yet; call "
                "add_endpoint() (or track_and_add_endpoint()) first."
            )
        filepath = os.fspath(filepath)
        description = self._archive.write_out(filepath, options=options)
        if verbose:
            io_utils.print_msg(
                f"Saved artifact at '{filepath}'. The following endpoints are available:"
                f"\n\n{description}"
            )

    def _check_name(self, name) -> None:
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(
                f"ExportArchive: an endpoint name must be a Python identifier; received {name!r}."
            )
        if name in self._endpoint_names:
            raise ValueError(f"ExportArchive: endpoint name {name!r} is already taken.")
