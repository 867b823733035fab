"""Tensors, variables, the stateless scope and shape inference on JAX.

A Variable holds an immutable ``jax.Array``. Layers read ``variable.value`` and write with
``assign`` in plain eager style; inside a ``StatelessScope`` those reads and writes go to
the scope instead (values swapped in, new values collected), which is how a pure function
over the state can be handed to ``jax.jit`` or ``jax.grad`` while layers stay unchanged.
"""

from __future__ import annotations

import contextlib

import jax
import jax.numpy as jnp
import numpy as np

from lamina.backend import config
from lamina.backend.common import global_state, shape_inference
from lamina.backend.common.argument_checks import (
    check_numeric_array,
    check_numeric_sequence,
    check_scan_length,
    conversion_error,
    symbolic_conversion_error,
)
from lamina.backend.common.dtypes import standardize_dtype
from lamina.backend.common.keras_tensor import KerasTensor

# StatelessScope is the engines' common one; this Variable reads its thread's stack directly.
from lamina.backend.common.stateless_scope import (
    StatelessScope as StatelessScope,
    _local,
    current_scope as current_scope,
)
from lamina.backend.common.variables import KerasVariable

# float64 must mean float64 (weights, references in tests); every default this engine
# creates is explicit (Python floats -> floatx, ints -> int32), so nothing else widens.
jax.config.update("jax_enable_x64", True)

SUPPORTS_TRAINING = True
# Batches are gathered from NumPy arrays on the host and copied in with the step's call:
# an eager gather on the device costs ~0.2 ms of dispatch per array.
BATCHES_ON_HOST = True
SEEDS_IN_STATE = True  # SeedGenerators draw from their state variable (see seed_generator.py)

_JAX_DTYPES = {
    name: jnp.dtype(name)
    for name in (
        "float16", "float32", "float64", "uint8", "uint16", "uint32", "uint64", "int8",
        "int16", "int32", "int64", "bool", "complex64", "complex128",
    )
}  # fmt: skip
_JAX_DTYPES["bfloat16"] = jnp.dtype(jnp.bfloat16)


def to_jax_dtype(dtype):
    """A jnp dtype from a name, a NumPy/JAX dtype or None (None: floatx)."""
    if dtype is None:
        return _JAX_DTYPES[config.floatx()]
    name = standardize_dtype(dtype)
    try:
        return _JAX_DTYPES[name]
    except KeyError:
        raise ValueError(f"dtype {name!r} is not supported by the jax engine.") from None


def dtype_name(x) -> str:
    return standardize_dtype(x.dtype)


# ---- the stateless scope ------------------------------------------------------------------

class RecordingScope(StatelessScope):
    """An eager pass that notes every variable read or written (and writes through), so the
    compiled step knows its whole state: model, optimizer, metrics, seeds."""

    def __init__(self):
        super().__init__()
        self.seen: dict[int, KerasVariable] = {}

    def lookup(self, variable):
        self.seen.setdefault(id(variable), variable)
        return  # None: read the variable itself

    def record(self, variable, value) -> None:
        self.seen.setdefault(id(variable), variable)
        variable._value = value


# Assignments made outside any scope (a callback's set_weights…): a compiled step checks
# for variables sharing one buffer (which cannot be donated twice) only after some.
outside_writes = 0


def _is_tracer(x) -> bool:
    return isinstance(x, jax.core.Tracer)


class Variable(KerasVariable):
    """A KerasVariable whose value is a ``jax.Array`` (replaced, never mutated, on assign)."""

    _engine = None  # set in lamina.backend.jax.__init__ once numpy is importable

    def __init__(self, *args, **kwargs):
        # A layer may first be built while shapes are inferred (inside jax.eval_shape);
        # its weights must still be concrete arrays, not tracers.
        with jax.ensure_compile_time_eval():
            super().__init__(*args, **kwargs)

    def _initialize(self, value):
        value = convert_to_tensor(value, dtype=self._dtype)
        if _is_tracer(value):
            raise ValueError(
                f"Variable {self.name!r}: its initial value depends on a traced value (it is "
                "being created inside jax.jit or jax.grad); create it outside, e.g. by "
                "building the layer before the compiled function runs."
            )
        self._value = value

    @property
    def value(self):
        value = self._value
        stack = getattr(_local, "scopes", None)
        if stack:
            value = stack[-1].lookup(self)
            if value is None:
                value = self._value
        if global_state.autocast_scopes_open and global_state.autocast_dtype():
            return self._autocast_read(value)
        return value

    def _direct_assign(self, value):
        if global_state.in_symbolic_scope():
            return  # shape inference must not change state
        stack = getattr(_local, "scopes", None)
        if stack:
            stack[-1].record(self, value)
            return
        global outside_writes
        outside_writes += 1
        if _is_tracer(value):
            raise ValueError(
                f"Variable {self.path!r} was assigned a traced value outside a stateless scope: "
                "inside jax.jit or jax.grad, run the layer under "
                "lamina.backend.jax.core.StatelessScope or use model.stateless_call."
            )
        self._value = value

    def __jax_array__(self):
        return self.value


