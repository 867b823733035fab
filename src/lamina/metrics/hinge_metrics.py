"""Running means of the hinge losses, as metrics: ``Hinge``, ``SquaredHinge``,
``CategoricalHinge``."""

from __future__ import annotations

from lamina.losses.hinge_losses import categorical_hinge, hinge, squared_hinge
from lamina.metrics.reduction_metrics import MeanMetricWrapper


class Hinge(MeanMetricWrapper):
    """The mean of ``max(1 - y_true * y_pred, 0)`` (0/1 labels count as -1/1)."""

    def __init__(self, name="hinge", dtype=None):
        super().__init__(hinge, name=name, dtype=dtype)


class SquaredHinge(MeanMetricWrapper):
    """The mean of ``max(1 - y_true * y_pred, 0) ** 2`` (0/1 labels count as -1/1)."""

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, name=name, dtype=dtype)


class CategoricalHinge(MeanMetricWrapper):
    """The mean of ``max(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)``."""

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, name=name, dtype=dtype)
