"""The dtype-class sweep of ops: one ``OpCase`` run with its inputs in each dtype Keras accepts.

For a case and a dtype, every input the case draws as floats (``normal``, ``positive``, ...)
is drawn again in that dtype (integers and booleans are drawn as such, never by truncating
floats); index and label inputs keep their own dtype. The sweep then checks:

- the result dtype follows Keras 3.15's rule for the op (``SAME``: the input's dtype, as
  ``relu`` or ``conv`` on integers; ``FLOAT``: integers and booleans compute in floatx);
  outputs that are not float in the float32 run (indices, masks) keep their dtype;
- the values equal the case's float64 NumPy reference on the very values given (read back
  from the engine, so a float16 input is compared on its rounded values), within the
  dtype's tolerance;
- a symbolic call (KerasTensor inputs of that dtype) gives the eager shape and dtype.

Which dtypes each op accepts, and the result-dtype rule, come from running Keras 3.15.1:
most ops take every float; the integer and boolean classes only where Keras gives a result.
"""

from __future__ import annotations

import numpy as np
import pytest

from lamina import backend, ops
from lamina.backend.common import tree
from tests.harness import assert_close
from tests.ops.op_harness import OpCase

FLOATS = ("float16", "bfloat16", "float32", "float64")
FULL_FLOATS = ("float32", "float64")  # ops whose kernels Keras runs in single/double only
INTS = ("uint8", "int32", "int64")
SAME, FLOAT = "same", "float"  # the result-dtype rules
# Rules of ops Keras computes in float and casts back to an integer or boolean input's dtype:
# TRUNCATE toward zero (a boolean result is True where the float one is nonzero), or ROUND to
# the nearest integer (a boolean result is True where that is nonzero). FLOAT32: float32
# whatever the input (ctc_loss, ctc_decode's scores).
TRUNCATE, ROUND, FLOAT32 = "truncate", "round", "float32"
# One dtype of each class runs in CI: float32 is every op test's own dtype, and float16 and
# float64 are where dtype rules go wrong (kernels without half precision, silent downcasts).
# JAX compiles every op again for each new dtype (about 0.3 s a case on a CI core): there
# float64, which its x64 mode handles as the other engines do, joins the slow set.
CORE = ("bool", "int32", "float16", *(() if backend.backend() == "jax" else ("float64",)))

# Tolerances of the low-precision floats (relative to the values, plus an absolute floor).
_HALF_TOLERANCE = {"float16": (1e-2, 1e-2), "bfloat16": (6e-2, 6e-2)}
# Input kinds drawn as floats by op_harness.draw, and those that stay meaningful as integers.
_FLOAT_KINDS = {"normal", "positive", "unit", "spd", "probs", "binary", "open01"}
_INTEGRAL_KINDS = {"normal", "positive", "binary"}


def _kinds(case: OpCase) -> tuple:
    return case.kinds if isinstance(case.kinds, tuple) else (case.kinds,) * len(case.shapes)


def _draw_integral(rng, kind: str, shape, dtype: str) -> np.ndarray:
    if dtype == "bool":
        return rng.random(shape) < 0.5
    if kind == "binary":
        return (rng.random(shape) < 0.5).astype(np.int32)
    if kind == "positive":
        return rng.integers(1, 6, size=shape).astype(np.int32)
    if dtype.startswith("uint"):  # small: sums of products (conv) must not wrap around
        return rng.integers(0, 2, size=shape).astype(np.int32)
    # Distinct magnitudes: no ties for ops that rank (top_k, max_pool's argmax).
    magnitude = rng.permutation(np.arange(1, int(np.prod(shape)) + 1)).reshape(shape)
    return np.where(rng.random(shape) < 0.5, -magnitude, magnitude).astype(np.int32)


def sweep_inputs(case: OpCase, dtype: str, rng) -> list:
    """The case's inputs as engine tensors, those drawn as floats now in ``dtype``."""
    tensors = []
    for kind, array in zip(_kinds(case), case.inputs(rng)):
        if kind not in _FLOAT_KINDS:
            tensors.append(ops.convert_to_tensor(array))
            continue
        if dtype not in FLOATS:
            if kind not in _INTEGRAL_KINDS:
                raise ValueError(f"{case.id}: input kind {kind!r} has no {dtype} form")
            array = _draw_integral(rng, kind, array.shape, dtype)
        tensors.append(ops.cast(ops.convert_to_tensor(array), dtype))
    return tensors


def _as_float64(tensor) -> np.ndarray:
    if ops.dtype(tensor) == "bool" or "int" in ops.dtype(tensor):
        return np.asarray(ops.convert_to_numpy(tensor)).astype(np.float64)
    # via float32: NumPy has no bfloat16 of its own
    return np.asarray(ops.convert_to_numpy(ops.cast(tensor, "float32")), np.float64)


def _reference_inputs(case: OpCase, tensors) -> list:
    out = []
    for kind, tensor in zip(_kinds(case), tensors):
        if kind in _FLOAT_KINDS:
            out.append(_as_float64(tensor))
        else:
            out.append(np.asarray(ops.convert_to_numpy(tensor)))
    return out


def expected_dtypes(case: OpCase, dtype: str, rule: str, rng) -> list[str]:
    """The result dtypes Keras gives: float outputs of the float32 run follow ``rule``."""
    baseline = tree.flatten(case.fn(*sweep_inputs(case, "float32", rng)))
    if rule == FLOAT32:
        swept = "float32"
    elif dtype in FLOATS or rule in (SAME, TRUNCATE, ROUND):
        swept = dtype
    else:
        swept = backend.floatx()
    return [swept if ops.dtype(out) == "float32" else ops.dtype(out) for out in baseline]


