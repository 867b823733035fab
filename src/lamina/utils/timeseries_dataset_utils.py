"""``timeseries_dataset_from_array``: sliding windows over a timeseries, batched."""

from __future__ import annotations

import numpy as np

from lamina import backend
from lamina.utils.dataset_formats import FORMATS, as_requested_format
from lamina.utils.sample_dataset import SampleDataset


def _check_int(name, value, low, high=None, length=None):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer; received {value!r}.")
    if value < low or (high is not None and value >= high):
        bound = f" and below {high} (the data's length {length})" if high is not None else ""
        raise ValueError(f"{name} must be {low} or more{bound}; received {name}={value}.")


def _check_window_arguments(length, sequence_length, sequence_stride, sampling_rate,
                            start_index, end_index):  # fmt: skip
    _check_int("sequence_length", sequence_length, 1)
    _check_int("sampling_rate", sampling_rate, 1, length, length)
    _check_int("sequence_stride", sequence_stride, 1, length, length)
    if start_index:
        _check_int("start_index", start_index, 0, length, length)
    if end_index:
        _check_int("end_index", end_index, 1, length, length)
        if start_index and end_index <= start_index:
            raise ValueError(
                f"end_index must be above start_index; received start_index={start_index} "
                f"and end_index={end_index}."
            )


def timeseries_dataset_from_array(
    data,
    targets,
    sequence_length,
    sequence_stride=1,
    sampling_rate=1,
    batch_size=128,
    shuffle=False,
    seed=None,
    start_index=None,
    end_index=None,
    format="lamina",
):
    """A dataset of windows over ``data`` (time on axis 0), with their targets.

    Window ``j`` starts at ``start = start_index + j * sequence_stride`` and holds
    ``data[start], data[start + sampling_rate], ...`` (``sequence_length`` steps), within
    ``data[start_index:end_index]``; its target is ``targets[start]`` (so pass
    ``targets = data[sequence_length:]`` to predict the next step). Batches are
    ``(windows, targets)``, or ``windows`` when ``targets`` is None; ``shuffle`` draws a new
    window order each epoch from ``seed``.

    ``format`` defaults to ``"lamina"`` (Keras's default is ``"tf"``): a SampleDataset
    that ``fit`` takes on every engine. ``"tf"`` and ``"grain"`` return those libraries'
    datasets.

    >>> steps = np.arange(100, dtype="float32")
    >>> dataset = timeseries_dataset_from_array(steps[:-10], steps[10:], sequence_length=10)
    >>> windows, next_steps = dataset[0]
    >>> windows.shape, float(next_steps[0])
    ((90, 10), 10.0)
    """
    data = np.asarray(backend.convert_to_numpy(data))
    if data.ndim == 0:
        raise ValueError("data must be an array with time on axis 0; received a scalar.")
    if targets is not None:
        targets = np.asarray(backend.convert_to_numpy(targets))
    _check_window_arguments(
        len(data), sequence_length, sequence_stride, sampling_rate, start_index, end_index
    )
    if format not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}; received format={format!r}.")
    start_index = start_index or 0
    end_index = end_index or len(data)
    window_span = (sequence_length - 1) * sampling_rate
    num_starts = end_index - start_index - window_span
    if targets is not None:
        num_starts = min(num_starts, len(targets) - start_index)
    starts = start_index + np.arange(0, max(num_starts, 0), sequence_stride)  # absolute
    offsets = np.arange(0, sequence_length * sampling_rate, sampling_rate)

    def load_window(index):
        start = starts[index]
        window = data[start + offsets]  # (sequence_length, *features)
        return window if targets is None else (window, targets[start])

    dataset = SampleDataset(load_window, len(starts), batch_size=batch_size, shuffle=shuffle,
                            seed=seed)  # fmt: skip
    return as_requested_format(dataset, format)
