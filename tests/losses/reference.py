"""Shared checks for losses: values against a float64 NumPy reference for every reduction,
with and without sample weights, and gradients w.r.t. y_pred against finite differences."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from lamina import backend
from tests.harness import assert_close, engine_gradients, numeric_gradients

EPSILON = 1e-7
REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None]


@dataclasses.dataclass
class LossCase:
    """A loss class with its arguments, its NumPy per-sample reference and input maker."""

    loss_class: type
    kwargs: dict
    reference: Callable  # (y_true, y_pred) -> per-sample float64 values
    make_inputs: Callable  # rng -> (y_true, y_pred)

    def __str__(self):
        args = ",".join(f"{k}={v}" for k, v in self.kwargs.items())
        return f"{self.loss_class.__name__}({args})"


def reduce_reference(values, sample_weight, reduction):
    values = np.asarray(values, np.float64)
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, np.float64)
        sample_weight = sample_weight.reshape(
            sample_weight.shape + (1,) * (values.ndim - sample_weight.ndim)
        )
        values = values * sample_weight
    if reduction in ("none", None):
        return values
    if reduction == "sum":
        return values.sum()
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        return values.sum() / np.broadcast_to(sample_weight, values.shape).sum()
    return values.sum() / values.size


def check_values(case: LossCase, rng, reduction, weighted):
    y_true, y_pred = case.make_inputs(rng)
    sample_weight = rng.uniform(0.1, 2.0, size=y_pred.shape[0]) if weighted else None
    loss = case.loss_class(reduction=reduction, **case.kwargs)
    expected = reduce_reference(case.reference(y_true, y_pred), sample_weight, reduction)
    actual = loss(y_true, y_pred, sample_weight=sample_weight)
    assert backend.standardize_dtype(actual.dtype) == backend.floatx()
    assert_close(actual, expected, rtol=2e-5, atol=2e-5, err_msg=str(case))


def check_function(case: LossCase, function, rng):
    """The function form returns the per-sample values."""
    y_true, y_pred = case.make_inputs(rng)
    kwargs = {k: v for k, v in case.kwargs.items() if k != "name"}
    assert_close(function(y_true, y_pred, **kwargs), case.reference(y_true, y_pred), 2e-5, 2e-5)


def check_gradient(case: LossCase, rng, weighted):
    y_true, y_pred = case.make_inputs(rng)
    sample_weight = rng.uniform(0.1, 2.0, size=y_pred.shape[0]) if weighted else None
    loss = case.loss_class(dtype="float64", **case.kwargs)
    (actual,) = engine_gradients(lambda p: loss(y_true, p, sample_weight=sample_weight), [y_pred])

    def reference(p):
        values = case.reference(y_true, p)
        return reduce_reference(values, sample_weight, "sum_over_batch_size")

    (expected,) = numeric_gradients(reference, [y_pred])
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-7, err_msg=str(case))
