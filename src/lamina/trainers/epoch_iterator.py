"""EpochIterator: steps through one epoch of batches, honouring ``steps_per_epoch``."""

from __future__ import annotations

import functools
import itertools
import threading
import warnings

from lamina.backend import config
from lamina.backend.common import global_state
from lamina.trainers.data_adapters import get_data_adapter
from lamina.trainers.data_adapters.adapter import is_tf_dataset


class EpochIterator:
    def __init__(
        self,
        x,
        y=None,
        sample_weight=None,
        batch_size=None,
        steps_per_epoch=None,
        shuffle=False,
        class_weight=None,
        check_split=True,
    ):
        if steps_per_epoch is not None and steps_per_epoch <= 0:
            raise ValueError(
                f"steps_per_epoch must be a positive integer; received {steps_per_epoch}."
            )
        cap = config.max_steps_per_epoch()  # a debugging cap (keras.config), as Keras
        if cap and (not steps_per_epoch or cap < steps_per_epoch):
            warnings.warn(f"Limiting steps_per_epoch to {cap}", stacklevel=3)
            steps_per_epoch = cap
        self.steps_per_epoch = steps_per_epoch
        # The active lamina.distribution (read here without importing that upper floor).
        distribution = global_state.get_global_attribute("distribution")
        if distribution is not None and is_tf_dataset(x):
            x = distribution.distribute_dataset(x)  # this process's part, as Keras
        self.adapter = get_data_adapter(
            x,
            y,
            sample_weight=sample_weight,
            batch_size=batch_size,
            steps_per_epoch=steps_per_epoch,
            shuffle=shuffle,
            class_weight=class_weight,
        )
        self._iterator = None
        self._steps_seen = 0
        self._exhausted_warned = False
        for opened in getattr(_CALLS, "opened", ())[-1:]:
            opened.append(self)  # released when the trainer call that made it ends
        if distribution is not None and check_split:  # predict fills its last batch up
            _check_batches_split(distribution, self.adapter)

    @property
    def num_batches(self):
        if self.steps_per_epoch is not None:
            return self.steps_per_epoch
        return self.adapter.num_batches

    def __iter__(self):
        """Yield ``(step, batch)`` for one epoch.

        As Keras 3: without ``steps_per_epoch`` an epoch is one pass over the data. With it,
        the stream goes on across epochs (arrays and datasets restart after a full pass; a
        generator never restarts) and running out of data ends the epoch with a warning.
        """
        known = self.adapter.num_batches
        steps = self.steps_per_epoch or known
        if steps is None:  # a stream of unknown length, read to its end
            yield from enumerate(self.adapter.get_iterator())
            self.adapter.on_epoch_end()
            return
        if self.steps_per_epoch is None:
            yield from self._one_pass(known)
            return
        if self._iterator is None:
            self._iterator = iter(self.adapter.get_iterator())
            self._steps_seen = 0
        for step in range(steps):
            if known and self._steps_seen >= known:
                self._warn_exhausted()
                break
            try:
                batch = next(self._iterator)
            except StopIteration:
                self.close()
                self._warn_exhausted()
                break
            self._steps_seen += 1
            yield step, batch
        if known and self._steps_seen >= known:
            self.close()  # a full pass: the next epoch starts again
        self.adapter.on_epoch_end()

    def _one_pass(self, known):
        # The common case, without per-step bookkeeping: an epoch is the adapter's batches,
        # at most `known` of them.
        seen = 0
        batches = self.adapter.get_iterator()
        try:
            for seen, batch in enumerate(itertools.islice(batches, known), 1):
                yield seen - 1, batch
        finally:
            _close(batches)  # a PyDataset's workers stop here, before on_epoch_end
        if seen < known:
            self._warn_exhausted()
        self.adapter.on_epoch_end()

    def close(self):
        """Stop the stream that continues across epochs (with ``steps_per_epoch``): a
        PyDataset's worker threads or processes end here."""
        iterator, self._iterator = self._iterator, None
        _close(iterator)

    def release(self):
        """End this data source for good: the stream and the adapter (a PyDataset's worker
        processes, kept from epoch to epoch, stop here)."""
        try:
            self.close()
        finally:
            _close(self.adapter)

    def _warn_exhausted(self):
        if not self._exhausted_warned:
            warnings.warn(
                "Your input ran out of data; interrupting the epoch. Make sure that your "
                "dataset or generator can generate at least `steps_per_epoch * epochs` "
                f"batches (steps_per_epoch={self.steps_per_epoch}).",
                stacklevel=3,
            )
            self._exhausted_warned = True


def _check_batches_split(distribution, adapter) -> None:
    """A ValueError before training when an array batch (the last, smaller one included)
    cannot be split evenly over the distribution's data-parallel devices."""
    batch_size = getattr(adapter, "batch_size", None)
    num_samples = getattr(adapter, "num_samples", None)
    if batch_size is None or num_samples is None:
        return  # other sources are checked batch by batch as they arrive
    distribution.get_data_layout((min(batch_size, num_samples),))
    if num_samples > batch_size and num_samples % batch_size:
        try:
            distribution.get_data_layout((num_samples % batch_size,))
        except ValueError as error:
            raise ValueError(
                f"The last batch holds {num_samples % batch_size} of the {num_samples} "
                f"samples (batch_size={batch_size}). {error}"
            ) from None


def _close(iterator):
    close = getattr(iterator, "close", None)
    if close is not None:
        close()


_CALLS = threading.local()  # per thread: the EpochIterators of each trainer call under way


def releases_data(method):
    """Decorate a trainer entry point (``fit``, ``evaluate``, ``predict``): the
    EpochIterators made during the call are released when it returns or raises, so no
    worker process outlives it, whatever ended it."""

    @functools.wraps(method)
    def entry_point(*args, **kwargs):
        calls = getattr(_CALLS, "opened", None)
        if calls is None:
            calls = _CALLS.opened = []
        opened: list[EpochIterator] = []
        calls.append(opened)
        try:
            return method(*args, **kwargs)
        finally:
            calls.pop()
            for iterator in opened:
                iterator.release()

    return entry_point
