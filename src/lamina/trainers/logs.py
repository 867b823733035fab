"""Turning logs of device tensors into Python numbers, only where numbers are needed."""

from __future__ import annotations

import numpy as np

from lamina import backend


class LazyLogs(dict):
    """The logs of one step, computed on first read.

    Metric results cost a few device ops each; most steps nobody reads them (History reads
    epoch logs, the progress bar redraws a few times a second), so they are computed only
    when a callback looks. Behaves as the dict it becomes.
    """

    __slots__ = ("_compute",)

    def __init__(self, compute):
        super().__init__()
        self._compute = compute

    @property
    def unread(self) -> bool:
        """True until something reads or changes these logs."""
        return self._compute is not None

    def _fill(self):
        if self._compute is not None:
            compute, self._compute = self._compute, None
            dict.update(self, compute())

    def __getitem__(self, key):
        self._fill()
        return dict.__getitem__(self, key)

    def __iter__(self):
        self._fill()
        return dict.__iter__(self)

    def __len__(self):
        self._fill()
        return dict.__len__(self)

    def __contains__(self, key):
        self._fill()
        return dict.__contains__(self, key)

    def __eq__(self, other):
        self._fill()
        return dict.__eq__(self, other)

    __hash__ = None

    def __repr__(self):
        self._fill()
        return dict.__repr__(self)

    def __setitem__(self, key, value):
        self._fill()
        dict.__setitem__(self, key, value)

    def __delitem__(self, key):
        self._fill()
        dict.__delitem__(self, key)

    def get(self, key, default=None):
        self._fill()
        return dict.get(self, key, default)

    def keys(self):
        self._fill()
        return dict.keys(self)

    def values(self):
        self._fill()
        return dict.values(self)

    def items(self):
        self._fill()
        return dict.items(self)

    def copy(self):
        self._fill()
        return dict(self)

    def pop(self, *args):
        self._fill()
        return dict.pop(self, *args)

    def setdefault(self, key, default=None):
        self._fill()
        return dict.setdefault(self, key, default)

    def update(self, *args, **kwargs):
        self._fill()
        dict.update(self, *args, **kwargs)

    def __or__(self, other):
        self._fill()
        return dict(self) | other

    def __reduce__(self):
        self._fill()
        return (dict, (dict(self),))


def flatten_logs(logs) -> dict:
    """Merge nested dict results (compile metrics) into one flat dict, keys in Keras 3's
    order: sorted at each level, a nested dict's entries where its key sorts."""
    flat: dict = {}
    for key, value in sorted((logs or {}).items()):
        if isinstance(value, dict):
            flat.update(flatten_logs(value))
        else:
            flat[key] = value
    return flat


def pythonify_logs(logs) -> dict:
    result: dict = {}
    for key, value in flatten_logs(logs).items():
        if isinstance(value, (int, float)):
            result[key] = value
            continue
        array = np.asarray(backend.convert_to_numpy(value))
        result[key] = float(array) if array.size == 1 else array
    return result
