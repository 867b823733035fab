"""TensorBoard: writes training logs as TensorBoard event files."""

from __future__ import annotations

import os
import time

import numpy as np

from lamina import backend
from lamina.callbacks._host import is_scalar, to_float
from lamina.callbacks.callback import Callback

_HISTOGRAM_BINS = 30  # as tf.summary.histogram's default


def _tensorboard_protos():
    """The event writer and protocol buffers of the optional ``tensorboard`` package."""
    try:
        from tensorboard.compat.proto import event_pb2, summary_pb2
        from tensorboard.summary.writer.event_file_writer import EventFileWriter
    except ImportError as error:
        raise ImportError(
            "The TensorBoard callback writes event files with the `tensorboard` package, "
            "which is not installed. Install it with `pip install tensorboard`."
        ) from error
    return EventFileWriter, event_pb2, summary_pb2


class TensorBoard(Callback):
    """Writes the logs of training for TensorBoard (``tensorboard --logdir=log_dir``).

    Event files go to ``log_dir/train`` and ``log_dir/validation``, with Keras's tags:
    ``epoch_<name>`` each epoch (the learning rate as ``epoch_learning_rate``, validation
    metrics in ``validation``), ``batch_<name>`` every ``update_freq`` batches,
    ``evaluation_<name>_vs_iterations`` after each evaluation, and
    ``<weight path>/histogram`` every ``histogram_freq`` epochs. Needs the ``tensorboard``
    package (``pip install tensorboard``), not TensorFlow.

    Args:
        log_dir: the folder of the event files; no other callback may use it.
        histogram_freq: write a histogram of each weight every that many epochs (0: none).
        write_graph: accepted for compatibility; no graph is written (Lamina has no
            TensorFlow graph to show).
        write_images: not supported; must be False.
        write_steps_per_second: also log training steps per second.
        update_freq: ``"epoch"``, ``"batch"`` (every batch) or an integer: also write the
            logs every that many batches.
        profile_batch: must be 0: Lamina's TensorBoard callback has no profiler.
        embeddings_freq: not supported; must be 0.
        embeddings_metadata: not supported; must be None.

    Example:

    ```python
    model.fit(x, y, epochs=2, callbacks=[lamina.callbacks.TensorBoard(log_dir="./logs")])
    ```
    """

    _chief_only = True  # several processes: process 0 writes the events (callback_list.py)

    def __init__(
        self,
        log_dir="logs",
        histogram_freq=0,
        write_graph=True,
        write_images=False,
        write_steps_per_second=False,
        update_freq="epoch",
        profile_batch=0,
        embeddings_freq=0,
        embeddings_metadata=None,
    ):
        super().__init__()
        _tensorboard_protos()  # a missing package is reported here, not after an epoch
        _check_arguments(
            histogram_freq, update_freq, profile_batch, write_images, embeddings_freq,
            embeddings_metadata,
        )  # fmt: skip
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph  # documented as a no-op
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self.profile_batch = profile_batch
        self.embeddings_freq = embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        self._writers: dict = {}
        self._global_train_batch = 0
        self._batch_start_time = 0.0
        self._epoch_start_time = 0.0
        self._epoch_start_iterations = 0.0
        if self.update_freq != "epoch" or write_steps_per_second:
            # Bound only when used: the loop calls batch hooks nobody implements not at all.
            self.on_train_batch_begin = self._on_train_batch_begin
            self.on_train_batch_end = self._on_train_batch_end

    # ---- writers -------------------------------------------------------------------------

    def _writer(self, name: str):
        if name not in self._writers:
            event_file_writer = _tensorboard_protos()[0]
            self._writers[name] = event_file_writer(os.path.join(self.log_dir, name))
        return self._writers[name]

    def _write(self, writer_name: str, values: list, step: int) -> None:
        _, event_pb2, summary_pb2 = _tensorboard_protos()
        summary = summary_pb2.Summary(value=values)
        event = event_pb2.Event(wall_time=time.time(), step=int(step), summary=summary)
        self._writer(writer_name).add_event(event)

    def _scalars(self, logs: dict) -> list:
        summary_pb2 = _tensorboard_protos()[2]
        values = []
        for tag, value in logs.items():
            if value is None or isinstance(value, str) or not is_scalar(value):
                continue  # as tf.summary.scalar, only scalars are logged
            values.append(summary_pb2.Summary.Value(tag=tag, simple_value=to_float(value)))
        return values

    def _close_writers(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    def set_model(self, model) -> None:
        super().set_model(model)
        self._close_writers()  # a new run writes new event files, as Keras

    # ---- hooks ---------------------------------------------------------------------------

    def on_train_begin(self, logs=None):
        self._global_train_batch = 0

    def on_train_end(self, logs=None):
        self._close_writers()

    def _on_train_batch_begin(self, batch, logs=None):
        if self.write_steps_per_second:
            self._batch_start_time = time.time()

    def _on_train_batch_end(self, batch, logs=None):
        self._global_train_batch += 1
        step = self._global_train_batch
        scalars = {}
        if self.write_steps_per_second:
            elapsed = time.time() - self._batch_start_time
            scalars["batch_steps_per_second"] = 1.0 / max(elapsed, 1e-12)
        if self.update_freq != "epoch" and step % self.update_freq == 0:
            # Read back only at the batches logged: each read waits for the device.
            scalars.update((f"batch_{name}", value) for name, value in (logs or {}).items())
        if scalars:
            self._write("train", self._scalars(scalars), step)

    def on_epoch_begin(self, epoch, logs=None):
        if self.write_steps_per_second:
            self._epoch_start_iterations = self._iterations()
            self._epoch_start_time = time.time()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        train_logs = {key: value for key, value in logs.items() if not key.startswith("val_")}
        val_logs = {key[4:]: value for key, value in logs.items() if key.startswith("val_")}
        train_logs.update(self._learning_rates())
        if self.write_steps_per_second:
            elapsed = max(time.time() - self._epoch_start_time, 1e-12)
            train_logs["steps_per_second"] = (
                self._iterations() - self._epoch_start_iterations
            ) / elapsed
        if train_logs:
            scalars = {f"epoch_{name}": value for name, value in train_logs.items()}
            self._write("train", self._scalars(scalars), epoch)
        if val_logs:
            scalars = {f"epoch_{name}": value for name, value in val_logs.items()}
            self._write("validation", self._scalars(scalars), epoch)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)
        for writer in self._writers.values():
            writer.flush()

    def on_test_end(self, logs=None):
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None or not hasattr(optimizer, "iterations") or not logs:
            return
        scalars = {f"evaluation_{name}_vs_iterations": value for name, value in logs.items()}
        self._write("validation", self._scalars(scalars), self._iterations())

    # ---- values --------------------------------------------------------------------------

    def _iterations(self) -> int:
        return int(to_float(self.model.optimizer.iterations))

    def _learning_rates(self) -> dict:
        optimizer = getattr(self.model, "optimizer", None)
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)  # a LossScaleOptimizer
        if optimizer is None:
            return {}
        inner = getattr(optimizer, "optimizers", None)
        if inner is not None:  # one rate per optimizer, as Keras names them
            return {f"learning_rate_{opt.name}": to_float(opt.learning_rate) for opt in inner}
        if hasattr(optimizer, "learning_rate"):
            return {"learning_rate": to_float(optimizer.learning_rate)}
        return {}

    def _log_weights(self, epoch: int) -> None:
        values = []
        for layer in self.model.layers:
            for weight in layer.weights:
                tag = f"{weight.path.replace(':', '_')}/histogram"
                values.append(_histogram_value(tag, backend.convert_to_numpy(weight)))
        if values:
            self._write("train", values, epoch)


