"""ReLU: the rectified linear unit, with an optional ceiling, threshold and leak."""

from __future__ import annotations

from lamina import activations
from lamina.layers import in_place
from lamina.layers.layer import Layer


def _require_non_negative(name: str, value, allow_none: bool = False):
    if value is None and allow_none:
        return value
    if value is None or value < 0.0:
        raise ValueError(
            f"{name} of a ReLU layer must be a number >= 0"
            f"{' or None' if allow_none else ''}; received {name}={value!r}."
        )
    return value


class ReLU(in_place.InPlaceCapable, Layer):
    """``max(x, 0)``, generalised as Keras's ``ReLU``.

    ``f(x) = max_value`` for ``x >= max_value``, ``x`` for ``threshold <= x < max_value``
    and ``negative_slope * (x - threshold)`` otherwise. All three arguments are >= 0;
    ``max_value=None`` means no ceiling.

    >>> ReLU(max_value=10, negative_slope=0.5)(np.array([-10.0, -5.0, 0.0, 5.0, 20.0]))
    # [-5.0, -2.5, 0.0, 5.0, 10.0]
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        _require_non_negative("max_value", max_value, allow_none=True)
        _require_non_negative("negative_slope", negative_slope)
        _require_non_negative("threshold", threshold)
        super().__init__(**kwargs)
        self.max_value = max_value
        self.negative_slope = negative_slope
        self.threshold = threshold
        self.supports_masking = True

    def call(self, inputs):
        if self.negative_slope == 0.0 and self.threshold == 0.0:
            overwritten = in_place.relu_in_place(inputs, self.max_value)
            if overwritten is not None:
                return overwritten
        return activations.relu(
            inputs,
            negative_slope=self.negative_slope,
            max_value=self.max_value,
            threshold=self.threshold,
        )

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "max_value": self.max_value,
            "negative_slope": self.negative_slope,
            "threshold": self.threshold,
        }
