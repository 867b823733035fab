"""InputSpec: what a layer accepts (rank, fixed axis sizes), checked before it runs."""

from __future__ import annotations


class InputSpec:
    """What a layer accepts, checked on each call before it runs: set ``layer.input_spec``.

    Args:
        dtype: the expected dtype.
        shape: the expected shape; None for a free dimension (gives ``ndim`` too).
        ndim: the exact rank.
        max_ndim: the largest rank accepted.
        min_ndim: the smallest rank accepted.
        axes: ``{axis: size}`` for axes whose size is fixed (``{-1: 16}``).
        allow_last_axis_squeeze: accept a last axis of size 1 more or less than ``ndim``.
        name: the input's name (for a layer with several inputs).
        optional: the input may be None.

    Examples:
        ```python
        self.input_spec = keras.InputSpec(min_ndim=2, axes={-1: input_dim})
        ```
    """

    def __init__(
        self,
        dtype=None,
        shape=None,
        ndim=None,
        max_ndim=None,
        min_ndim=None,
        axes=None,
        allow_last_axis_squeeze=False,
        name=None,
        optional=False,
    ):
        self.dtype = dtype
        self.shape = None if shape is None else tuple(shape)
        self.ndim = len(self.shape) if self.shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = {int(k): v for k, v in (axes or {}).items()}
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        self.name = name
        self.optional = optional

    def __repr__(self) -> str:
        fields = {k: v for k, v in vars(self).items() if v not in (None, {}, False)}
        return f"InputSpec({', '.join(f'{k}={v}' for k, v in fields.items())})"

    def get_config(self) -> dict:
        return {
            "dtype": self.dtype,
            "shape": self.shape,
            "ndim": self.ndim,
            "max_ndim": self.max_ndim,
            "min_ndim": self.min_ndim,
            "axes": self.axes,
        }


def assert_input_compatibility(spec, shape, layer_name: str) -> None:
    """Raise a ValueError naming the layer, the expectation and the received shape."""
    if spec is None or shape is None:
        return
    ndim = len(shape)
    where = f"Input of layer {layer_name!r} is incompatible with the layer"
    if spec.ndim is not None and ndim != spec.ndim:
        raise ValueError(
            f"{where}: expected ndim={spec.ndim}, found ndim={ndim}. Full shape: {shape}"
        )
    if spec.min_ndim is not None and ndim < spec.min_ndim:
        raise ValueError(
            f"{where}: expected min_ndim={spec.min_ndim}, found ndim={ndim}. Full shape: {shape}"
        )
    if spec.max_ndim is not None and ndim > spec.max_ndim:
        raise ValueError(
            f"{where}: expected max_ndim={spec.max_ndim}, found ndim={ndim}. Full shape: {shape}"
        )
    for axis, size in spec.axes.items():
        if size is None:
            continue
        if axis >= ndim or axis < -ndim:
            raise ValueError(f"{where}: expected axis {axis} to exist; found shape {shape}.")
        actual = shape[axis]
        if actual is not None and actual != size:
            raise ValueError(
                f"{where}: expected axis {axis} of input shape to have value {size}, "
                f"but received input with shape {shape}."
            )
    if spec.shape is not None:
        for expected, actual in zip(spec.shape, shape):
            if expected is not None and actual is not None and expected != actual:
                raise ValueError(f"{where}: expected shape={spec.shape}, found shape={shape}.")
