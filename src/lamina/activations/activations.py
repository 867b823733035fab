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
    positive = ops.where(ops.greater(x, threshold), x, ops.zeros_like(x))
    if max_value is not None:
        positive = ops.clip(positive, 0.0, max_value)
    if negative_slope == 0.0:
        return positive
    return positive - negative_slope * ops.relu(threshold - x)


def relu6(x):
    return ops.relu6(x)


def sigmoid(x):
    return ops.sigmoid(x)


def tanh(x):
    return ops.tanh(x)


def softmax(x, axis=-1):
    return ops.softmax(x, axis=axis)


def log_softmax(x, axis=-1):
    return ops.log_softmax(x, axis=axis)


def softplus(x):
    return ops.softplus(x)


def softsign(x):
    return ops.softsign(x)


def silu(x):
    return ops.silu(x)


def swish(x):
    return ops.silu(x)


def gelu(x, approximate=False):
    """Gaussian error linear unit; exact (erf) by default, as Keras's activation."""
    return ops.gelu(x, approximate=approximate)


def elu(x, alpha=1.0):
    return ops.elu(x, alpha=alpha)


def selu(x):
    return ops.selu(x)


def leaky_relu(x, negative_slope=0.2):
    return ops.leaky_relu(x, negative_slope=negative_slope)


def hard_sigmoid(x):
    return ops.hard_sigmoid(x)


def hard_silu(x):
    return ops.hard_silu(x)


def exponential(x):
    return ops.exp(x)


def mish(x):
    return x * ops.tanh(ops.softplus(x))


def linear(x):
    return x


def celu(x, alpha=1.0):
    return ops.celu(x, alpha=alpha)


def glu(x, axis=-1):
    return ops.glu(x, axis=axis)


def hard_shrink(x, threshold=0.5):
    return ops.hard_shrink(x, threshold=threshold)


def hard_tanh(x):
    return ops.hard_tanh(x)


def log_sigmoid(x):
    return ops.log_sigmoid(x)


def soft_shrink(x, threshold=0.5):
    return ops.soft_shrink(x, threshold=threshold)


def sparse_plus(x):
    return ops.sparse_plus(x)


def sparse_sigmoid(x):
    return ops.sparse_sigmoid(x)


def sparsemax(x, axis=-1):
    return ops.sparsemax(x, axis=axis)


def squareplus(x, b=4):
    return ops.squareplus(x, b=b)


def tanh_shrink(x):
    return ops.tanh_shrink(x)


def threshold(x, threshold, default_value):
    """x where x > threshold, else default_value (no defaults: Keras requires both)."""
    return ops.threshold(x, threshold, default_value)
