"""Progbar: the Keras progress bar, ``12/469 ━━━━━━━━━━━━━━━━━━━━ 3s 7ms/step - loss: 0.6012``."""

from __future__ import annotations

import os
import sys
import time

import numpy as np

from lamina import backend
from lamina.utils import io_utils

_BAR_CHAR = "━"


def _is_dynamic_display() -> bool:
    """Whether the terminal can redraw a line in place (a tty, a notebook or PyCharm)."""
    if not io_utils.is_interactive_logging_enabled():
        return False  # messages go to a logger: one line per update, no redraws
    stdout = sys.stdout
    return (
        (hasattr(stdout, "isatty") and stdout.isatty())
        or "ipykernel" in sys.modules
        or "posix" in sys.modules
        and "PYCHARM_HOSTED" in os.environ
    )


def _host_value(value):
    """A host number (or array) for display: device tensors are read back here, not earlier."""
    if isinstance(value, (int, float)):
        return value
    array = backend.convert_to_numpy(value)
    if array.size == 1:
        return array.reshape(()).item()
    return array


def _format_value(value) -> str:
    value = _host_value(value)
    if isinstance(value, np.ndarray):
        return f" {value}"
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        if abs(float(value)) > 1e-3:
            return f" {value:.4f}"
        return f" {value:.4e}"
    return f" {value}"


def _format_eta(seconds: float) -> str:
    if seconds > 3600:
        return f"{int(seconds // 3600)}:{int(seconds % 3600) // 60:02d}:{int(seconds % 60):02d}"
    if seconds > 60:
        return f"{int(seconds // 60)}:{int(seconds % 60):02d}"
    return f"{seconds:.0f}s"


def _format_time_per_unit(seconds: float, unit_name: str) -> str:
    if seconds >= 1 or seconds == 0:
        return f"{seconds:.0f}s/{unit_name}"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/{unit_name}"
    return f"{seconds * 1e6:.0f}us/{unit_name}"


class Progbar:
    """Displays a progress bar.

    Args:
        target: total number of steps expected, ``None`` if unknown.
        width: progress bar width on screen, in characters.
        verbose: 0 (silent), 1 (a bar redrawn as steps go) or 2 (one line when done).
        interval: minimum seconds between two redraws (the final update always draws).
        stateful_metrics: names of values shown as given; the others are shown as their
            average over the steps seen so far, weighted by the steps each update covers.
        unit_name: what a step is called (``"step"``, ``"sample"``).

    Values may be device tensors: they are read back to the host only when a line is drawn.
    """

    def __init__(
        self,
        target,
        width=20,
        verbose=1,
        interval=0.05,
        stateful_metrics=None,
        unit_name="step",
    ):
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stateful_metrics = set(stateful_metrics) if stateful_metrics else set()
        self._dynamic_display = _is_dynamic_display()
        self._total_width = 0
        self._seen_so_far = 0
        # name -> [weighted sum, weight]; the shown value is sum / weight.
        self._values: dict = {}
        self._values_order: list = []
        self._start = time.time()
        self._last_update = 0.0
        self._time_after_first_step = None

    def update(self, current, values=None, finalize=None) -> None:
        """Moves the bar to step ``current`` with ``values``, a list of ``(name, value)``."""
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        self._accumulate(current, values or [])
        self._seen_so_far = current

        now = time.time()
        if self._time_after_first_step is None and current >= 1:
            # The first step often includes tracing or compilation: leave it out of the rate.
            self._time_after_first_step = now
            self._steps_at_first_time = current
        if self.verbose == 1:
            if now - self._last_update < self.interval and not finalize:
                return
            self._write(self._bar_line(current, now, finalize))
        elif self.verbose == 2 and finalize:
            self._write(self._summary_line(current, now))
        self._last_update = now

    def due(self) -> bool:
        """Whether an update now would redraw the bar (the redraw interval has passed)."""
        return time.time() - self._last_update >= self.interval

    def add(self, n, values=None) -> None:
        self.update(self._seen_so_far + n, values)

    # ---- internals -----------------------------------------------------------------------

    def _accumulate(self, current, values) -> None:
        for name, value in values:
            if name not in self._values_order:
                self._values_order.append(name)
            if name in self.stateful_metrics:
                self._values[name] = [value, 1]
                continue
            # At least 1: without a target, on_batch_end and on_epoch_end may report the
            # same step twice, and a weight of 0 would show 0s.
            weight = max(current - self._seen_so_far, 1)
            if name in self._values:
                total, count = self._values[name]
                self._values[name] = [total + value * weight, count + weight]
            else:
                self._values[name] = [value * weight, weight]

    def _time_per_step(self, current, now) -> float:
        if not current:
            return 0.0
        first = self._time_after_first_step
        done_since_first = current - getattr(self, "_steps_at_first_time", 1)
        if first is not None and done_since_first > 0:
            return (now - first) / done_since_first
        return (now - self._start) / current

    def _values_text(self) -> str:
        text = ""
        for name in self._values_order:
            total, count = self._values[name]
            if count == 1:
                text += f" - {name}:{_format_value(total)}"
            else:
                average = _host_value(total)
                text += f" - {name}:{_format_value(average / count)}"
        return text

    def _bar_line(self, current, now, finalize) -> str:
        if self.target is not None:
            digits = len(str(self.target))
            line = f"{str(current).rjust(digits)}/{self.target} "
            filled = int(self.width * min(current / self.target, 1.0)) if self.target else 0
            if self._dynamic_display:  # Keras's colours: done in green, to do in grey
                line += f"\x1b[32m{_BAR_CHAR * filled}\x1b[0m"
                line += f"\x1b[37m{_BAR_CHAR * (self.width - filled)}\x1b[0m"
            else:
                line += _BAR_CHAR * filled + " " * (self.width - filled)
        else:
            line = f"{current}/Unknown"
        time_per_step = self._time_per_step(current, now)
        if self.target is None or finalize:
            line += f" {now - self._start:.0f}s"
        else:
            line += f" {_format_eta(time_per_step * (self.target - current))}"
        line += f" {_format_time_per_unit(time_per_step, self.unit_name)}"
        line += self._values_text()
        if not self._dynamic_display:
            return line + "\n"  # a log file gets one line per redraw
        previous_width, self._total_width = self._total_width, len(line)
        if previous_width > len(line):
            line += " " * (previous_width - len(line))  # erase the longer previous line
        return "\r" + line + ("\n" if finalize else "")

    def _summary_line(self, current, now) -> str:
        target = self.target if self.target is not None else current
        count = f"{str(current).rjust(len(str(target)))}/{target}"
        time_per_step = self._time_per_step(current, now)
        line = f"{count} - {now - self._start:.0f}s"
        line += f" - {_format_time_per_unit(time_per_step, self.unit_name)}"
        line += self._values_text()
        return line + "\n"

    def _write(self, text: str) -> None:
        io_utils.print_msg(text, line_break=False)


__all__ = ["Progbar"]
