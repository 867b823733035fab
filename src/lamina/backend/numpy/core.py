"""Tensors, variables, conversion and shape inference on NumPy.

A tensor here is a plain ``np.ndarray``. NumPy has no autodiff, so this engine runs
inference only (``SUPPORTS_TRAINING = False``), and no abstract evaluation, so shapes are
inferred by running the function on small real arrays.
"""

from __future__ import annotations

import contextlib
import functools

import numpy as np

from lamina.backend import config
from lamina.backend.common import (
    eager_control_flow,
    global_state,
    shape_inference,
    stateless_scope,
)
from lamina.backend.common.argument_checks import (
    check_numeric_array,
    check_numeric_sequence,
    conversion_error,
    symbolic_conversion_error,
)
from lamina.backend.common.dtypes import standardize_dtype
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.backend.common.variables import KerasVariable

SUPPORTS_TRAINING = False

_NUMPY_DTYPES = {
    name: np.dtype(name)
    for name in (
        "float16", "float32", "float64",
        "uint8", "uint16", "uint32", "uint64",
        "int8", "int16", "int32", "int64",
        "bool", "complex64", "complex128",
    )
}  # fmt: skip
try:  # bfloat16 as a NumPy dtype comes from ml_dtypes (installed with JAX), when present
    import ml_dtypes

    _NUMPY_DTYPES["bfloat16"] = np.dtype(ml_dtypes.bfloat16)
except ImportError:
    pass


def to_numpy_dtype(dtype) -> np.dtype:
    """The NumPy dtype for ``dtype`` in any spelling (None is floatx)."""
    if isinstance(dtype, np.dtype) and dtype.name in _NUMPY_DTYPES:
        return dtype
    if isinstance(dtype, np.dtype) and dtype == _NUMPY_DTYPES.get("bfloat16"):
        return dtype
    name = standardize_dtype(dtype)
    try:
        return _NUMPY_DTYPES[name]
    except KeyError:
        raise ValueError(
            f"dtype {name!r} is not supported by the NumPy engine"
            + (
                " (bfloat16 needs the ml_dtypes package; or use float16 or float32)."
                if name == "bfloat16"
                else "."
            )
        ) from None


def kind(dtype: np.dtype) -> str:
    """``dtype.kind``, with ml_dtypes' bfloat16 (a NumPy "V" dtype) counted as a float."""
    if dtype.kind == "V" and dtype == _NUMPY_DTYPES.get("bfloat16"):
        return "f"
    return dtype.kind


def dtype_name(array) -> str:
    return standardize_dtype(array.dtype)


def quiet(function):
    """Run ``function`` without NumPy's floating-point warnings (overflow, 0 / 0, log(0)).

    torch and JAX return inf and nan silently; NumPy warns, and a warning is an error under
    a strict warnings filter. A fresh errstate per call, so nested calls restore correctly.
    """

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with np.errstate(all="ignore"):
            return function(*args, **kwargs)

    return wrapper


_BFLOAT16 = _NUMPY_DTYPES.get("bfloat16")
_FLOAT32 = np.dtype("float32")


def _array_of(x):
    if isinstance(x, KerasVariable):
        x = x.value
    return x if isinstance(x, np.ndarray) else None


def _rounded_to_bfloat16(x):
    if isinstance(x, np.ndarray) and x.dtype == _FLOAT32:
        return x.astype(_BFLOAT16)
    if isinstance(x, (tuple, list)):
        return type(x)(_rounded_to_bfloat16(item) for item in x)
    return x


