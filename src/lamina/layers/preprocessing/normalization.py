"""Normalization: ``(inputs - mean) / sqrt(variance)``, with mean and variance given or adapted."""

from __future__ import annotations

import numpy as np

from lamina import backend, ops
from lamina.layers.layer import Layer
from lamina.layers.preprocessing.adapt_data import iterate_batches


def _standardize_axis(axis) -> tuple:
    if axis is None:
        return ()
    if isinstance(axis, int) and not isinstance(axis, bool):
        return (axis,)
    if isinstance(axis, (list, tuple)) and all(
        isinstance(a, int) and not isinstance(a, bool) for a in axis
    ):
        return tuple(axis)
    raise TypeError(f"`axis` must be an int, a tuple of ints or None; received axis={axis!r}.")


class Normalization(Layer):
    """Shifts and scales inputs to zero mean and unit variance per index of ``axis``.

    Either pass ``mean`` and ``variance`` (broadcast to the kept axes), or call
    ``adapt(data)`` to compute them; adapted values are non-trainable weights (``mean``,
    ``variance``, ``count``) saved with the model. ``axis=None`` uses one scalar mean and
    variance; ``invert=True`` maps normalized values back (``mean + x * sqrt(variance)``).

    >>> layer = Normalization(axis=None)
    >>> layer.adapt(np.array([1.0, 2.0, 3.0, 4.0, 5.0]))
    >>> layer(np.array([1.0, 3.0]))  # [-1.4142, 0.0]
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        self.axis = _standardize_axis(axis)
        if (mean is None) != (variance is None):
            raise ValueError(
                "When setting values directly, both `mean` and `variance` must be set. "
                f"Received: mean={mean} and variance={variance}"
            )
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(
                    "`mean` and `variance` must have the same shape. Received: mean shape "
                    f"{np.shape(mean)} and variance shape {np.shape(variance)}"
                )
            if np.ndim(mean) > len(self.axis):
                raise ValueError(
                    f"The rank of `mean` must be at most the number of axes ({len(self.axis)}). "
                    f"Received: mean shape {np.shape(mean)} for axis={self.axis}"
                )
        self.input_mean = mean
        self.input_variance = variance
        self.invert = bool(invert)
        self.supports_masking = True
        self._build_input_shape = None
        self._fixed_mean = None
        self._fixed_variance = None

    def build(self, input_shape) -> None:
        if input_shape is None:
            return
        input_shape = tuple(input_shape)
        ndim = len(input_shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(
                "All `axis` values must be in the range [-ndim, ndim). Received inputs with "
                f"ndim={ndim}, while axis={self.axis}"
            )
        self._build_input_shape = input_shape
        self._keep_axis = tuple(sorted(a % ndim for a in self.axis))
        for a in self._keep_axis:
            if input_shape[a] is None:
                raise ValueError(
                    f"All `axis` values to be kept must have a known size. Received axis="
                    f"{self.axis}, inputs.shape={input_shape}, with unknown axis at index {a}"
                )
        self._reduce_axis = tuple(a for a in range(ndim) if a not in self._keep_axis)
        self._broadcast_shape = tuple(
            input_shape[a] if a in self._keep_axis else 1 for a in range(ndim)
        )
        self._mean_and_var_shape = tuple(input_shape[a] for a in self._keep_axis)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(
                name="mean", shape=self._mean_and_var_shape, initializer="zeros", trainable=False
            )
            self.adapt_variance = self.add_weight(
                name="variance",
                shape=self._mean_and_var_shape,
                initializer="ones",
                trainable=False,
            )
            # Keras keeps this weight for older files; adapt() records the sample count in it.
            self.count = self.add_weight(
                name="count", shape=(), dtype="int", initializer="zeros", trainable=False
            )
        else:
            self._fixed_mean = self._broadcast_given(self.input_mean, ndim)
            self._fixed_variance = self._broadcast_given(self.input_variance, ndim)

    def _broadcast_given(self, value, ndim):
        """A given mean or variance, its axes aligned right-to-left with the kept axes."""
        value = np.asarray(value, dtype=np.float64)
        expanded = [1] * ndim
        for i in range(1, value.ndim + 1):
            expanded[self._keep_axis[-i]] = value.shape[-i]
        try:
            value = np.broadcast_to(value.reshape(expanded), self._broadcast_shape)
        except ValueError as error:
            raise ValueError(
                f"Normalization {self.name!r}: the given mean/variance of shape {value.shape} "
                f"cannot be broadcast to the kept axes' shape {self._mean_and_var_shape}."
            ) from error
        return ops.convert_to_tensor(np.array(value), dtype=self.compute_dtype)

    @property
    def mean(self):
        """The mean broadcast against the inputs, in the compute dtype (None before build)."""
        if self._fixed_mean is not None or not self.built or self.input_mean is not None:
            return self._fixed_mean
        return ops.cast(ops.reshape(self.adapt_mean, self._broadcast_shape), self.compute_dtype)

    @property
    def variance(self):
        if self._fixed_variance is not None or not self.built or self.input_mean is not None:
            return self._fixed_variance
        return ops.cast(ops.reshape(self.adapt_variance, self._broadcast_shape), self.compute_dtype)

    def adapt(self, data, batch_size=None, steps=None) -> None:
        """Computes the mean and variance of ``data`` (an array, tensor, PyDataset,
        tf.data.Dataset or an iterable of batches) over the axes not in ``axis``."""
        if self.input_mean is not None:
            raise ValueError(
                f"Normalization {self.name!r} was given `mean` and `variance`; it cannot adapt."
            )
        total_count, total_mean, total_m2 = 0, None, None
        for batch in iterate_batches(data, batch_size, steps, layer_name="Normalization.adapt"):
            batch = self._checked_batch(batch)
            count = int(np.prod([batch.shape[a] for a in self._reduce_axis], dtype=np.int64))
            if count == 0:
                continue
            mean = np.mean(batch, axis=self._reduce_axis)
            m2 = np.var(batch, axis=self._reduce_axis) * count
            if total_mean is None:
                total_count, total_mean, total_m2 = count, mean, m2
                continue
            # Chan et al.'s pairwise update: exact in float64, batch by batch.
            delta = mean - total_mean
            merged = total_count + count
            total_mean = total_mean + delta * (count / merged)
            total_m2 = total_m2 + m2 + delta**2 * (total_count * count / merged)
            total_count = merged
        if total_mean is None:
            raise ValueError(f"Normalization {self.name!r}: adapt() received no samples.")
        variance = np.asarray(total_m2) / total_count
        self.adapt_mean.assign(np.asarray(total_mean, dtype=self.variable_dtype))
        self.adapt_variance.assign(variance.astype(self.variable_dtype))
        self.count.assign(np.asarray(total_count, dtype="int64"))

    def _checked_batch(self, batch):
        if batch.dtype.kind not in "biuf":
            raise TypeError(
                f"Normalization {self.name!r}: adapt() needs numeric data; received a batch of "
                f"dtype {batch.dtype}."
            )
        if not self.built:
            self.build(batch.shape)
        elif batch.ndim != len(self._build_input_shape) or any(
            batch.shape[a] != self._build_input_shape[a] for a in self._keep_axis
        ):
            raise ValueError(
                f"Normalization {self.name!r} was built with input_shape="
                f"{self._build_input_shape}, but adapt() received data of incompatible shape "
                f"{batch.shape}."
            )
        return batch.astype(np.float64)

    def finalize_state(self) -> None:
        """Kept for Keras's API: the broadcast mean and variance are read from the weights on
        each call, so there is nothing to recompute after ``adapt`` or loading."""

    def call(self, inputs):
        if self.mean is None:
            raise ValueError(
                f"Normalization {self.name!r} has no mean and variance yet: call "
                "`build(input_shape)` or `adapt(data)` before using it."
            )
        inputs = ops.cast(inputs, self.compute_dtype)
        scale = ops.maximum(ops.sqrt(self.variance), backend.epsilon())
        if self.invert:
            return ops.add(self.mean, ops.multiply(inputs, scale))
        return ops.divide(ops.subtract(inputs, self.mean), scale)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "axis": self.axis,
            "invert": self.invert,
            "mean": np.array(self.input_mean).tolist(),
            "variance": np.array(self.input_variance).tolist(),
        }

    def get_build_config(self):
        if self._build_input_shape:
            return {"input_shape": self._build_input_shape}
        return None

    def build_from_config(self, config) -> None:
        if config and not self.built:
            self.build(config["input_shape"])
