"""``compile(steps_per_execution=N)``: the epoch's batches grouped N to a call of the step.

Callbacks see one batch hook pair per call, numbered as Keras numbers them: the call that
runs batches 4 to 7 is ``on_train_batch_begin(4)`` and ``on_train_batch_end(7, logs)``,
with the logs of batch 7 (the metrics' running values), so the progress bar moves N at a
time. An epoch whose batches are not a multiple of N ends with a shorter call; its end hook
names the epoch's last batch (Keras reports ``begin + N - 1`` there, past the end).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from lamina.trainers.logs import LazyLogs


def check_steps_per_execution(value) -> int:
    """The ``steps_per_execution`` argument of ``compile``, checked."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(
            "Invalid value for argument `steps_per_execution`: expected a positive integer "
            f"(the number of batches per call of the step). Received: "
            f"steps_per_execution={value!r}"
        )
    return value


def executions(batches: Iterable, steps_per_execution: int) -> Iterator[tuple[int, int, Any]]:
    """``(first_step, last_step, data)`` per call, from the ``(step, batch)`` pairs of an
    epoch: ``data`` is the batch itself for N=1, else a list of up to N batches. Batches
    are read only as a call needs them, so a callback that stops training stops reading."""
    if steps_per_execution == 1:
        for step, data in batches:
            yield step, step, data
        return
    group: list = []
    first = 0
    for step, data in batches:
        if not group:
            first = step
        group.append(data)
        if len(group) == steps_per_execution:
            yield first, step, group
            group = []
    if group:
        yield first, first + len(group) - 1, group


class FreshLogs:
    """A compiled step whose logs are read from the model's metrics again after each call:
    a compiled step may hand back the logs object of the call it was traced or captured in.
    ``function`` is the compiled step itself (for running N of it per call)."""

    def __init__(self, model, function):
        self.model = model
        self.function = function

    def __call__(self, data):
        logs = self.function(data)
        if isinstance(logs, LazyLogs):
            return LazyLogs(self.model._python_metrics_result)
        return logs
