"""ModelCheckpoint: saves the model or its weights every epoch or every N batches."""

from __future__ import annotations

import contextlib
import os
import warnings

from lamina import backend
from lamina.backend.common import process_rank
from lamina.callbacks._host import higher_is_better, is_scalar, to_float, to_host
from lamina.callbacks.callback import Callback


class ModelCheckpoint(Callback):
    """Saves the model (``.keras``) or its weights (``.weights.h5``) during training.

    Args:
        filepath: where to save; may hold ``{epoch:02d}`` and any logged name, such as
            ``"ckpt-{epoch:02d}-{val_loss:.2f}.keras"``. It must end in ``.weights.h5``
            when ``save_weights_only`` and in ``.keras`` otherwise.
        monitor: the logged quantity ``save_best_only`` compares.
        verbose: 1 prints a message at each save.
        save_best_only: save only when ``monitor`` improves on the best value so far.
        save_weights_only: call ``model.save_weights`` instead of ``model.save``.
        mode: ``"min"``, ``"max"`` or ``"auto"`` (from the name of ``monitor``).
        save_freq: ``"epoch"``, or an integer: save every that many batches.
        initial_value_threshold: the best value to beat at the start.
    """

    @property
    def _chief_only(self) -> bool:
        """Several processes: process 0 alone runs this callback (callback_list.py), unless
        saving gathers split variables, which needs every process: then all run it and
        process 0 writes the file (saving/process_write.py)."""
        return not saving_gathers()

    def __init__(
        self,
        filepath,
        monitor="val_loss",
        verbose=0,
        save_best_only=False,
        save_weights_only=False,
        mode="auto",
        save_freq="epoch",
        initial_value_threshold=None,
    ):
        super().__init__()
        self.filepath = os.fspath(filepath)
        self.monitor = monitor
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self._check_arguments()
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"ModelCheckpoint mode '{mode}' is unknown, fallback to auto mode.")
            mode = "auto"
        if mode == "auto":
            # Decided from the name alone, as Keras does ("acc" → max, else min), with the
            # other higher-is-better names (auc, precision, recall…) also counted as max.
            mode = "max" if higher_is_better(None, monitor) else "min"
        self.mode = mode
        self._maximize = mode == "max"
        if initial_value_threshold is not None:
            self.best = float(initial_value_threshold)
        else:
            self.best = -float("inf") if self._maximize else float("inf")
        self._current_epoch = 0
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = 0

    def _check_arguments(self) -> None:
        if self.save_freq != "epoch" and not (
            isinstance(self.save_freq, int) and not isinstance(self.save_freq, bool)
        ):
            raise ValueError(
                f"Unrecognized save_freq: {self.save_freq!r}. Expected 'epoch' or a positive "
                "integer (a number of batches)."
            )
        if isinstance(self.save_freq, int) and self.save_freq <= 0:
            raise ValueError(f"save_freq must be positive; received save_freq={self.save_freq}.")
        if self.save_weights_only:
            if not self.filepath.endswith(".weights.h5"):
                raise ValueError(
                    "When using `save_weights_only=True` in `ModelCheckpoint`, the filepath "
                    "provided must end in `.weights.h5` (Keras weights format). "
                    f"Received: filepath={self.filepath}"
                )
        elif not self.filepath.endswith(".keras"):
            raise ValueError(
                "The filepath provided must end in `.keras` (Keras model format). "
                f"Received: filepath={self.filepath}"
            )

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self._should_save_on_batch(batch):
            self._save_model(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._save_model(epoch, None, logs)

    def _should_save_on_batch(self, batch) -> bool:
        if self.save_freq == "epoch":
            return False
        if batch <= self._last_batch_seen:  # a new epoch started
            added = batch + 1
        else:
            added = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += added
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def _save_model(self, epoch, batch, logs) -> None:
        logs = logs or {}
        filepath = self._get_file_path(epoch, batch, logs)
        directory = os.path.dirname(filepath)
        if directory:
            os.makedirs(directory, exist_ok=True)
        if os.path.isdir(filepath):
            raise OSError(
                "Please specify a non-directory filepath for ModelCheckpoint. Filepath used "
                f"is an existing directory: {filepath}"
            )
        if not self.save_best_only:
            if self._announces():
                print(f"\nEpoch {epoch + 1}: saving model to {filepath}", flush=True)
            self._write(filepath)
            return
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"Can save best model only with {self.monitor} available, skipping.")
            return
        if not is_scalar(current):
            warnings.warn(
                "Can save best model only when `monitor` is a scalar value. Received: "
                f"{current}. Falling back to `save_best_only=False`."
            )
            self._write(filepath)
            return
        current = to_float(current)
        improved = current > self.best if self._maximize else current < self.best
        if improved:
            if self._announces():
                print(
                    f"\nEpoch {epoch + 1}: {self.monitor} improved from {self.best:.5f} to "
                    f"{current:.5f}, saving model to {filepath}",
                    flush=True,
                )
            self.best = current
            self._write(filepath)
        elif self._announces():
            print(
                f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {self.best:.5f}",
                flush=True,
            )

    def _announces(self) -> bool:
        return self.verbose > 0 and process_rank.is_chief()

    def _write(self, filepath) -> None:
        alone = process_rank.chief_alone() if self._chief_only else contextlib.nullcontext()
        with alone:  # alone: the other processes do not run this callback
            if self.save_weights_only:
                self.model.save_weights(filepath, overwrite=True)
            else:
                self.model.save(filepath, overwrite=True)

    def _get_file_path(self, epoch, batch, logs) -> str:
        if "{" not in self.filepath:
            return self.filepath
        values = {name: to_host(value) for name, value in logs.items()}
        try:
            if batch is None or "batch" in values:
                return self.filepath.format(epoch=epoch + 1, **values)
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **values)
        except KeyError as error:
            raise KeyError(
                f'Failed to format this callback filepath: "{self.filepath}". Reason: {error}'
            ) from error


def saving_gathers() -> bool:
    """Whether saving gathers variables split among the processes (torch's ModelParallel),
    which needs every process: the callbacks that save then run in all of them."""
    engine = getattr(backend.engine, "distribution", None)
    gathers = getattr(engine, "gathers_to_save", None)
    return gathers is not None and gathers()


__all__ = ["ModelCheckpoint"]
