"""KerasTensor: a symbolic tensor (shape and dtype, no data) used to build Functional graphs."""

from __future__ import annotations

from lamina.backend.common.dtypes import standardize_dtype


def _ops():
    # The operators below build graph nodes, which live on the ops floor; import it lazily
    # so that this floor never imports upwards at import time.
    from lamina import ops

    return ops


class KerasTensor:
    """A placeholder with a shape (``None`` for unknown dimensions) and a dtype."""

    def __init__(self, shape, dtype="float32", sparse=False, name=None):
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = standardize_dtype(dtype)
        self.sparse = bool(sparse)
        self.name = name
        self._keras_history = None  # (operation, node_index, tensor_index)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        name = f", name={self.name}" if self.name else ""
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}{name}>"

    def __len__(self):
        if not self.shape or self.shape[0] is None:
            raise TypeError("len() of a KerasTensor needs a known first dimension.")
        return self.shape[0]

    def __iter__(self):
        raise TypeError("A KerasTensor cannot be iterated over: it has no values.")

    def __bool__(self):
        raise TypeError(
            "A KerasTensor has no value, so it cannot be used as a Python bool "
            "(for example in `if`); use lamina.ops.cond or lamina.ops.where."
        )

    def reshape(self, new_shape):
        return _ops().reshape(self, new_shape)

    def astype(self, dtype):
        return _ops().cast(self, dtype)

    @property
    def T(self):
        return _ops().transpose(self)

    def __getitem__(self, key):
        return _ops().get_item(self, key)

    def __add__(self, other):
        return _ops().add(self, other)

    def __radd__(self, other):
        return _ops().add(other, self)

    def __sub__(self, other):
        return _ops().subtract(self, other)

    def __rsub__(self, other):
        return _ops().subtract(other, self)

    def __mul__(self, other):
        return _ops().multiply(self, other)

    def __rmul__(self, other):
        return _ops().multiply(other, self)

    def __truediv__(self, other):
        return _ops().true_divide(self, other)

    def __rtruediv__(self, other):
        return _ops().true_divide(other, self)

    def __floordiv__(self, other):
        return _ops().floor_divide(self, other)

    def __rfloordiv__(self, other):
        return _ops().floor_divide(other, self)

    def __mod__(self, other):
        return _ops().mod(self, other)

    def __pow__(self, other):
        return _ops().power(self, other)

    def __rpow__(self, other):
        return _ops().power(other, self)

    def __matmul__(self, other):
        return _ops().matmul(self, other)

    def __rmatmul__(self, other):
        return _ops().matmul(other, self)

    def __neg__(self):
        return _ops().negative(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return _ops().absolute(self)

    def __lt__(self, other):
        return _ops().less(self, other)

    def __le__(self, other):
        return _ops().less_equal(self, other)

    def __gt__(self, other):
        return _ops().greater(self, other)

    def __ge__(self, other):
        return _ops().greater_equal(self, other)

    def __and__(self, other):
        return _ops().logical_and(self, other)

    def __or__(self, other):
        return _ops().logical_or(self, other)

    def __invert__(self):
        return _ops().logical_not(self)


def is_keras_tensor(x) -> bool:
    """True when ``x`` is a symbolic ``KerasTensor`` (a Functional model's input or output)."""
    return isinstance(x, KerasTensor)


def _holds_symbolic(value) -> bool:
    kind = type(value)
    if kind is KerasTensor:
        return True
    if kind is list or kind is tuple:
        return any(type(item) is KerasTensor for item in value)
    if kind is dict:
        return any(type(item) is KerasTensor for item in value.values())
    return False


def any_symbolic_tensors(args=(), kwargs=None) -> bool:
    """True when a KerasTensor appears in args or kwargs (one level of lists/tuples/dicts).

    On every eager op call: exact type checks (KerasTensor has no subclasses) keep it cheap.
    """
    for value in args:
        if _holds_symbolic(value):
            return True
    if kwargs:
        for value in kwargs.values():
            if _holds_symbolic(value):
                return True
    return False