def bfloat16_via_float32(function):
    """Compute ``function`` on bfloat16 arrays in float32, then round its float results back.

    ml_dtypes gives bfloat16 NumPy ufuncs that round after every step; torch computes
    bfloat16 reductions, matmuls, convolutions and activations in float32 and rounds once.
    Applies only when every floating array argument is bfloat16 (the result's dtype), so
    mixed dtypes keep their promotion rules; other calls pass straight through.
    """
    if _BFLOAT16 is None:
        return function

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        found = False
        for value in (*args, *kwargs.values()):
            array = _array_of(value)
            if array is None:
                continue
            if array.dtype == _BFLOAT16:
                found = True
            elif array.dtype.kind in "fc":
                return function(*args, **kwargs)
        if not found:
            return function(*args, **kwargs)

        def widen(value):
            array = _array_of(value)
            if array is not None and array.dtype == _BFLOAT16:
                return array.astype(_FLOAT32)
            return value

        args = [widen(value) for value in args]
        kwargs = {key: widen(value) for key, value in kwargs.items()}
        return _rounded_to_bfloat16(function(*args, **kwargs))

    return wrapper


@contextlib.contextmanager
def device_scope(device_name: str):
    """Accepted for portability: NumPy runs on the CPU only, so nothing moves."""
    name = str(device_name).lower()
    if not name.startswith("cpu"):
        raise ValueError(f"The NumPy engine runs on the CPU only; received device {device_name!r}.")
    yield


class Variable(KerasVariable):
    """A KerasVariable whose value is an ``np.ndarray`` it owns and writes in place."""

    _engine = None  # set in lamina.backend.numpy.__init__ once numpy is importable
    # Above ndarray's priority: ``array + variable`` calls Variable.__radd__ (the engine's
    # dtype rules) instead of NumPy converting the variable with a copy.
    __array_priority__ = 100

    def _initialize(self, value):
        array = convert_to_tensor(value, dtype=self._dtype)
        self._value = np.array(array, copy=True)  # own, writable memory (not a view)

    def _direct_assign(self, value):
        if global_state.in_symbolic_scope():
            return  # shape inference must not change state
        if stateless_scope.scopes_open and stateless_scope.intercept_write(self, value):
            return
        with np.errstate(all="ignore"):
            np.copyto(self._value, value, casting="unsafe")


def step_counters_on_host() -> bool:
    """Python-side step counters are always current: every step runs eagerly."""
    return True


def is_tensor(x) -> bool:
    """A numeric ``np.ndarray``, or a numeric NumPy scalar (what indexing one element of an
    array gives, e.g. ``values[0]``; every engine function takes it as a 0-d array).

    Arrays of strings or objects are not tensors: ``convert_to_tensor`` refuses them.
    """
    return isinstance(x, (np.ndarray, np.generic)) and kind(x.dtype) in "biufc"


def global_floatx() -> str:
    return config.floatx()


def _checked_numeric(array: np.ndarray) -> np.ndarray:
    check_numeric_array(array, kind(array.dtype))
    return array


def as_dtype(array: np.ndarray, dtype: np.dtype) -> np.ndarray:
    if array.dtype == dtype:
        return array
    with np.errstate(all="ignore"):  # nan / inf to integers, float overflow
        return array.astype(dtype)


def convert_to_tensor(x, dtype=None, sparse=None):
    """An ``np.ndarray``, with the torch engine's dtype rules for inputs that carry none.

    Python floats give floatx, Python ints int32, bools bool; an array keeps its own dtype
    (float64 included); an explicit ``dtype`` wins.
    """
    numpy_dtype = None if dtype is None else to_numpy_dtype(dtype)
    if isinstance(x, np.ndarray):
        _checked_numeric(x)
        return x if numpy_dtype is None else as_dtype(x, numpy_dtype)
    if isinstance(x, KerasVariable):
        value = x.value  # a variable's own dtype is kept (a float64 weight stays float64)
        return value if numpy_dtype is None else as_dtype(value, numpy_dtype)
    if isinstance(x, KerasTensor):
        raise symbolic_conversion_error(x)
    if numpy_dtype is None:
        numpy_dtype = _scalar_dtype(x)
    if isinstance(x, (list, tuple)):
        if any(isinstance(item, (np.ndarray, KerasVariable)) for item in x):
            return np.stack([convert_to_tensor(item, dtype) for item in x])
        array = np.asarray(x)
        check_numeric_sequence(array, x)
        if numpy_dtype is None:
            if array.dtype == np.float64:
                numpy_dtype = to_numpy_dtype(global_floatx())
            elif array.dtype == np.int64:
                numpy_dtype = _NUMPY_DTYPES["int32"]
        return array if numpy_dtype is None else as_dtype(array, numpy_dtype)
    try:
        array = np.asarray(x)
    except (TypeError, ValueError) as error:
        raise conversion_error(x, error) from None
    _checked_numeric(array)
    return array if numpy_dtype is None else as_dtype(array, numpy_dtype)


