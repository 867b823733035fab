"""ActivityRegularization: passes inputs through and adds an L1/L2 penalty on them as a loss."""

from __future__ import annotations

from lamina import regularizers
from lamina.layers.layer import Layer


class ActivityRegularization(Layer):
    """Identity on its input; each call adds ``l1 * sum(|x|) + l2 * sum(x**2)`` to the
    layer's ``losses`` (which ``fit`` adds to the loss).
    """

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        kwargs.pop("activity_regularizer", None)  # rebuilt from l1 and l2
        for argument, value in (("l1", l1), ("l2", l2)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(
                    f"ActivityRegularization: the argument '{argument}' must be a number >= 0;"
                    f" received {argument}={value!r}."
                )
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.l1 = l1
        self.l2 = l2
        self.supports_masking = True
        self.built = True  # no weights

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("activity_regularizer", None)
        return {**config, "l1": self.l1, "l2": self.l2}
