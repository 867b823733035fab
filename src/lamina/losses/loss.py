"""The ``Loss`` base class, its reductions, and the wrapper that turns a function into a loss."""

from __future__ import annotations

import math

from lamina import backend, ops
from lamina.backend.common import global_state
from lamina.backend.common.masking import get_keras_mask
from lamina.serialization import serialize_keras_object

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def standardize_reduction(reduction):
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"Invalid value for argument `reduction`: expected one of {REDUCTIONS}; "
            f"received reduction={reduction!r}."
        )
    return reduction


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Make ranks equal when they differ by one trailing size-1 axis, as Keras does."""
    rank1, rank2 = len(x1.shape), len(x2.shape)
    if rank1 == rank2 + 1 and x1.shape[-1] == 1:
        if rank2 == 1 and expand_rank_1:
            x2 = ops.expand_dims(x2, axis=-1)
        else:
            x1 = ops.squeeze(x1, axis=-1)
    elif rank2 == rank1 + 1 and x2.shape[-1] == 1:
        if rank1 == 1 and expand_rank_1:
            x1 = ops.expand_dims(x1, axis=-1)
        else:
            x2 = ops.squeeze(x2, axis=-1)
    return x1, x2


def check_broadcastable(name, y_true, y_pred):
    """Raise a ValueError naming ``name`` when the two shapes cannot broadcast together."""
    for dim_true, dim_pred in zip(reversed(y_true.shape), reversed(y_pred.shape)):
        if dim_true not in (1, dim_pred) and dim_pred != 1:
            raise ValueError(
                f"{name}: y_true and y_pred must have broadcastable shapes; received "
                f"y_true.shape={tuple(y_true.shape)}, y_pred.shape={tuple(y_pred.shape)}."
            )


def align_sample_weight(sample_weight, values):
    """Give ``sample_weight`` the rank of ``values`` by adding trailing axes (per-sample weights
    broadcast over the remaining axes), after Keras's squeeze/expand of a size-1 last axis."""
    received_shape = tuple(sample_weight.shape)
    values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
    rank_missing = len(values.shape) - len(sample_weight.shape)
    if rank_missing > 0:
        sample_weight = ops.reshape(sample_weight, (*sample_weight.shape, *(1,) * rank_missing))
    for dim_weight, dim_value in zip(sample_weight.shape, values.shape):
        if dim_weight not in (1, dim_value) and dim_value != 1:
            raise ValueError(
                "sample_weight cannot be broadcast to the per-sample values: received "
                f"sample_weight.shape={received_shape} for values of shape "
                f"{tuple(values.shape)}."
            )
    return values, sample_weight


def reduce_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    if reduction in (None, "none") or tuple(values.shape) in ((), (0,)):
        return values
    if reduction == "sum" or not math.prod(values.shape):
        return ops.sum(values)
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        # Weights broadcast over the values count once per value they multiply.
        weights = ops.broadcast_to(sample_weight, values.shape)
        return ops.divide_no_nan(ops.sum(values), ops.sum(weights))
    # Keras's sum / number of values, as one op (one aten op instead of two in a torch step).
    return ops.mean(values)


def apply_mask(sample_weight, mask, dtype, reduction="sum_over_batch_size"):
    """``sample_weight`` with a mask folded in (None when both are None). With a mean
    reduction, valid entries are scaled so that the mean runs over them only, as Keras."""
    if mask is None:
        return sample_weight
    mask = ops.cast(mask, dtype)
    if reduction in ("mean", "sum_over_batch_size"):
        mask = mask * ops.divide_no_nan(math.prod(mask.shape), ops.sum(mask))
    if sample_weight is None:
        return mask
    sample_weight = ops.convert_to_tensor(sample_weight, dtype=dtype)
    mask, sample_weight = align_sample_weight(sample_weight, mask)
    return ops.multiply(sample_weight, mask)


def combine_masks(*masks):
    """The logical AND of the given masks that are not None (None if all are)."""
    found = [mask for mask in masks if mask is not None]
    if not found:
        return None
    combined = found[0]
    for mask in found[1:]:
        combined = ops.logical_and(combined, mask)
    return combined


def reduce_weighted_values(
    values, sample_weight=None, mask=None, reduction="sum_over_batch_size", dtype=None
):
    reduction = standardize_reduction(reduction)
    values = ops.convert_to_tensor(values, dtype=dtype)
    sample_weight = apply_mask(sample_weight, mask, values.dtype, reduction)
    if sample_weight is not None:
        sample_weight = ops.convert_to_tensor(sample_weight, dtype=values.dtype)
        values, sample_weight = align_sample_weight(sample_weight, values)
        values = ops.multiply(values, sample_weight)
    return reduce_values(values, sample_weight, reduction)


class Loss:
    """Base class of losses: ``call(y_true, y_pred)`` gives per-sample values, which
    ``__call__`` weights by ``sample_weight`` and reduces.

    Args:
        reduction: ``"sum_over_batch_size"`` (default) and ``"mean"`` divide the sum by the
            number of values, ``"sum"`` sums, ``"mean_with_sample_weight"`` divides the sum by
            the sum of the sample weights, ``"none"``/``None`` return the values unreduced.
        dtype: the dtype of the computation; defaults to ``backend.floatx()``.
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or global_state.unique_name(
            global_state.to_snake_case(type(self).__name__)
        )
        self.reduction = standardize_reduction(reduction)
        self._dtype = backend.standardize_dtype(dtype or backend.floatx())

    @property
    def dtype(self):
        """The dtype the loss computes in (``floatx()`` unless given)."""
        return self._dtype

    def __call__(self, y_true, y_pred, sample_weight=None):
        # A Keras mask carried by the predictions (Embedding(mask_zero=True) -> LSTM ->
        # Dense) drops the masked steps from the loss, as in Keras.
        prediction_mask = get_keras_mask(y_pred)
        y_pred = ops.convert_to_tensor(y_pred, dtype=self._dtype)
        y_true = ops.convert_to_tensor(y_true, dtype=self._dtype)
        losses = self.call(y_true, y_pred)
        mask = self.compute_mask(y_true, y_pred)
        if prediction_mask is not None:
            mask = combine_masks(prediction_mask, mask, get_keras_mask(losses))
        if sample_weight is None and mask is None:
            return reduce_values(losses, reduction=self.reduction)  # the hot path
        return reduce_weighted_values(
            losses, sample_weight, mask=mask, reduction=self.reduction, dtype=self._dtype
        )

    def call(self, y_true, y_pred):
        """The loss of each sample, unreduced: a subclass implements it with ``keras.ops``.
        Calling the loss (``loss(y_true, y_pred, sample_weight)``) applies the sample weights,
        the mask and the ``reduction``.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement call(y_true, y_pred).")

    def compute_mask(self, y_true, y_pred):
        """Which per-sample values count (None: all); masked ones leave the mean's divisor."""

    def get_config(self):
        """The constructor arguments, JSON-ready (``from_config`` rebuilds the loss)."""
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        """Creates a loss from ``get_config()``'s dictionary."""
        return cls(**config)


class LossFunctionWrapper(Loss):
    """A ``Loss`` made from a function ``fn(y_true, y_pred, **kwargs)`` of per-sample values."""

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        config = {**super().get_config(), **serialize_keras_object(self._fn_kwargs)}
        if type(self) is LossFunctionWrapper:  # named subclasses know their function
            config["fn"] = serialize_keras_object(self.fn)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if "fn" in config:
            from lamina.losses.lookup import get

            config["fn"] = get(config["fn"])
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r} fn={self.fn.__name__}>"
