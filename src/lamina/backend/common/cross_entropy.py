"""The cross-entropies, written once over an engine's NumPy-like functions.

Each engine passes its array namespace (``numpy``, ``jax.numpy``,
``tensorflow.experimental.numpy``) and the few pieces that differ: its conversions, its
``log_softmax``, and where needed how it promotes mixed float dtypes, picks one class per
row, or returns the result. The argument checks, the epsilon clipping, the sparse target's
squeeze and the stable from-logits formula live here. Torch keeps its own fused kernels
(``nll_loss``, ``binary_cross_entropy_with_logits``) on the training step's hot path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lamina.backend import config
from lamina.backend.common.argument_checks import check_same_shape, check_sparse_target_rank


def probability_bounds() -> tuple[float, float]:
    """``(epsilon, 1 - epsilon)``: as Keras, probabilities are clipped into this interval
    before a log in the cross-entropies, so that log(0) never happens."""
    epsilon = config.epsilon()
    return epsilon, 1.0 - epsilon


def _same_dtypes(target: Any, output: Any) -> tuple[Any, Any]:
    return target, output


def _as_computed(value: Any, output: Any) -> Any:
    return value


def engine_functions(
    *,
    module: str,
    xp: Any,
    to_float: Callable[[Any], Any],
    convert: Callable[[Any], Any],
    cast: Callable[[Any, str], Any],
    log_softmax: Callable[[Any, int], Any],
    common_float: Callable[[Any, Any], tuple[Any, Any]] = _same_dtypes,
    take_class: Callable[[Any, Any], Any] | None = None,
    to_result: Callable[[Any, Any], Any] = _as_computed,
) -> tuple[Callable, Callable, Callable]:
    """An engine's ``categorical_crossentropy``, ``sparse_categorical_crossentropy`` and
    ``binary_crossentropy`` (the contract's signatures), named as members of ``module`` (the
    engine module that binds them, so that documentation tools find them there).

    ``xp`` provides ``sum``, ``log``, ``log1p``, ``exp``, ``abs``, ``maximum``, ``clip``,
    ``moveaxis``, ``squeeze`` and ``take_along_axis`` with NumPy's meaning; ``to_float``
    converts to a float tensor (floatx for integers), ``convert`` to a tensor, ``cast(x,
    dtype_name)`` is the engine's. ``common_float(target, output)`` gives both one dtype
    where the engine's ops refuse mixed ones; ``take_class(log_prob, ids)`` picks, from
    ``log_prob`` (..., classes), the entry of each id in ``ids`` (...); ``to_result(value,
    output)`` is the value as the engine returns it, given the float ``output``.
    """

    def pick(log_prob, ids):
        return xp.take_along_axis(log_prob, ids[..., None], axis=-1)[..., 0]

    take = take_class or pick

    def log_probabilities(output, from_logits, axis):
        if from_logits:
            return log_softmax(output, axis)
        output = output / xp.sum(output, axis=axis, keepdims=True)  # rows sum to one
        return xp.log(xp.clip(output, *probability_bounds()))

    def categorical_crossentropy(target, output, from_logits=False, axis=-1):
        target, output = to_float(target), to_float(output)
        check_same_shape("categorical_crossentropy", target.shape, output.shape)
        target, output = common_float(target, output)
        log_prob = log_probabilities(output, from_logits, axis)
        return to_result(-xp.sum(target * log_prob, axis=axis), output)

    def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
        target, output = convert(target), to_float(output)
        if target.ndim == output.ndim and target.shape[-1] == 1:
            target = xp.squeeze(target, axis=-1)  # (..., 1) ids, as Keras accepts
        check_sparse_target_rank(target.shape, output.shape)
        log_prob = log_probabilities(output, from_logits, axis)
        if axis != -1:
            log_prob = xp.moveaxis(log_prob, axis, -1)
        return to_result(-take(log_prob, cast(target, "int32")), output)

    def binary_crossentropy(target, output, from_logits=False):
        target, output = to_float(target), to_float(output)
        check_same_shape("binary_crossentropy", target.shape, output.shape)
        target, output = common_float(target, output)
        if from_logits:
            # max(x, 0) - x * t + log(1 + exp(-|x|)): no overflow for large |x|.
            stable = xp.log1p(xp.exp(-xp.abs(output)))
            return to_result(xp.maximum(output, 0) - output * target + stable, output)
        output = xp.clip(output, *probability_bounds())
        entropy = target * xp.log(output) + (1.0 - target) * xp.log1p(-output)
        return to_result(-entropy, output)

    functions = categorical_crossentropy, sparse_categorical_crossentropy, binary_crossentropy
    for function in functions:
        function.__qualname__ = function.__name__
        function.__module__ = module
    return functions