def _scalar_dtype(x):
    """The dtype a Python or NumPy scalar becomes, as on the torch engine; None otherwise."""
    if isinstance(x, (bool, np.bool_)):
        return _NUMPY_DTYPES["bool"]
    if isinstance(x, (int, np.integer)):
        return _NUMPY_DTYPES["int32"]
    if isinstance(x, np.floating):
        return x.dtype
    if isinstance(x, float):
        return to_numpy_dtype(global_floatx())
    return None


def to_array(x) -> np.ndarray:
    """The engine functions' input conversion: arrays pass through with their dtype."""
    if type(x) is np.ndarray:
        return x
    if isinstance(x, KerasVariable):
        return x.value
    if isinstance(x, np.ndarray):
        return np.asarray(x)  # a subclass (np.matrix, a memmap) becomes a plain array
    return convert_to_tensor(x)


def convert_to_numpy(x) -> np.ndarray:
    if isinstance(x, KerasVariable):
        x = x.value
    return np.asarray(x)


def autocast(x, dtype: str):
    """Cast a floating tensor to ``dtype`` (a layer's compute dtype); leave others alone."""
    if isinstance(x, KerasVariable):
        x = x.value
    if not isinstance(x, np.ndarray):
        x = convert_to_tensor(x)
    if kind(x.dtype) == "f":
        return as_dtype(x, to_numpy_dtype(dtype))
    return x


def cast(x, dtype):
    return as_dtype(to_array(x), to_numpy_dtype(dtype))


def shape(x) -> tuple:
    return tuple(x.shape)


def stop_gradient(variable):
    return to_array(variable)


cond = eager_control_flow.cond
fori_loop = eager_control_flow.fori_loop


def _stack_outputs(outputs):
    return np.stack([to_array(output) for output in outputs])


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    return eager_control_flow.scan(f, init, xs, length, reverse, _stack_outputs, to_array)


def get_item(x, key):
    if isinstance(key, np.ndarray) and key.dtype.kind in "iu" and key.ndim == 0:
        key = int(key)
    return np.asarray(to_array(x)[key])


# ---- shape inference ----------------------------------------------------------------------


def _zeros(shape, dtype):
    return np.zeros(shape, dtype=to_numpy_dtype(dtype))


def _to_spec(x):
    return shape_inference.map_nested(
        x,
        lambda a: KerasTensor(tuple(a.shape), dtype=dtype_name(a)),
        lambda a: isinstance(a, (np.ndarray, np.generic)),
    )


def _evaluate(fn, args, kwargs, fill):
    with global_state.symbolic_scope(), np.errstate(all="ignore"):
        outputs = fn(
            *shape_inference.stand_ins(args, _zeros, fill),
            **shape_inference.stand_ins(kwargs, _zeros, fill),
        )
    return _to_spec(outputs)


def compute_output_spec(fn, *args, **kwargs):
    """Run ``fn`` on zero-filled arrays of the KerasTensors' shapes to learn its outputs.

    NumPy has no abstract evaluation, so this computes for real; unknown (None) dimensions
    are filled with two sentinel sizes in turn and output dimensions that differ between the
    runs are unknown.
    """
    return shape_inference.infer_output_spec(
        lambda fill: _evaluate(fn, args, kwargs, fill), args, kwargs
    )
