"""Metric state updates on torch in fewer kernels: every running total and count of a
training step added by one ``torch._foreach_add_`` per kind of increment, and the argmax
accuracies counted without the int32 and float casts their per-sample form needs.

Optional engine kernels (see ``backend/contract.py``, OPTIONAL). Each must agree with the
composite written once in ``lamina.metrics`` (tests/metrics/test_metric_kernels.py); the
metrics fall back to it where an engine has no kernel or a call returns None / False.
"""

from __future__ import annotations

import torch

from lamina.backend.common import global_state, stateless_scope
from lamina.backend.torch import core
from lamina.backend.torch.core import convert_to_tensor, to_torch_dtype


def _plain_tensor(variable):
    """The variable's tensor when an in-place add may bypass ``assign_add`` (no stateless or
    split variable, no write hook); else None."""
    target = variable._value
    if variable._on_write is not None or variable._layout is not None:
        return None
    if core.dtensor_type is not None and isinstance(target, core.dtensor_type):
        return None  # (not ``target.data``'s type: reading ``.data`` is an op of its own)
    return target


def assign_add_all(variables, values) -> bool:
    """Adds each value to its variable in place: tensor values with one multi-tensor kernel,
    Python numbers with another (kernel arguments: capturable in a CUDA graph, no host copy).
    False, changing nothing, where it cannot (a stateless or symbolic scope, a split or
    hooked variable, a value of another dtype, device or shape): add one by one then."""
    if stateless_scope.scopes_open or global_state.in_symbolic_scope():
        return False
    tensor_targets, tensor_values, number_targets, numbers = [], [], [], []
    for variable, value in zip(variables, values, strict=True):
        target = _plain_tensor(variable)
        if target is None:
            return False
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number_targets.append(target)
            numbers.append(value)
        elif (
            isinstance(value, torch.Tensor)
            and value.dtype == target.dtype
            and value.device == target.device
            and value.shape == target.shape
        ):
            tensor_targets.append(target)
            tensor_values.append(value)
        else:
            return False
    with torch.no_grad():
        if tensor_targets:
            torch._foreach_add_(tensor_targets, tensor_values)
        if number_targets:
            torch._foreach_add_(number_targets, numbers)
    return True


def argmax_match_count(y_true, y_pred, sparse, dtype):
    """How many rows of ``y_pred`` (batch, classes) have their argmax equal to ``y_true``'s
    (one-hot or scores of the same shape) or, with ``sparse``, to ``y_true`` itself (class
    ids of shape (batch,) or (batch, 1)), as a scalar of ``dtype``; None for other inputs.
    Torch's int64 argmax is compared as it is: the same ids as Keras's int32 ones."""
    y_pred = convert_to_tensor(y_pred)
    y_true = convert_to_tensor(y_true)
    if y_pred.ndim != 2 or not y_pred.is_floating_point() or y_true.dtype == torch.bool:
        return None
    if sparse and y_true.shape in ((y_pred.shape[0],), (y_pred.shape[0], 1)):
        true_ids = y_true.reshape(-1)  # float ids compare as floats, as the per-sample form
    elif not sparse and y_true.shape == y_pred.shape:
        true_ids = torch.argmax(y_true, dim=-1)
    else:
        return None
    matches = torch.eq(true_ids, torch.argmax(y_pred, dim=-1))
    return torch.sum(matches, dtype=to_torch_dtype(dtype))