def step_counters_on_host() -> bool:
    """Python-side counters (an optimizer's mirror of its step count) are right only when
    every step runs its Python: not once a compiled step has run, nor while tracing."""
    from lamina.backend.jax import trainer

    return not trainer.compiled_steps_ran and current_scope() is None


def is_tensor(x) -> bool:
    """True when ``x`` is a tensor of this engine (a ``jax.Array``)."""
    return isinstance(x, jax.Array)


def convert_to_tensor(x, dtype=None, sparse=None):
    """``x`` (an array, a Python number or list, a Variable) as a ``jax.Array``, cast to
    ``dtype`` when given. Inputs that carry no dtype follow Keras: Python floats give
    ``floatx()``, Python ints ``int32``; an array keeps its own dtype (float64 included)."""
    if isinstance(x, jax.Array):
        if dtype is None:
            return x
        jax_dtype = to_jax_dtype(dtype)
        return x if x.dtype == jax_dtype else x.astype(jax_dtype)
    if isinstance(x, KerasVariable):
        return convert_to_tensor(x.value, dtype)
    if isinstance(x, KerasTensor):
        raise symbolic_conversion_error(x)
    jax_dtype = None if dtype is None else to_jax_dtype(dtype)
    if isinstance(x, np.ndarray):
        check_numeric_array(x)
        return jnp.asarray(x, dtype=jax_dtype)
    if jax_dtype is None and isinstance(x, (bool, int, float, np.generic)):
        jax_dtype = _python_scalar_dtype(x)
    if isinstance(x, (list, tuple)):
        return _array_from_sequence(x, dtype, jax_dtype)
    if hasattr(x, "__array__") or hasattr(x, "__dlpack__"):
        # Other engines' tensors (a torch DataLoader's batch) arrive through NumPy.
        return convert_to_tensor(np.asarray(x), dtype)
    try:
        return jnp.asarray(x, dtype=jax_dtype)
    except (TypeError, ValueError) as error:
        raise conversion_error(x, error) from None


def _python_scalar_dtype(x):
    """Keras's dtype for a number given without one: bool, int32 for a Python int (a NumPy
    scalar keeps its own type), floatx for a Python float."""
    if isinstance(x, (bool, np.bool_)):
        return jnp.dtype("bool")
    if isinstance(x, (int, np.integer)):
        return jnp.dtype("int32") if isinstance(x, int) else x.dtype
    if isinstance(x, np.floating):
        return x.dtype
    return to_jax_dtype(None)


def _array_from_sequence(x, dtype, jax_dtype):
    if any(isinstance(item, (jax.Array, KerasVariable)) for item in x):
        return jnp.stack([convert_to_tensor(item, dtype) for item in x])
    array = np.asarray(x)
    check_numeric_sequence(array, x)
    if jax_dtype is None:
        if array.dtype == np.float64:
            jax_dtype = to_jax_dtype(None)
        elif array.dtype == np.int64:
            jax_dtype = jnp.dtype("int32")
    return jnp.asarray(array, dtype=jax_dtype)


def convert_to_numpy(x) -> np.ndarray:
    if isinstance(x, KerasVariable):
        x = x.value
    if isinstance(x, jax.Array):
        if _is_tracer(x):
            raise ValueError(
                "A traced JAX value (inside jax.jit or jax.grad) has no concrete value to "
                "convert to NumPy."
            )
        if x.dtype == jnp.bfloat16:
            x = x.astype(jnp.float32)
        try:
            return np.asarray(x)
        except RuntimeError:
            if x.is_fully_addressable:
                raise
            # A global array of a multi-process run (lamina.distribution): each process
            # gets the whole of it, as in one process.
            from jax.experimental import multihost_utils

            return np.asarray(multihost_utils.process_allgather(x, tiled=True))
    return np.asarray(x)


