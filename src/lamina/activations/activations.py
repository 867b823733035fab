"""The activation functions, each written once in ``lamina.ops``."""

from __future__ import annotations

from lamina import ops


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """max(x, 0), with optional leak below ``threshold`` and a ceiling of ``max_value``.

    As Keras 3: values above ``threshold`` pass (clipped to [0, max_value] when a ceiling is
    set), and ``negative_slope * (x - threshold)`` is added below the threshold.
    """
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return ops.relu(x)
    if threshold != 0.0:
        positive = ops.where(ops.greater(x, threshold), x, ops.zeros_like(x))
    elif max_value == 6:
        positive = ops.relu6(x)  # one native kernel for MobileNet's ReLU(6.0), as Keras
        max_value = None
    else:
        positive = ops.relu(x)
    if max_value is not None:
        positive = ops.clip(positive, 0.0, max_value)
    if negative_slope == 0.0:
        return positive
    return positive - negative_slope * ops.relu(threshold - x)


def relu6(x):
    """Rectified linear unit capped at 6: ``min(max(x, 0), 6)``."""
    return ops.relu6(x)


def sigmoid(x):
    """Logistic sigmoid, ``1 / (1 + exp(-x))``: values in (0, 1)."""
    return ops.sigmoid(x)


def tanh(x):
    """Hyperbolic tangent: values in (-1, 1)."""
    return ops.tanh(x)


def softmax(x, axis=-1):
    """Probabilities along ``axis``: ``exp(x) / sum(exp(x))``, summing to 1 (the usual
    last layer of a classifier).
    """
    return ops.softmax(x, axis=axis)


def log_softmax(x, axis=-1):
    """The logarithm of ``softmax`` along ``axis``, ``x - logsumexp(x)``, computed stably."""
    return ops.log_softmax(x, axis=axis)


def softplus(x):
    """A smooth ReLU: ``log(exp(x) + 1)``."""
    return ops.softplus(x)


def softsign(x):
    """``x / (abs(x) + 1)``: values in (-1, 1)."""
    return ops.softsign(x)


def silu(x):
    """Sigmoid linear unit (also called swish): ``x * sigmoid(x)``."""
    return ops.silu(x)


def swish(x):
    """``x * sigmoid(x)``: Keras's other name for ``silu``."""
    return ops.silu(x)


def gelu(x, approximate=False):
    """Gaussian error linear unit; exact (erf) by default, as Keras's activation."""
    return ops.gelu(x, approximate=approximate)


def elu(x, alpha=1.0):
    """Exponential linear unit: ``x`` for ``x > 0``, else ``alpha * (exp(x) - 1)``."""
    return ops.elu(x, alpha=alpha)


def selu(x):
    """Scaled ELU, ``scale * elu(x, alpha)`` with the self-normalizing constants
    (alpha ~ 1.6733, scale ~ 1.0507); pair it with ``lecun_normal`` initialization.
    """
    return ops.selu(x)


def leaky_relu(x, negative_slope=0.2):
    """``x`` for ``x > 0``, else ``negative_slope * x``."""
    return ops.leaky_relu(x, negative_slope=negative_slope)


def hard_sigmoid(x):
    """A piecewise-linear sigmoid: ``relu6(x + 3) / 6``, 0 below -3 and 1 above 3."""
    return ops.hard_sigmoid(x)


def hard_silu(x):
    """``x * hard_sigmoid(x)`` (also exported as ``hard_swish``)."""
    return ops.hard_silu(x)


def exponential(x):
    """``exp(x)``."""
    return ops.exp(x)


def mish(x):
    """``x * tanh(softplus(x))``."""
    return x * ops.tanh(ops.softplus(x))


def linear(x):
    """The identity: returns ``x`` unchanged (what ``activation=None`` means)."""
    return x


def celu(x, alpha=1.0):
    """Continuously differentiable ELU: ``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``."""
    return ops.celu(x, alpha=alpha)


def glu(x, axis=-1):
    """Gated linear unit: splits ``x`` in two halves ``a, b`` along ``axis`` and returns
    ``a * sigmoid(b)`` (that axis must have an even size).
    """
    return ops.glu(x, axis=axis)


def hard_shrink(x, threshold=0.5):
    """``x`` where ``abs(x) > threshold``, else 0."""
    return ops.hard_shrink(x, threshold=threshold)


def hard_tanh(x):
    """``clip(x, -1, 1)``."""
    return ops.hard_tanh(x)


def log_sigmoid(x):
    """``log(sigmoid(x))``, computed stably as ``-softplus(-x)``."""
    return ops.log_sigmoid(x)


def soft_shrink(x, threshold=0.5):
    """Moves ``x`` towards 0 by ``threshold``: ``x - threshold`` above it,
    ``x + threshold`` below ``-threshold``, else 0.
    """
    return ops.soft_shrink(x, threshold=threshold)


def sparse_plus(x):
    """A smooth, sparse ReLU: 0 for ``x <= -1``, ``(x + 1) ** 2 / 4`` between -1 and 1,
    ``x`` for ``x >= 1``.
    """
    return ops.sparse_plus(x)


def sparse_sigmoid(x):
    """A piecewise-linear sigmoid: 0 for ``x <= -1``, ``(x + 1) / 2`` between -1 and 1,
    1 for ``x >= 1``.
    """
    return ops.sparse_sigmoid(x)


def sparsemax(x, axis=-1):
    """Like ``softmax``, probabilities along ``axis``, but a Euclidean projection onto
    the simplex: small entries become exactly 0.
    """
    return ops.sparsemax(x, axis=axis)


def squareplus(x, b=4):
    """A smooth ReLU: ``(x + sqrt(x ** 2 + b)) / 2``."""
    return ops.squareplus(x, b=b)


def tanh_shrink(x):
    """``x - tanh(x)``."""
    return ops.tanh_shrink(x)


def threshold(x, threshold, default_value):
    """x where x > threshold, else default_value (no defaults: Keras requires both)."""
    return ops.threshold(x, threshold, default_value)
