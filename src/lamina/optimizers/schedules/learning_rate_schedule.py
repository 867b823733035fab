"""The base class of learning-rate schedules: a function of the optimizer's step count."""

from __future__ import annotations

from lamina import backend, ops


class LearningRateSchedule:
    """A learning rate that changes with the training step.

    Subclasses implement ``__call__(step)``, returning the learning rate as a scalar tensor for
    the integer step (a tensor, so that no host synchronisation is needed), and
    ``get_config()``. An optimizer given a schedule evaluates it at its ``iterations`` count
    on every update.
    """

    def __call__(self, step):
        raise NotImplementedError(
            f"Learning rate schedule '{self.__class__.__name__}' must override "
            "`__call__(self, step)`."
        )

    def get_config(self) -> dict:
        raise NotImplementedError(
            f"Learning rate schedule '{self.__class__.__name__}' must override `get_config()` "
            "to be serializable."
        )

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def require_positive(argument: str, value) -> None:
    """Raise a ValueError naming ``argument`` unless ``value`` is a number > 0."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ValueError(f"Argument `{argument}` must be > 0. Received: {argument}={value!r}")


def float_step(step, value):
    """``step`` cast to the float dtype of ``value`` (floatx for a Python number).

    Schedules combine this tensor with Python numbers only: turning a constant into a device
    tensor on every step would be a host-to-device copy, which waits for the device.
    """
    dtype = ops.dtype(value) if ops.is_tensor(value) else backend.floatx()
    return ops.cast(step, dtype)