def check_dtype(case: OpCase, dtype: str, rule: str, rng) -> None:
    """Eager values and dtype, then the symbolic shape and dtype, of ``case`` in ``dtype``."""
    expected_types = expected_dtypes(case, dtype, rule, rng)
    tensors = sweep_inputs(case, dtype, rng)
    outputs = tree.flatten(case.fn(*tensors))
    references = tree.flatten(case.reference(*_reference_inputs(case, tensors)))
    rtol, atol = _HALF_TOLERANCE.get(dtype, (case.rtol, case.atol))
    assert len(outputs) == len(references) == len(expected_types), case.id
    for index, (output, reference, expected) in enumerate(zip(outputs, references, expected_types)):
        message = f"{case.id} in {dtype}, output {index}"
        assert ops.dtype(output) == expected, f"{message}: {ops.dtype(output)}, not {expected}"
        reference = np.asarray(reference)
        assert tuple(ops.shape(output)) == reference.shape, message
        if rule in (TRUNCATE, ROUND) and dtype not in FLOATS:
            _assert_cast_back(_as_float64(output), reference, dtype, rule, message)
        elif expected == "bool":  # a float result read back as a boolean: nonzero is True
            np.testing.assert_array_equal(ops.convert_to_numpy(output), reference != 0, message)
        else:
            assert_close(_as_float64(output), reference, rtol=rtol, atol=atol, err_msg=message)
    if not case.symbolic:
        return
    specs = tree.flatten(
        case.fn(*[backend.KerasTensor(tuple(ops.shape(t)), dtype=ops.dtype(t)) for t in tensors])
    )
    for index, (spec, output) in enumerate(zip(specs, outputs)):
        message = f"{case.id} in {dtype}, symbolic output {index}"
        assert spec.shape == tuple(ops.shape(output)), message
        assert spec.dtype == ops.dtype(output), f"{message}: {spec.dtype}"


def _assert_cast_back(output, reference, dtype: str, rule: str, message: str) -> None:
    """``output`` equals the float64 ``reference`` cast back as Keras does (see TRUNCATE and
    ROUND), wherever float32 rounding cannot move the reference across a step of the cast."""
    reference = np.asarray(reference, np.float64)
    margin = 1e-4 * np.maximum(1.0, np.abs(reference))
    if dtype == "bool" and rule == TRUNCATE:  # exact zeros stay zero in float32 too
        expected, step = reference != 0, np.full(reference.shape, np.inf)
    elif dtype == "bool":
        expected, step = np.round(reference) != 0, np.abs(reference % 1.0 - 0.5)
    elif rule == TRUNCATE:
        expected, step = np.trunc(reference), np.abs(reference - np.round(reference))
    else:
        expected, step = np.round(reference), np.abs(reference % 1.0 - 0.5)
    settled = step > margin
    assert settled.mean() > 0.5, f"{message}: too few values away from a rounding step"
    np.testing.assert_array_equal(
        output[settled], expected[settled].astype(np.float64), err_msg=message
    )


def check_refused(case: OpCase, dtype: str, rng) -> None:
    """``case`` refuses inputs of ``dtype`` (as Keras does), eagerly and symbolically, with a
    TypeError naming the op and the dtype received."""
    tensors = sweep_inputs(case, dtype, rng)
    pattern = rf"{case.name}\b.*received {dtype}"
    with pytest.raises(TypeError, match=pattern):
        case.fn(*tensors)
    symbolic = [backend.KerasTensor(tuple(ops.shape(t)), dtype=ops.dtype(t)) for t in tensors]
    with pytest.raises(TypeError, match=pattern):
        case.fn(*symbolic)


def refusal_params(table: dict, cases: dict) -> list:
    """``pytest.param(case, dtype)`` for each op of a table of ``name: refused dtypes``; the
    dtypes outside ``CORE`` are marked slow."""
    return [
        pytest.param(
            cases[name],
            dtype,
            id=f"{cases[name].id}-{dtype}",
            marks=[] if dtype in CORE else [pytest.mark.slow],
        )
        for name, dtypes in table.items()
        for dtype in dtypes
    ]


def first_cases(cases, names) -> dict[str, OpCase]:
    """One case per op name: the unlabelled one where there is one, else the first."""
    chosen: dict[str, OpCase] = {}
    for case in cases:
        if case.name not in names:
            continue
        if case.name not in chosen or (chosen[case.name].label and not case.label):
            chosen[case.name] = case
    missing = set(names) - set(chosen)
    assert not missing, f"no OpCase for {sorted(missing)}"
    return chosen


def sweep_params(table: dict, cases: dict) -> list:
    """``pytest.param(case, dtype, rule)`` for each op of a table of ``name: (dtypes, rule)``.

    One dtype per class runs in CI (``CORE``: on JAX each new dtype compiles every kernel
    again); the other dtypes of a class are marked slow.
    """
    params = []
    for name, (dtypes, rule) in table.items():
        for dtype in dtypes:
            marks = [] if dtype in CORE else [pytest.mark.slow]
            params.append(
                pytest.param(cases[name], dtype, rule, id=f"{cases[name].id}-{dtype}", marks=marks)
            )
    return params


def public_ops(namespace) -> set[str]:
    """The public ops of a namespace module (``ops.nn``...): its callables that lamina.ops
    exports."""
    return {
        name for name, value in vars(namespace).items() if callable(value) and name in ops.__all__
    }
