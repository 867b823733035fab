"""One table-driven harness for ops: each ``OpCase`` is checked eagerly against float64
NumPy and symbolically (on KerasTensors, with and without an unknown first dimension).

A case names the public op it covers, a function that calls Lamina ops on its inputs, the
NumPy reference of the same computation, and how to draw each input. Inputs are seeded
random values, never zeros.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from lamina import backend, ops
from lamina.backend.common import tree
from tests.harness import assert_close


def _ints(rng, shape, low, high):
    return rng.integers(low, high, size=shape).astype(np.int32)


def _nonzero_ints(rng, shape):
    magnitude = _ints(rng, shape, 1, 6)
    return np.where(rng.random(shape) < 0.5, -magnitude, magnitude).astype(np.int32)


def _spd(rng, shape):
    a = rng.standard_normal(shape)
    n = shape[-1]
    return (a @ np.swapaxes(a, -1, -2) + n * np.eye(n)).astype(np.float32)


def _probs(rng, shape):
    logits = rng.standard_normal(shape)
    e = np.exp(logits)
    return (e / e.sum(axis=-1, keepdims=True)).astype(np.float32)


_KINDS: dict[str, Callable] = {
    "normal": lambda rng, shape: rng.standard_normal(shape).astype(np.float32),
    "positive": lambda rng, shape: rng.uniform(0.5, 2.0, shape).astype(np.float32),
    "unit": lambda rng, shape: rng.uniform(-0.9, 0.9, shape).astype(np.float32),
    "int": _nonzero_ints,
    "int_pos": lambda rng, shape: _ints(rng, shape, 1, 6),
    "bool": lambda rng, shape: rng.random(shape) < 0.5,
    "spd": _spd,
    "probs": _probs,
    "binary": lambda rng, shape: (rng.random(shape) < 0.5).astype(np.float32),
    "open01": lambda rng, shape: rng.uniform(0.05, 0.95, shape).astype(np.float32),
}


def draw(rng, kind: str, shape) -> np.ndarray:
    """An input array of ``kind``; ``index:N`` draws int32 ids in [0, N)."""
    if kind.startswith("index:"):
        return _ints(rng, shape, 0, int(kind.split(":")[1]))
    if kind.startswith("label:"):  # ids in [-1, N): -1 is an ignored / all-zero id
        return _ints(rng, shape, -1, int(kind.split(":")[1]))
    return np.asarray(_KINDS[kind](rng, shape))


@dataclasses.dataclass(frozen=True)
class OpCase:
    name: str  # the public op covered (lamina.ops.<name>)
    fn: Callable  # calls Lamina ops on the inputs
    reference: Callable  # the same computation on float64 NumPy arrays
    shapes: tuple  # one shape per input
    kinds: tuple | str = "normal"  # how each input is drawn (see ``draw``)
    dtype: tuple | str | None = None  # expected output dtype(s); default: see _expected_dtype
    rtol: float = 1e-5
    atol: float = 1e-5
    symbolic: bool = True  # False when the output shape depends on the values
    batch: bool = True  # also check with the first dimension unknown
    batch_inputs: tuple | None = None  # which inputs have it (default: see _batch_inputs)
    label: str = ""

    @property
    def id(self) -> str:
        return f"{self.name}-{self.label}" if self.label else self.name

    def inputs(self, rng, shapes=None) -> list[np.ndarray]:
        shapes = self.shapes if shapes is None else shapes
        kinds = self.kinds if isinstance(self.kinds, tuple) else (self.kinds,) * len(shapes)
        return [draw(rng, kind, shape) for kind, shape in zip(kinds, shapes)]


def _as_reference(array: np.ndarray) -> np.ndarray:
    if array.dtype.kind == "f":
        return array.astype(np.float64)
    return array


def _expected_dtype(case: OpCase, expected: list, arrays: list) -> list[str]:
    if case.dtype is not None:
        return list(case.dtype) if isinstance(case.dtype, tuple) else [case.dtype] * len(expected)
    first = backend.standardize_dtype(arrays[0].dtype) if arrays else "float32"
    return ["bool" if np.asarray(e).dtype == bool else first for e in expected]


def check_eager(case: OpCase, rng) -> None:
    arrays = case.inputs(rng)
    tensors = [ops.convert_to_tensor(a) for a in arrays]
    outputs = tree.flatten(case.fn(*tensors))
    expected = tree.flatten(case.reference(*[_as_reference(a) for a in arrays]))
    assert len(outputs) == len(expected), f"{case.id}: {len(outputs)} outputs"
    dtypes = _expected_dtype(case, expected, arrays)
    for index, (output, reference, dtype) in enumerate(zip(outputs, expected, dtypes)):
        reference = np.asarray(reference)
        message = f"{case.id} output {index}"
        assert tuple(ops.shape(output)) == reference.shape, message
        assert ops.dtype(output) == dtype, f"{message}: dtype {ops.dtype(output)}, not {dtype}"
        assert_close(output, reference, rtol=case.rtol, atol=case.atol, err_msg=message)


def _batch_inputs(shapes) -> list[int]:
    """Inputs whose first dimension is the batch: those shaped like the first input's."""
    if not shapes or not shapes[0]:
        return []
    first = shapes[0]
    return [i for i, s in enumerate(shapes) if len(s) == len(first) and len(s) and s[0] == first[0]]


