"""Quantizer objects: callables that turn a float tensor into (quantized, scale)."""

from __future__ import annotations

from lamina.quantizers.abs_max import DEFAULT_EPSILON, abs_max_quantize, check_value_range


class Quantizer:
    """Base class of quantizers: ``quantizer(x)`` returns a quantized form of ``x``.

    A subclass implements ``__call__`` and ``get_config``; ``from_config`` rebuilds it
    from that dict.

    Args:
        output_dtype: dtype of the quantized values (``"int8"`` by default).
    """

    def __init__(self, output_dtype="int8"):
        self.output_dtype = output_dtype

    def __call__(self, x):
        return x

    @classmethod
    def from_config(cls, config):
        """A quantizer rebuilt from the dict ``get_config`` returned."""
        return cls(**config)

    def get_config(self) -> dict:
        """The constructor arguments as a JSON-ready dict (each subclass writes its own)."""
        raise NotImplementedError(
            f"{type(self).__name__} does not implement get_config(): a Quantizer subclass "
            "that is saved must return its constructor arguments."
        )


class AbsMaxQuantizer(Quantizer):
    """Symmetric quantizer scaled by the largest absolute value along ``axis``.

    ``quantizer(x)`` returns ``(quantized, scale)`` as ``abs_max_quantize`` does, with
    ``quantized / scale`` approximating ``x``.

    Args:
        axis: the axis (int or tuple) reduced to find the maximum; deprecated in Keras in
            favour of the ``axis`` argument of the call. Without either, ``-1``.
        value_range: ``(low, high)`` integer range of the quantized values.
        epsilon: added to the maximum so that an all-zero slice does not divide by zero.
        output_dtype: dtype of the quantized values; ``"int8"`` needs ``value_range``
            within ``[-128, 127]``.

    Example:

    >>> quantized, scale = AbsMaxQuantizer()(np.array([[0.5, -1.0]], "float32"))
    >>> lamina.ops.convert_to_numpy(quantized)
    array([[  63, -127]], dtype=int8)
    """

    def __init__(
        self, axis=None, value_range=(-127, 127), epsilon=DEFAULT_EPSILON, output_dtype="int8"
    ):
        super().__init__(output_dtype=output_dtype)
        self.axis = _axis_tuple(axis)
        check_value_range(value_range)
        if output_dtype == "int8" and (value_range[0] < -128 or value_range[1] > 127):
            raise ValueError(
                "AbsMaxQuantizer with output_dtype='int8' needs value_range within "
                f"[-128, 127]; received value_range={value_range}."
            )
        self.value_range = value_range
        self.epsilon = epsilon

    def __call__(self, x, axis=None, to_numpy=False):
        """Quantize ``x``: ``(quantized, scale)``. ``axis`` overrides the constructor's;
        ``to_numpy=True`` computes on the host with NumPy (saves device memory)."""
        if axis is None:
            axis = self.axis if self.axis is not None else -1
        return abs_max_quantize(
            x, axis, self.value_range, self.output_dtype, self.epsilon, to_numpy
        )

    def get_config(self) -> dict:
        config = {
            "value_range": self.value_range,
            "epsilon": self.epsilon,
            "output_dtype": self.output_dtype,
        }
        if self.axis is not None:  # Keras writes the axis only when one was given
            config["axis"] = self.axis
        return config


def _axis_tuple(axis):
    if axis is None:
        return None
    if isinstance(axis, int) and not isinstance(axis, bool):
        return (axis,)
    if isinstance(axis, (list, tuple)) and all(
        isinstance(a, int) and not isinstance(a, bool) for a in axis
    ):
        return tuple(axis)
    raise TypeError(f"AbsMaxQuantizer: axis must be None, an int or ints; received {axis!r}.")
