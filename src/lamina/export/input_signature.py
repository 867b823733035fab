"""Input signatures for export: the shapes and dtypes an exported function takes.

A signature is a structure (list, tuple, dict) of ``InputSpec``s with a shape and a dtype.
Users may give ``lamina.InputSpec``s, ``tf.TensorSpec``s, symbolic tensors or concrete
tensors; :func:`standardize_input_signature` turns each into an ``InputSpec`` so that the
engines' exporters see one kind of spec.
"""

from __future__ import annotations

from lamina import backend
from lamina.layers.input_spec import InputSpec


def _batch_free(shape) -> tuple:
    shape = backend.standardize_shape(shape)
    return (None, *shape[1:]) if shape else ()


def _dtype_name(dtype) -> str:
    # tf.DType (a tf.TensorSpec's dtype) names itself with ``.name``; torch and NumPy dtypes
    # are understood by standardize_dtype directly.
    name = getattr(dtype, "name", None)
    return backend.standardize_dtype(name if isinstance(name, str) else dtype)


def _is_tensor_spec(x) -> bool:
    """A ``tf.TensorSpec`` (duck-typed: this floor does not import TensorFlow)."""
    return type(x).__name__ == "TensorSpec" and hasattr(x, "shape") and hasattr(x, "dtype")


def make_input_spec(x) -> InputSpec:
    """One input of a signature as an ``InputSpec`` with a shape and a dtype.

    Symbolic and concrete tensors give their shape with a free batch axis; an ``InputSpec``
    or a ``tf.TensorSpec`` is taken as it is (its shape may fix the batch size).
    """
    if isinstance(x, InputSpec):
        if x.shape is None or x.dtype is None:
            raise ValueError(
                f"An InputSpec in `input_signature` needs both `shape` and `dtype`; received {x}."
            )
        return InputSpec(shape=x.shape, dtype=_dtype_name(x.dtype), name=x.name)
    if _is_tensor_spec(x):
        shape = x.shape.as_list() if hasattr(x.shape, "as_list") else x.shape
        return InputSpec(shape=tuple(shape), dtype=_dtype_name(x.dtype), name=x.name)
    if isinstance(x, backend.KerasTensor):
        return InputSpec(shape=_batch_free(x.shape), dtype=_dtype_name(x.dtype), name=x.name)
    if backend.is_tensor(x):
        return InputSpec(shape=_batch_free(backend.shape(x)), dtype=_dtype_name(x.dtype))
    raise TypeError(
        "`input_signature` takes InputSpec, tf.TensorSpec, KerasTensor or tensor entries; "
        f"received {x!r} of type {type(x).__name__}."
    )


def _is_leaf(x) -> bool:
    return isinstance(x, InputSpec) or _is_tensor_spec(x)


def map_specs(function, structure, is_leaf=_is_leaf):
    """``function`` on each leaf of a nested list/tuple/dict, where ``is_leaf`` says what a
    leaf is (a shape tuple is a leaf for some callers, a structure for others)."""
    if is_leaf(structure):
        return function(structure)
    if isinstance(structure, dict):
        return {key: map_specs(function, value, is_leaf) for key, value in structure.items()}
    if isinstance(structure, (list, tuple)):
        return type(structure)(map_specs(function, value, is_leaf) for value in structure)
    return function(structure)


def standardize_input_signature(input_signature) -> list:
    """``input_signature`` (one spec, or a list/tuple of the function's arguments) as a list
    with one entry per positional argument, each a structure of ``InputSpec``s."""
    if _is_leaf(input_signature) or not isinstance(input_signature, (list, tuple)):
        input_signature = [input_signature]
    return [map_specs(make_input_spec, argument) for argument in input_signature]


def get_input_signature(model) -> list:
    """The signature of ``model``'s call, one entry per positional argument, from its inputs
    (Functional, Sequential) or the shapes of its first call (a subclassed model)."""
    from lamina.models import Model, Sequential  # floor 5, above this module's imports
    from lamina.models.functional import Functional

    if not isinstance(model, Model):
        raise TypeError(
            f"Export needs a lamina Model; received {model!r} of type {type(model).__name__}."
        )
    if not model.built:
        raise ValueError(
            f"Model {model.name!r} has not been built yet: call it on data (or build it) "
            "before exporting it."
        )
    if isinstance(model, Functional):
        return [map_specs(make_input_spec, model._inputs_struct)]
    if isinstance(model, Sequential):
        return [make_input_spec(tensor) for tensor in model.inputs or ()]
    shapes = model._build_shapes
    if shapes is None:
        raise ValueError(
            f"Model {model.name!r} has never been called, so the shapes of its inputs are "
            "unknown: call it once on data, or pass `input_signature`."
        )

    def spec(shape):
        return InputSpec(shape=_batch_free(shape), dtype=model.input_dtype)

    is_shape = isinstance(shapes, (list, tuple)) and all(
        dim is None or isinstance(dim, int) for dim in shapes
    )
    if is_shape:
        return [spec(shapes)]
    return [map_specs(spec, shapes, is_leaf=_is_int_tuple)]


def _is_int_tuple(x) -> bool:
    return isinstance(x, (list, tuple)) and all(dim is None or isinstance(dim, int) for dim in x)


def specs_to_json(input_signature) -> list:
    """A standardized signature as JSON-ready data (for the exporter subprocess)."""
    return map_specs(
        lambda spec: {"shape": list(spec.shape), "dtype": spec.dtype, "name": spec.name},
        input_signature,
        is_leaf=lambda x: isinstance(x, InputSpec),
    )


def specs_from_json(data) -> list:
    """The inverse of :func:`specs_to_json`."""
    return map_specs(
        lambda entry: InputSpec(
            shape=tuple(entry["shape"]), dtype=entry["dtype"], name=entry["name"]
        ),
        data,
        is_leaf=lambda x: isinstance(x, dict) and set(x) == {"shape", "dtype", "name"},
    )
