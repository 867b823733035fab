"""Reading logged values back to the host, and which way a monitored metric improves."""

from __future__ import annotations

import numpy as np

from lamina import backend

# Metric names where a larger value is better, for mode="auto" when the model cannot say.
_HIGHER_IS_BETTER = ("acc", "auc", "precision", "recall", "f1", "fbeta", "iou", "fmeasure")


def to_float(value) -> float:
    """A scalar log value (Python number, NumPy scalar, device tensor, Variable) as a float."""
    if isinstance(value, (int, float)):
        return float(value)
    array = backend.convert_to_numpy(value)
    if array.size != 1:
        raise ValueError(f"Expected a scalar value; received an array of shape {array.shape}.")
    return float(array.reshape(()))


def to_host(value):
    """A log value as Python float when scalar, else a NumPy array; strings pass through."""
    if isinstance(value, (str, bool, int, float)) or value is None:
        return value
    array = backend.convert_to_numpy(value)
    if array.size == 1 and array.ndim <= 1:
        return array.reshape(()).item()
    return array


def is_scalar(value) -> bool:
    return len(getattr(value, "shape", ())) == 0 or int(np.prod(value.shape)) == 1


def _iter_metrics(metrics):
    for metric in metrics or []:
        yield metric
        yield from _iter_metrics(getattr(metric, "metrics", None))


def higher_is_better(model, monitor: str):
    """True if ``monitor`` should be maximised, False if minimised, None if unknown."""
    name = monitor[4:] if monitor.startswith("val_") else monitor
    if name == "loss" or name.endswith("_loss"):
        return False
    try:
        metrics = list(getattr(model, "metrics", None) or [])
    except Exception:  # a model's metrics may not exist before compile
        metrics = []
    for metric in _iter_metrics(metrics):
        direction = getattr(metric, "_direction", None)
        if getattr(metric, "name", None) == name and direction in ("up", "down"):
            return direction == "up"
    if any(token in name for token in _HIGHER_IS_BETTER):
        return True
    if name in ("mse", "mae", "mape", "msle", "mean_squared_error", "mean_absolute_error"):
        return False
    return None
