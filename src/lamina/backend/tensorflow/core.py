"""Tensors, variables, conversion and shape inference on TensorFlow.

A tensor is a ``tf.Tensor`` (eager, or symbolic inside a ``tf.function`` or a shape-inference
graph). A Variable holds a ``tf.Variable``: reads return it (so ``tf.GradientTape`` sees the
variable itself, and a ``tf.function`` captures it by reference), writes assign in place.
"""

from __future__ import annotations

import contextlib

import numpy as np
import tensorflow as tf

from lamina.backend import config
from lamina.backend.common import (
    eager_control_flow,
    global_state,
    shape_inference,
    stateless_scope,
)
from lamina.backend.common.argument_checks import (
    check_numeric_array,
    check_scan_length,
    conversion_error,
    symbolic_conversion_error,
)
from lamina.backend.common.dtypes import standardize_dtype
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.backend.common.variables import KerasVariable
from lamina.backend.tensorflow.graph_scan import scan_in_graph


def _autograph_leaves_lamina_alone() -> None:
    """A user's ``@tf.function`` (AutoGraph on) runs Lamina's code as written instead of
    rewriting it: the code is already trace-safe (it runs under jax.jit too), and AutoGraph
    warns on what it cannot parse. TensorFlow keeps such a rule for its own modules; the
    table is private, so a TensorFlow without it just converts as before."""
    try:
        from tensorflow.python.autograph.core import config as autograph_config

        rule = autograph_config.DoNotConvert("lamina")
        autograph_config.CONVERSION_RULES = (rule, *autograph_config.CONVERSION_RULES)
    except (ImportError, AttributeError):
        pass


_autograph_leaves_lamina_alone()
SUPPORTS_TRAINING = True
# A compiled step (tf.function) runs its Python once, when traced: random ops there must
# draw from a SeedGenerator's state variable, which the graph advances on every call.
SEEDS_IN_STATE = True

_TF_DTYPES = {
    name: tf.as_dtype(name)
    for name in (
        "float16", "bfloat16", "float32", "float64", "uint8", "uint16", "uint32", "uint64",
        "int8", "int16", "int32", "int64", "bool", "complex64", "complex128",
    )
}  # fmt: skip
_DTYPE_NAMES = {value: key for key, value in _TF_DTYPES.items()}


def to_tf_dtype(dtype) -> tf.DType:
    """A ``tf.DType`` from a name, a NumPy or TensorFlow dtype, or None (floatx)."""
    if dtype is None:
        return _TF_DTYPES[config.floatx()]
    if isinstance(dtype, tf.DType):
        name = _DTYPE_NAMES.get(dtype)
        if name is not None:
            return dtype
        raise ValueError(f"dtype {dtype.name!r} is not supported by the tensorflow engine.")
    name = standardize_dtype(dtype)
    try:
        return _TF_DTYPES[name]
    except KeyError:
        raise ValueError(f"dtype {name!r} is not supported by the tensorflow engine.") from None


def dtype_name(x) -> str:
    """The standard dtype name of a tensor (or a ``tf.DType``)."""
    dtype = x if isinstance(x, tf.DType) else x.dtype
    name = _DTYPE_NAMES.get(dtype)
    return name if name is not None else standardize_dtype(dtype.name)


def global_floatx() -> str:
    return config.floatx()


def in_graph() -> bool:
    """True while a ``tf.function`` or a shape-inference graph is being built."""
    return not tf.executing_eagerly()


@contextlib.contextmanager
def device_scope(device_name: str):
    """Place new tensors and variables on ``device_name`` ("cpu", "gpu:0", "cuda:1")."""
    name = str(device_name).lower()
    kind, _, index = name.partition(":")
    kind = {"cuda": "gpu"}.get(kind, kind)
    if kind not in ("cpu", "gpu", "tpu"):
        raise ValueError(
            f"device_scope expects a device such as 'cpu', 'gpu:0'; received {device_name!r}."
        )
    with tf.device(f"/{kind.upper()}:{int(index or 0)}"):
        yield


# ---- variables ----------------------------------------------------------------------------


