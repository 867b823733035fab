"""TensorFlow SavedModel writing and reading, shared by every engine's export half.

Plain ``tf`` only (no Lamina engine state): the JAX engine hands it ``jax2tf`` functions,
the TensorFlow engine ``tf.function``s over its own variables, and ``layers.TFSMLayer`` on
any engine reads endpoints back through :class:`HostSavedModel`. TensorFlow is imported
when a function here runs, never when the module is imported, so that importing Lamina on
another engine does not load it.
"""

from __future__ import annotations

import inspect

import numpy as np

from lamina.backend.common.dtypes import standardize_dtype


def import_tensorflow():
    """The ``tensorflow`` module, or an ImportError saying how to install it."""
    try:
        import tensorflow as tf
    except ImportError as error:
        raise ImportError(
            "Exporting or loading a TensorFlow SavedModel needs the `tensorflow` package "
            "(`pip install tensorflow-cpu`); it is not installed."
        ) from error
    return tf


def tensor_spec(spec):
    """A ``tf.TensorSpec`` from an ``InputSpec`` (shape and dtype set)."""
    tf = import_tensorflow()
    return tf.TensorSpec(spec.shape, dtype=standardize_dtype(spec.dtype), name=spec.name)


def map_leaves(function, structure):
    """``function`` on each leaf of nested lists, tuples and dicts."""
    if isinstance(structure, dict):
        return {key: map_leaves(function, value) for key, value in structure.items()}
    if isinstance(structure, (list, tuple)):
        return type(structure)(map_leaves(function, value) for value in structure)
    return function(structure)


def endpoint_signature(fn, num_arguments: int) -> inspect.Signature:
    """A signature of ``num_arguments`` positional parameters named after ``fn``'s own (so
    the serving signature's input keys read ``inputs``, not ``args_0``, where they can)."""
    try:
        parameters = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        parameters = []
    names = [
        parameter.name
        for parameter in parameters
        if parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD)
    ][:num_arguments]
    names += [f"args_{index}" for index in range(len(names), num_arguments)]
    return inspect.Signature(
        [inspect.Parameter(name, inspect.Parameter.POSITIONAL_ONLY) for name in names]
    )


class SavedModelWriter:
    """The TensorFlow side of an ``ExportArchive``: a trackable root holding the exported
    variables (as ``tf.Variable``s) and endpoints (as ``tf.function``s).

    An engine subclasses it and defines ``_to_tf_variable`` (one Lamina variable as a
    ``tf.Variable``) and ``_wrap_endpoint`` (a Lamina function as a ``tf.function`` over
    those variables).
    """

    def __init__(self) -> None:
        tf = import_tensorflow()
        self._tf = tf
        self._root = tf.__internal__.tracking.AutoTrackable()
        self._root.variables = []
        self._root.trainable_variables = []
        self._root.non_trainable_variables = []
        self._root.tracked_resources = []
        self._tf_variables: dict[int, object] = {}  # id(lamina variable) -> tf.Variable
        self._lamina_variables: list = []  # tracked Lamina variables, in order
        self._endpoint_names: list[str] = []

    @property
    def variables(self) -> list:
        return list(self._root.variables)

    @property
    def trainable_variables(self) -> list:
        return list(self._root.trainable_variables)

    @property
    def non_trainable_variables(self) -> list:
        return list(self._root.non_trainable_variables)

    def _to_tf_variable(self, variable):
        raise NotImplementedError

    def _wrap_endpoint(self, fn, tensor_specs: list, **kwargs):
        raise NotImplementedError

    def tf_variable(self, variable):
        """The ``tf.Variable`` standing for a Lamina ``variable`` (made once)."""
        key = id(variable)
        if key not in self._tf_variables:
            self._tf_variables[key] = self._to_tf_variable(variable)
        return self._tf_variables[key]

    def track_layer(self, layer) -> None:
        for variable in layer.trainable_variables + layer.non_trainable_variables:
            if id(variable) in self._tf_variables:
                continue  # a layer shared by two tracked models
            tf_variable = self.tf_variable(variable)
            self._lamina_variables.append(variable)
            self._root.variables.append(tf_variable)
            if variable.trainable:
                self._root.trainable_variables.append(tf_variable)
            else:
                self._root.non_trainable_variables.append(tf_variable)

    def track_resource(self, resource) -> bool:
        """Keep a TensorFlow trackable (a lookup table) in the artifact; False if it is not one."""
        if not isinstance(resource, self._tf.__internal__.tracking.Trackable):
            return False
        self._root.tracked_resources.append(resource)
        return True

    def is_traced_function(self, fn) -> bool | None:
        """True for a ``tf.function`` called at least once, False for one never called, None
        for anything else."""
        if not isinstance(fn, self._tf.types.experimental.GenericFunction):
            return None
        return bool(fn._list_all_concrete_functions())

    def add_endpoint(self, name: str, fn, input_signature, **kwargs):
        if input_signature is None:
            decorated = fn  # a traced tf.function (checked by the caller)
        else:
            specs = [map_leaves(tensor_spec, argument) for argument in input_signature]
            decorated = self._wrap_endpoint(fn, specs, **kwargs)
        setattr(self._root, name, decorated)
        self._endpoint_names.append(name)
        return decorated

    def add_variable_collection(self, name: str, variables) -> None:
        collection = [
            variable if isinstance(variable, self._tf.Variable) else self.tf_variable(variable)
            for variable in variables
        ]
        setattr(self._root, name, collection)

    def _concrete_function(self, name: str):
        function = getattr(self._root, name)
        if function.input_signature is not None:
            return function
        return function._list_all_concrete_functions()[0]

    def write_out(self, filepath: str, options=None) -> str:
        """Writes the SavedModel; returns a description of its endpoints."""
        signatures = {name: self._concrete_function(name) for name in self._endpoint_names}
        # TF-Serving calls "serving_default": the first endpoint, unless one is named so.
        signatures.setdefault("serving_default", signatures[self._endpoint_names[0]])
        self._tf.saved_model.save(self._root, filepath, options=options, signatures=signatures)
        return "\n\n".join(self._describe(name) for name in self._endpoint_names)

    def _describe(self, name: str) -> str:
        concrete = getattr(self._root, name)._list_all_concrete_functions()[0]
        lines = concrete.pretty_printed_signature(verbose=True).split("\n")
        return "\n".join([f"* Endpoint '{name}'", *lines[1:]])


