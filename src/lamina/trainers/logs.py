"""Turning logs of device tensors into Python numbers, only where numbers are needed."""

from __future__ import annotations

import numpy as np

from lamina import backend


def flatten_logs(logs) -> dict:
    """Merge nested dict results (compile metrics) into one flat dict."""
    flat = {}
    for key, value in (logs or {}).items():
        if isinstance(value, dict):
            flat.update(flatten_logs(value))
        else:
            flat[key] = value
    return flat


def pythonify_logs(logs) -> dict:
    result = {}
    for key, value in flatten_logs(logs).items():
        if isinstance(value, (int, float)):
            result[key] = value
            continue
        array = np.asarray(backend.convert_to_numpy(value))
        result[key] = float(array) if array.size == 1 else array
    return result
