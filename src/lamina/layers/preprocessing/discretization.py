"""Discretization: the index of the bin each value falls in, from given or adapted boundaries."""

from __future__ import annotations

import numpy as np

from lamina import backend, ops
from lamina.backend import KerasTensor
from lamina.layers.layer import Layer
from lamina.layers.preprocessing.adapt_data import iterate_batches
from lamina.layers.preprocessing.encode_categorical import (
    check_not_sparse,
    check_output_mode,
    encode_categorical_inputs,
    encoded_shape,
)
from lamina.layers.preprocessing.quantile_summary import (
    bin_boundaries_from_summary,
    empty_summary,
    merge_summaries,
    summarize,
)


class Discretization(Layer):
    """Buckets continuous values by ranges: ``bin_boundaries=[0., 1., 2.]`` gives the bins
    ``(-inf, 0)``, ``[0, 1)``, ``[1, 2)`` and ``[2, inf)``, numbered 0 to 3.

    Pass ``bin_boundaries``, or ``num_bins`` and call ``adapt(data)`` to place boundaries at
    approximate quantiles (within ``epsilon``, Keras's algorithm, so bins equal Keras's).
    ``output_mode`` is ``"int"`` (int32 indices) or ``"one_hot"``/``"multi_hot"``/``"count"``
    (in the layer's dtype).

    >>> Discretization(bin_boundaries=[0.0, 1.0, 2.0])(np.array([[-1.5, 1.0, 3.4, 0.5]]))
    [[0, 2, 3, 1]]
    """

    def __init__(
        self,
        bin_boundaries=None,
        num_bins=None,
        epsilon=0.01,
        output_mode="int",
        sparse=False,
        dtype=None,
        name=None,
    ):
        check_output_mode("Discretization", output_mode)
        check_not_sparse("Discretization", sparse)
        if num_bins is not None and (
            not isinstance(num_bins, (int, np.integer)) or isinstance(num_bins, bool)
        ):
            raise TypeError(f"`num_bins` must be an integer; received num_bins={num_bins!r}.")
        if num_bins is not None and num_bins < 0:
            raise ValueError(
                f"`num_bins` must be greater than or equal to 0. Received: num_bins={num_bins}"
            )
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError(
                "Both `num_bins` and `bin_boundaries` should not be set. Received: "
                f"num_bins={num_bins} and bin_boundaries={bin_boundaries}"
            )
        if num_bins is None and bin_boundaries is None:
            raise ValueError("You need to set either `num_bins` or `bin_boundaries`.")
        if not isinstance(epsilon, (int, float)) or not 0 < epsilon < 1:
            raise ValueError(f"`epsilon` must be a float in (0, 1); received epsilon={epsilon!r}.")
        super().__init__(name=name, dtype=dtype)
        self.bin_boundaries = None if bin_boundaries is None else list(bin_boundaries)
        self.num_bins = num_bins
        self.epsilon = epsilon
        self.output_mode = output_mode
        self.sparse = sparse
        self.summary = None if self.bin_boundaries else empty_summary()

    @property
    def input_dtype(self) -> str:
        return backend.floatx()

    @property
    def output_dtype(self) -> str:
        return "int32" if self.output_mode == "int" else self.compute_dtype

    def adapt(self, data, batch_size=None, steps=None) -> None:
        """Estimates ``num_bins`` quantile boundaries of ``data`` (an array, tensor,
        PyDataset, tf.data.Dataset or iterable of batches; at most ``steps`` batches)."""
        if self.num_bins is None:
            raise ValueError(
                "Cannot adapt a Discretization layer that has been initialized with "
                "`bin_boundaries`; use `num_bins` instead."
            )
        summary = empty_summary()
        for batch in iterate_batches(data, batch_size, steps, "Discretization.adapt"):
            if batch.dtype.kind not in "biuf":
                raise TypeError(
                    f"Discretization {self.name!r}: adapt() needs numeric data; received a "
                    f"batch of dtype {batch.dtype}."
                )
            summary = merge_summaries(summarize(batch, self.epsilon), summary, self.epsilon)
        self.summary = summary
        self.finalize_state()

    def update_state(self, data) -> None:
        self.summary = merge_summaries(
            summarize(np.asarray(data), self.epsilon), self.summary, self.epsilon
        )

    def finalize_state(self) -> None:
        if self.num_bins is not None:
            self.bin_boundaries = bin_boundaries_from_summary(self.summary, self.num_bins).tolist()

    def reset_state(self) -> None:
        if self.num_bins is not None:
            self.summary = empty_summary()

    def load_own_variables(self, store) -> None:
        if len(store.keys()) == 1:  # a summary saved by an older Keras
            self.summary = np.asarray(store["0"])

    def call(self, inputs):
        if self.bin_boundaries is None:
            raise ValueError(
                "You need to either pass the `bin_boundaries` argument at construction time or "
                "call `adapt(dataset)` before you can start using the `Discretization` layer."
            )
        indices = ops.digitize(inputs, self.bin_boundaries)
        return encode_categorical_inputs(
            indices, self.output_mode, len(self.bin_boundaries) + 1, self.output_dtype
        )

    def _depth(self) -> int:
        if self.bin_boundaries is not None:
            return len(self.bin_boundaries) + 1
        return self.num_bins

    def compute_output_shape(self, input_shape):
        return encoded_shape(input_shape, self.output_mode, self._depth())

    def compute_output_spec(self, inputs, **kwargs):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=self.output_dtype)

    def get_config(self) -> dict:
        return {
            "bin_boundaries": self.bin_boundaries,
            "num_bins": self.num_bins,
            "epsilon": self.epsilon,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "name": self.name,
            "dtype": self.dtype,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if config.get("bin_boundaries") is not None and config.get("num_bins") is not None:
            bin_boundaries = config.pop("bin_boundaries")  # an adapted layer
            layer = super().from_config(config)
            layer.bin_boundaries = list(bin_boundaries)
            return layer
        return super().from_config(config)