class Variable(KerasVariable):
    """A KerasVariable whose value is a ``tf.Variable``, assigned in place.

    It acts as a resource variable for TensorFlow itself (``tape.gradient(loss,
    model.trainable_variables)``, ``tf.convert_to_tensor(variable)``), as Keras's does.
    """

    _engine = None  # set in lamina.backend.tensorflow.__init__ once numpy is importable
    _should_act_as_resource_variable = True  # tape.gradient / tape.watch take its handle

    def __init__(self, *args, **kwargs):
        # A layer may first be built inside a tf.function or a shape-inference graph; its
        # weights must still be eager variables, made once.
        with tf.init_scope():
            super().__init__(*args, **kwargs)

    def _initialize(self, value):
        tensor = convert_to_tensor(value, dtype=self._dtype)
        self._value = tf.Variable(
            tensor, trainable=self._trainable, name=self.name, dtype=tensor.dtype
        )

    def _allocate(self):
        self._initialize(tf.zeros(self._shape, dtype=to_tf_dtype(self._dtype)))

    def _direct_assign(self, value):
        if global_state.in_symbolic_scope():
            return  # shape inference must not change state
        if stateless_scope.scopes_open and stateless_scope.intercept_write(self, value):
            return
        self._value.assign(value)

    def assign_add(self, value):
        if global_state.in_symbolic_scope():
            return self._value
        if stateless_scope.scopes_open and stateless_scope.in_stateless_scope():
            return super().assign_add(value)
        self._value.assign_add(self._operand(value))
        if self._on_write is not None:
            self._on_write()
        return self._value

    def assign_sub(self, value):
        if global_state.in_symbolic_scope():
            return self._value
        if stateless_scope.scopes_open and stateless_scope.in_stateless_scope():
            return super().assign_sub(value)
        self._value.assign_sub(self._operand(value))
        if self._on_write is not None:
            self._on_write()
        return self._value

    def _operand(self, value):
        value = convert_to_tensor(value, dtype=self._dtype)
        if tuple(value.shape) != self._shape:
            try:
                value = tf.broadcast_to(value, self._shape)
            except (ValueError, tf.errors.InvalidArgumentError):
                raise ValueError(
                    f"Cannot add a value of shape {tuple(value.shape)} to variable "
                    f"{self.path!r} of shape {self._shape}."
                ) from None
        return value

    def _set_trainable(self, value: bool):
        # tf.Variable fixes `trainable` at creation; the tape watches trainable variables
        # only, so the flag is kept in step (a private attribute of tf.Variable).
        if hasattr(self._value, "_trainable"):
            self._value._trainable = value

    @property
    def handle(self):
        return self._value.handle

    def __tf_tensor__(self, dtype=None, name=None):
        return tf.convert_to_tensor(self.value, dtype=dtype, name=name)

    def numpy(self) -> np.ndarray:
        return np.array(convert_to_numpy(self._value), copy=True)


# ---- conversion ---------------------------------------------------------------------------


def step_counters_on_host() -> bool:
    """Python-side counters (an optimizer's mirror of its step count) are right only while
    every step runs its Python: not inside a tf.function, nor once a compiled step ran."""
    from lamina.backend.tensorflow import trainer

    return not trainer.compiled_steps_ran and tf.executing_eagerly()


def is_tensor(x) -> bool:
    """True when ``x`` is a tensor of this engine (a ``tf.Tensor`` or ``tf.Variable``)."""
    return tf.is_tensor(x) and not isinstance(x, KerasVariable)


def _checked_numeric(array: np.ndarray) -> np.ndarray:
    check_numeric_array(array)
    return array