class HostSavedModel:
    """A SavedModel endpoint called on host arrays (``layers.TFSMLayer`` on engines other than
    TensorFlow): NumPy in, NumPy out."""

    def __init__(self, filepath, call_endpoint: str, call_training_endpoint: str | None):
        tf = import_tensorflow()
        self._tf = tf
        self._loaded = tf.saved_model.load(str(filepath))
        self.call_fn = self._endpoint(call_endpoint, "call_endpoint")
        self.training_fn = (
            self._endpoint(call_training_endpoint, "call_training_endpoint")
            if call_training_endpoint
            else None
        )

    def _endpoint(self, name: str, argument: str):
        if hasattr(self._loaded, name):
            return getattr(self._loaded, name)
        if name in self._loaded.signatures:
            return self._loaded.signatures[name]
        raise ValueError(
            f"`{argument}`={name!r} is neither an attribute nor a signature of the SavedModel; "
            f"its signatures are {sorted(self._loaded.signatures)}."
        )

    def variables(self) -> list:
        """The variables the endpoints use, trainable first: ``(name, array, trainable)``."""
        functions = [self.call_fn] + ([self.training_fn] if self.training_fn else [])
        seen: set[int] = set()
        found = []
        for function in functions:
            concretes = getattr(function, "concrete_functions", None) or [function]
            for concrete in concretes:
                if not hasattr(concrete, "variables"):
                    concrete = concrete._list_all_concrete_functions()[0]
                for variable in list(concrete.trainable_variables) + list(concrete.variables):
                    if id(variable) not in seen:
                        seen.add(id(variable))
                        found.append(variable)
        return found

    def output_spec(self, training: bool = False):
        """The endpoint's outputs as a structure of ``(shape, dtype)``."""
        function = self.training_fn if training and self.training_fn else self.call_fn
        concretes = getattr(function, "concrete_functions", None)
        concrete = concretes[0] if concretes else function
        if not hasattr(concrete, "structured_outputs"):
            concrete = concrete._list_all_concrete_functions()[0]
        return map_leaves(
            lambda t: (tuple(t.shape.as_list()), t.dtype.name), concrete.structured_outputs
        )

    def __call__(self, inputs, training: bool = False, **kwargs):
        function = self.training_fn if training and self.training_fn else self.call_fn
        inputs = map_leaves(self._tf.convert_to_tensor, inputs)
        outputs = function(inputs, **kwargs)
        return map_leaves(lambda t: np.asarray(t.numpy()), outputs)
