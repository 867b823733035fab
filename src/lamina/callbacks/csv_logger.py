"""CSVLogger: appends each epoch's logs as a row of a CSV file."""

from __future__ import annotations

import collections.abc
import csv
import os

import numpy as np

from lamina.callbacks._host import to_host
from lamina.callbacks.callback import Callback


def _cell(value):
    value = to_host(value)
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value.item()
    if isinstance(value, collections.abc.Iterable) and not isinstance(value, str):
        return f'"[{", ".join(map(str, value))}]"'
    return value


class CSVLogger(Callback):
    """Streams epoch results to a CSV file: a column ``epoch``, then the logged names sorted.

    Args:
        filename: the CSV file.
        separator: the column separator.
        append: append to an existing file (the header is written only if it is empty).
    """

    _chief_only = True  # several processes: process 0 writes the file (callback_list.py)

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename = os.fspath(filename)
        self.sep = separator
        self.append = append
        self.keys = None
        self.writer = None
        self.append_header = True

    def on_train_begin(self, logs=None):
        if self.append:
            if os.path.exists(self.filename):
                with open(self.filename, encoding="utf-8") as existing:
                    self.append_header = not bool(len(existing.readline()))
        else:
            # A new file now, as Keras; rows are appended one open-write-close at a time,
            # so a run stopped by an exception leaves no file handle open.
            with open(self.filename, "w", newline="", encoding="utf-8"):
                pass
        self.writer = None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
            # With validation_freq > 1 the first epoch has no `val_` keys: add the columns
            # now, since a CSV header cannot grow later.
            if self.keys and not any(key.startswith("val_") for key in self.keys):
                self.keys.extend(f"val_{key}" for key in list(self.keys))
        dialect = type("LaminaDialect", (csv.excel,), {"delimiter": self.sep})
        with open(self.filename, "a", newline="", encoding="utf-8") as csv_file:
            writer = csv.DictWriter(csv_file, fieldnames=["epoch", *self.keys], dialect=dialect)
            if self.writer is None and self.append_header:
                writer.writeheader()
            self.writer = writer
            row = {"epoch": epoch}
            row.update((key, _cell(logs[key]) if key in logs else "NA") for key in self.keys)
            writer.writerow(row)

    def on_train_end(self, logs=None):
        self.writer = None


__all__ = ["CSVLogger"]