def _merged_reference_shapes(case: OpCase, rng, batch: list[int]) -> list[tuple]:
    """Output shapes from NumPy with two batch sizes; dimensions that differ are None."""
    found = []
    for size in (5, 7):
        shapes = [(size, *s[1:]) if i in batch else s for i, s in enumerate(case.shapes)]
        arrays = case.inputs(rng, shapes)
        outputs = tree.flatten(case.reference(*[_as_reference(a) for a in arrays]))
        found.append([np.shape(o) for o in outputs])
    return [
        tuple(a if a == b else None for a, b in zip(first, second)) for first, second in zip(*found)
    ]


def check_symbolic(case: OpCase, rng) -> None:
    arrays = case.inputs(rng)
    eager = tree.flatten(case.fn(*[ops.convert_to_tensor(a) for a in arrays]))
    symbolic_inputs = [backend.KerasTensor(a.shape, dtype=a.dtype.name) for a in arrays]
    specs = tree.flatten(case.fn(*symbolic_inputs))
    assert len(specs) == len(eager)
    for spec, output in zip(specs, eager):
        assert isinstance(spec, backend.KerasTensor), f"{case.id}: {spec!r}"
        assert spec.shape == tuple(ops.shape(output)), case.id
        assert spec.dtype == ops.dtype(output), case.id
    batch = case.batch_inputs
    if batch is None:
        batch = _batch_inputs(case.shapes) if case.batch else []
    if not batch:
        return
    symbolic_inputs = [
        backend.KerasTensor((None, *a.shape[1:]) if i in batch else a.shape, dtype=a.dtype.name)
        for i, a in enumerate(arrays)
    ]
    specs = tree.flatten(case.fn(*symbolic_inputs))
    expected = _merged_reference_shapes(case, rng, batch)
    for spec, shape, output in zip(specs, expected, eager):
        assert spec.shape == shape, f"{case.id}: {spec.shape} != {shape}"
        assert spec.dtype == ops.dtype(output), case.id
        assert spec._keras_history is not None, f"{case.id}: no graph node recorded"


def case_ids(cases) -> list[str]:
    return [case.id for case in cases]


def uncovered(namespace_names, cases, also_tested=()) -> set[str]:
    """Public op names that no case (nor a dedicated test in ``also_tested``) covers."""
    covered = {case.name for case in cases} | set(also_tested)
    return set(namespace_names) - covered