def convert_to_tensor(x, dtype=None, sparse=None):
    """``x`` (an array, a Python number or list, a Variable) as a ``tf.Tensor``, cast to
    ``dtype`` when given. Inputs that carry no dtype follow Keras: Python floats give
    ``floatx()``, Python ints ``int32``; an array keeps its own dtype (float64 included)."""
    tf_dtype = None if dtype is None else to_tf_dtype(dtype)
    if isinstance(x, tf.Tensor):
        return x if tf_dtype is None or x.dtype == tf_dtype else tf.cast(x, tf_dtype)
    if isinstance(x, KerasVariable):
        return convert_to_tensor(x.value, dtype)
    if isinstance(x, tf.Variable):
        x = x.value()
        return x if tf_dtype is None or x.dtype == tf_dtype else tf.cast(x, tf_dtype)
    if isinstance(x, (tf.IndexedSlices, tf.SparseTensor)):
        if isinstance(x, tf.SparseTensor):
            return convert_to_tensor(tf.sparse.to_dense(x), dtype)
        return convert_to_tensor(tf.convert_to_tensor(x), dtype)
    if isinstance(x, KerasTensor):
        raise symbolic_conversion_error(x)
    if isinstance(x, np.ndarray):
        array = _checked_numeric(x)
        return _from_array(array, tf_dtype)
    if tf_dtype is None and isinstance(x, (bool, int, float, np.generic)):
        tf_dtype = _python_scalar_dtype(x)
    if isinstance(x, (list, tuple)):
        return _tensor_from_sequence(x, dtype, tf_dtype)
    if isinstance(x, (bool, int, float, complex, np.generic)):
        return _from_array(np.asarray(x), tf_dtype)
    if hasattr(x, "__array__") or hasattr(x, "__dlpack__"):
        # Other engines' tensors (a torch DataLoader's batch) arrive through NumPy.
        return convert_to_tensor(np.asarray(x), dtype)
    try:
        return tf.convert_to_tensor(x, dtype=tf_dtype)
    except (TypeError, ValueError) as error:
        raise conversion_error(x, error) from None


def _from_array(array: np.ndarray, tf_dtype):
    # tf.convert_to_tensor refuses to change a value's kind (float -> int): cast after.
    tensor = tf.convert_to_tensor(array)
    if tf_dtype is not None and tensor.dtype != tf_dtype:
        tensor = tf.cast(tensor, tf_dtype)
    return tensor


def _python_scalar_dtype(x):
    """Keras's dtype for a number given without one: bool, int32 for a Python int (a NumPy
    scalar keeps its own type), floatx for a Python float."""
    if isinstance(x, (bool, np.bool_)):
        return tf.bool
    if isinstance(x, int):
        return tf.int32
    if isinstance(x, np.generic):
        return to_tf_dtype(x.dtype)
    return to_tf_dtype(None)


def _tensor_from_sequence(x, dtype, tf_dtype):
    if any(tf.is_tensor(item) or isinstance(item, KerasVariable) for item in x):
        return tf.stack([convert_to_tensor(item, dtype) for item in x])
    array = _checked_numeric(np.asarray(x))
    if tf_dtype is None:
        if array.dtype == np.float64:
            tf_dtype = to_tf_dtype(None)
        elif array.dtype == np.int64:
            tf_dtype = tf.int32
    return _from_array(array, tf_dtype)


def convert_to_numpy(x) -> np.ndarray:
    if isinstance(x, KerasVariable):
        x = x.value
    if isinstance(x, tf.IndexedSlices):
        x = tf.convert_to_tensor(x)
    if tf.is_tensor(x):
        if not hasattr(x, "numpy"):
            raise ValueError(
                "A symbolic TensorFlow tensor (inside a tf.function) has no concrete value to "
                f"convert to NumPy; received {x!r:.200}."
            )
        if x.dtype == tf.bfloat16:
            x = tf.cast(x, tf.float32)
        return np.asarray(x.numpy())
    return np.asarray(x)


def autocast(x, dtype: str):
    """Cast a floating tensor to ``dtype`` (a layer's compute dtype); leave others alone."""
    if isinstance(x, KerasVariable):
        x = x.value
    if not tf.is_tensor(x):
        if isinstance(x, np.ndarray) and x.dtype.kind == "f":
            return convert_to_tensor(x, dtype=dtype)  # no detour through floatx
        x = convert_to_tensor(x)
    if x.dtype.is_floating:
        target = _TF_DTYPES[dtype]
        if x.dtype != target:
            return tf.cast(x, target)
    return x


def cast(x, dtype):
    tf_dtype = to_tf_dtype(dtype)
    x = convert_to_tensor(x)
    return x if x.dtype == tf_dtype else tf.cast(x, tf_dtype)


