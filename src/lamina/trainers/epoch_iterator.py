"""EpochIterator: steps through one epoch of batches, honouring ``steps_per_epoch``."""

from __future__ import annotations

import warnings

from lamina.trainers.data_adapters import get_data_adapter
from lamina.trainers.data_adapters.array_adapter import ArrayDataAdapter


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
    ):
        if steps_per_epoch is not None and steps_per_epoch <= 0:
            raise ValueError(
                f"steps_per_epoch must be a positive integer; received {steps_per_epoch}."
            )
        self.steps_per_epoch = steps_per_epoch
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
        self._exhausted_warned = False

    @property
    def num_batches(self):
        if self.steps_per_epoch is not None:
            return self.steps_per_epoch
        return self.adapter.num_batches

    def __iter__(self):
        if self.steps_per_epoch is None or isinstance(self.adapter, ArrayDataAdapter):
            yield from enumerate(self.adapter.get_iterator())
            self.adapter.on_epoch_end()
            return
        # Generators and other streams continue across epochs: an epoch is N steps.
        if self._iterator is None:
            self._iterator = iter(self.adapter.get_iterator())
        for step in range(self.steps_per_epoch):
            try:
                batch = next(self._iterator)
            except StopIteration:
                self._iterator = None
                if not self._exhausted_warned:
                    warnings.warn(
                        "Your input ran out of data: the data source gave fewer than "
                        f"steps_per_epoch * epochs = {self.steps_per_epoch} * epochs batches.",
                        stacklevel=2,
                    )
                    self._exhausted_warned = True
                break
            yield step, batch
        self.adapter.on_epoch_end()