def _histogram_value(tag: str, array: np.ndarray):
    """A TensorBoard histogram of ``array``: 30 equal buckets from its min to its max."""
    summary_pb2 = _tensorboard_protos()[2]
    values = np.asarray(array, dtype=np.float64).ravel()
    values = values[np.isfinite(values)]
    if values.size == 0:
        proto = summary_pb2.HistogramProto()
    else:
        counts, edges = np.histogram(values, bins=_HISTOGRAM_BINS)
        proto = summary_pb2.HistogramProto(
            min=float(values.min()),
            max=float(values.max()),
            num=float(values.size),
            sum=float(values.sum()),
            sum_squares=float(np.dot(values, values)),
            bucket_limit=edges[1:].tolist(),  # each bucket's right edge
            bucket=counts.astype(np.float64).tolist(),
        )
    return summary_pb2.Summary.Value(tag=tag, histo=proto)


def _check_arguments(
    histogram_freq, update_freq, profile_batch, write_images, embeddings_freq, embeddings_metadata
) -> None:
    if (
        isinstance(histogram_freq, bool)
        or not isinstance(histogram_freq, int)
        or histogram_freq < 0
    ):
        raise ValueError(
            f"histogram_freq must be a non-negative integer; received {histogram_freq!r}."
        )
    if update_freq not in ("epoch", "batch") and (
        isinstance(update_freq, bool) or not isinstance(update_freq, int) or update_freq <= 0
    ):
        raise ValueError(
            "update_freq must be 'epoch', 'batch' or a positive integer (a number of "
            f"batches); received {update_freq!r}."
        )
    if profile_batch:
        raise ValueError(
            "Profiling is not available in Lamina's TensorBoard callback: profile_batch "
            f"must be 0. Received: profile_batch={profile_batch!r}"
        )
    if write_images:
        raise NotImplementedError(
            "The TensorBoard callback does not write weight images: pass write_images=False."
        )
    if embeddings_freq or embeddings_metadata is not None:
        raise NotImplementedError(
            "The TensorBoard callback does not write embedding projections: pass "
            f"embeddings_freq=0 and embeddings_metadata=None. Received: "
            f"embeddings_freq={embeddings_freq!r}, embeddings_metadata={embeddings_metadata!r}"
        )


__all__ = ["TensorBoard"]
