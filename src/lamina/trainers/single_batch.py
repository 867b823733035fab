"""One step on one batch outside ``fit``: ``train_on_batch``, ``test_on_batch`` and
``predict_on_batch``, as Keras's; the ``Trainer`` inherits them."""

from __future__ import annotations

from lamina import backend
from lamina.backend.common import tree
from lamina.backend.common.traceback_utils import filter_traceback
from lamina.trainers.logs import pythonify_logs

_engine_trainer = backend.engine.trainer


def _to_tensors(structure):
    return tree.map_structure(backend.convert_data, structure)  # text stays NumPy


class SingleBatchMethods:
    """The single-batch methods; they run the ``Trainer``'s step functions and metrics."""

    @filter_traceback
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """Runs one training step on one batch and returns its loss and metrics.

        The metrics are reset first, so the result is this batch's alone. Arguments as for
        ``fit``; returns a scalar, a list ordered as ``metrics_names`` or, with
        ``return_dict=True``, a dict.
        """
        self._assert_compiled("train_on_batch")
        _engine_trainer.check_can_train()
        if class_weight is not None:
            from lamina.trainers.data_adapters.array_adapter import (
                class_weight_to_sample_weight,
            )

            weights = class_weight_to_sample_weight(y, class_weight)
            sample_weight = weights if sample_weight is None else sample_weight * weights
        data = (_to_tensors(x), _to_tensors(y), _to_tensors(sample_weight))
        train_function = self.make_train_function()
        self.reset_metrics()  # as Keras: each call's logs are its own batch's
        logs = train_function(data)
        logs = pythonify_logs(logs)
        return logs if return_dict else self._flatten_metrics_in_order(logs)

    @filter_traceback
    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """Evaluates one batch: its loss and metrics (the metrics are reset first). Arguments and
        result as for ``train_on_batch``.
        """
        self._assert_compiled("test_on_batch")
        data = (_to_tensors(x), _to_tensors(y), _to_tensors(sample_weight))
        test_function = self.make_test_function()
        self.reset_metrics()  # as Keras: each call's logs are its own batch's
        logs = pythonify_logs(test_function(data))
        return logs if return_dict else self._flatten_metrics_in_order(logs)

    @filter_traceback
    def predict_on_batch(self, x):
        """Returns the model's outputs for one batch ``x``, as NumPy arrays."""
        outputs = self.make_predict_function()((_to_tensors(x),))
        return tree.map_structure(backend.convert_to_numpy, outputs)