def autocast(x, dtype: str):
    """Cast a floating tensor to ``dtype`` (a layer's compute dtype); leave others alone."""
    if isinstance(x, KerasVariable):
        x = x.value
    if not isinstance(x, jax.Array):
        if isinstance(x, np.ndarray) and x.dtype.kind == "f":
            return jnp.asarray(x, dtype=to_jax_dtype(dtype))
        x = convert_to_tensor(x)
    if jnp.issubdtype(x.dtype, jnp.floating):
        target = _JAX_DTYPES[dtype]
        if x.dtype != target:
            return x.astype(target)
    return x


def cast(x, dtype):
    return convert_to_tensor(x).astype(to_jax_dtype(dtype))


def shape(x) -> tuple:
    return tuple(x.shape)


def stop_gradient(variable):
    return jax.lax.stop_gradient(convert_to_tensor(variable))


def cond(pred, true_fn, false_fn):
    if isinstance(pred, (bool, np.bool_)) or (isinstance(pred, jax.Array) and not _is_tracer(pred)):
        return true_fn() if bool(pred) else false_fn()
    return jax.lax.cond(pred, true_fn, false_fn)


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    check_scan_length(xs, length)
    if isinstance(xs, (tuple, list)):  # several sequences, stepped together
        xs = tuple(convert_to_tensor(x) for x in xs)
    elif xs is not None:
        xs = convert_to_tensor(xs)
    return jax.lax.scan(f, init, xs=xs, length=length, reverse=reverse, unroll=unroll)


def fori_loop(lower, upper, body_fun, init_val):
    return jax.lax.fori_loop(lower, upper, body_fun, init_val)


def get_item(x, key):
    return convert_to_tensor(x)[key]


@contextlib.contextmanager
def device_scope(device_name: str):
    """Place new arrays on ``device_name`` ("cpu", "gpu:0")."""
    name = str(device_name).lower()
    kind, _, index = name.partition(":")
    kind = {"cuda": "gpu"}.get(kind, kind)
    try:
        device = jax.devices(kind)[int(index or 0)]
    except (RuntimeError, IndexError) as error:
        raise ValueError(f"No JAX device {device_name!r}: {error}") from None
    with jax.default_device(device):
        yield


# ---- shape inference ----------------------------------------------------------------------


def _abstract(shape, dtype):
    return jax.ShapeDtypeStruct(shape, to_jax_dtype(dtype))


def _to_spec(x):
    return shape_inference.map_nested(
        x,
        lambda a: KerasTensor(tuple(a.shape), dtype=standardize_dtype(a.dtype)),
        lambda a: isinstance(a, (jax.ShapeDtypeStruct, jax.Array)),
    )


def _is_abstract(x) -> bool:
    return isinstance(x, jax.ShapeDtypeStruct)


def _evaluate(fn, args, kwargs, fill):
    # Only the tensors are traced; every other argument (flags, shapes, layers) stays a
    # Python value, closed over.
    abstract = (
        shape_inference.stand_ins(args, _abstract, fill),
        shape_inference.stand_ins(kwargs, _abstract, fill),
    )
    leaves, treedef = jax.tree_util.tree_flatten(abstract, is_leaf=_is_abstract)
    positions = [i for i, leaf in enumerate(leaves) if _is_abstract(leaf)]

    def run(*tensors):
        filled = list(leaves)
        for position, tensor in zip(positions, tensors):
            filled[position] = tensor
        call_args, call_kwargs = jax.tree_util.tree_unflatten(treedef, filled)
        outputs = fn(*call_args, **call_kwargs)
        return _strip_static(outputs)

    try:
        with global_state.symbolic_scope(), StatelessScope():
            outputs = jax.eval_shape(run, *[leaves[i] for i in positions])
    except TypeError as error:
        if "incompatible shapes" in str(error):
            raise ValueError(str(error).split("\n")[0]) from None  # a shape error, as Keras's
        raise
    return _to_spec(outputs)


def _strip_static(outputs):
    """Outputs for eval_shape: arrays stay, anything else (None, Python numbers) too."""
    if isinstance(outputs, KerasVariable):
        return outputs.value
    if isinstance(outputs, (list, tuple)):
        return type(outputs)(_strip_static(item) for item in outputs)
    if isinstance(outputs, dict):
        return {key: _strip_static(value) for key, value in outputs.items()}
    return outputs


def compute_output_spec(fn, *args, **kwargs):
    """Trace ``fn`` abstractly (``jax.eval_shape``: no memory, no compute) for output shapes."""
    return shape_inference.infer_output_spec(
        lambda fill: _evaluate(fn, args, kwargs, fill), args, kwargs
    )