def shape(x) -> tuple:
    """The shape as a tuple: ints where known, scalar tensors where only the graph knows."""
    if isinstance(x, KerasVariable):
        return x.shape
    if not tf.is_tensor(x):
        x = convert_to_tensor(x)
    static = x.shape.as_list()
    if None not in static:
        return tuple(static)
    dynamic = tf.shape(x)
    return tuple(dynamic[i] if d is None else d for i, d in enumerate(static))


def stop_gradient(variable):
    return tf.stop_gradient(convert_to_tensor(variable))


def _is_concrete(value) -> bool:
    return not tf.is_tensor(value) or hasattr(value, "numpy")


def cond(pred, true_fn, false_fn):
    if isinstance(pred, KerasVariable):
        pred = pred.value
    if _is_concrete(pred) and not isinstance(pred, tf.Variable):
        return true_fn() if bool(pred) else false_fn()
    return tf.cond(tf.cast(pred, tf.bool), true_fn, false_fn)


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """As ``jax.lax.scan``: eagerly a Python loop over the leading axis; in a graph being
    traced, one ``tf.while_loop`` (see graph_scan.py)."""
    check_scan_length(xs, length)
    if in_graph():
        if isinstance(xs, list):
            xs = tuple(xs)  # each step's items as a tuple, as the eager loop gives them
        return scan_in_graph(f, init, xs, length, reverse, convert_to_tensor)
    return eager_control_flow.scan(f, init, xs, length, reverse, _stack_steps, _unstack)


def _unstack(x):
    return tf.unstack(convert_to_tensor(x), axis=0)


def _stack_steps(outputs):
    return tf.nest.map_structure(lambda *leaves: tf.stack(leaves), *outputs)


def fori_loop(lower, upper, body_fun, init_val):
    if _is_concrete(lower) and _is_concrete(upper):
        return eager_control_flow.fori_loop(int(lower), int(upper), body_fun, init_val)
    _, value = tf.while_loop(
        lambda index, _: index < upper,
        lambda index, value: (index + 1, body_fun(index, value)),
        (tf.convert_to_tensor(lower), init_val),
    )
    return value


def _is_array_key(item) -> bool:
    return isinstance(item, (np.ndarray, list, KerasVariable)) or (
        tf.is_tensor(item) and item.shape.rank != 0
    )


def get_item(x, key):
    """``x[key]`` with NumPy's indexing: slices, ints, None, Ellipsis, boolean masks and
    integer index arrays (on the leading axis)."""
    x = convert_to_tensor(x)
    if isinstance(key, KerasVariable):
        key = key.value
    if _is_array_key(key):
        index = convert_to_tensor(key)
        if index.dtype == tf.bool:
            return tf.boolean_mask(x, index)
        return tf.gather(x, index)
    if isinstance(key, tuple) and any(_is_array_key(item) for item in key):
        return tf.experimental.numpy.asarray(x)[key]
    if tf.is_tensor(key) and key.dtype.is_integer:
        return tf.gather(x, key)
    return x[key]


# ---- shape inference ----------------------------------------------------------------------


def _to_spec(x):
    return shape_inference.map_nested(
        x,
        lambda t: KerasTensor(tuple(t.shape.as_list()), dtype=dtype_name(t)),
        lambda t: tf.is_tensor(t) and not isinstance(t, KerasVariable),
    )


def _evaluate(fn, args, kwargs, fill):
    graph = tf.__internal__.FuncGraph("lamina_shape_inference")
    with global_state.symbolic_scope(), graph.as_default():

        def placeholder(shape, dtype):
            return tf.compat.v1.placeholder(to_tf_dtype(dtype), shape=shape)

        outputs = fn(
            *shape_inference.stand_ins(args, placeholder, fill),
            **shape_inference.stand_ins(kwargs, placeholder, fill),
        )
        if isinstance(outputs, KerasVariable):
            outputs = outputs.value
        return _to_spec(outputs)


def compute_output_spec(fn, *args, **kwargs):
    """Build ``fn`` as a graph on placeholders (no compute) to learn its output shapes."""
    return shape_inference.infer_output_spec(
        lambda fill: _evaluate(fn, args, kwargs, fill), args, kwargs
    )
