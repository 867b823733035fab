"""The engine-independent part of a Variable: naming, paths, shape checks, operators.

Each engine subclasses ``KerasVariable`` and provides ``_initialize`` (store the first
value), ``_direct_assign`` (write a value in place), ``_set_trainable`` and, as the class
attribute ``_engine``, its own ``core``/``numpy`` modules for the arithmetic operators.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lamina.backend.common import global_state, stateless_scope
from lamina.backend.common.dtypes import FLOAT_DTYPES, standardize_dtype


def standardize_shape(shape) -> tuple:
    """``shape`` (an int, or a sequence of ints and None for unknown sizes) as a tuple of
    Python ints and None; a ValueError for None, negative or non-integer sizes."""
    if shape is None:
        raise ValueError("Undefined shapes are not supported: received shape=None.")
    if isinstance(shape, int):
        shape = (shape,)
    try:
        shape = tuple(shape)
    except TypeError as error:
        raise ValueError(f"Cannot interpret {shape!r} as a shape.") from error
    result: list = []
    for dim in shape:
        if dim is None:
            result.append(None)
            continue
        if hasattr(dim, "item"):
            dim = dim.item()
        if not isinstance(dim, (int, np.integer)) or dim < 0:
            raise ValueError(
                f"Cannot interpret {shape!r} as a shape: dimensions must be non-negative "
                f"integers or None; received {dim!r}."
            )
        result.append(int(dim))
    return tuple(result)


class KerasVariable:
    """A named, stateful tensor: a layer's weight, an optimizer's slot, a metric's total."""

    _engine: Any = None  # set by each engine subclass: a namespace with core and numpy
    _on_write = None  # called after each assignment (an optimizer mirrors its step count)
    # The lamina.distribution.TensorLayout the value is placed by: the ``layout`` argument,
    # else the active distribution's choice when the variable is made; None without one.
    _layout = None

    def __init__(
        self,
        initializer,
        shape=None,
        dtype=None,
        trainable=True,
        autocast=True,
        aggregation="none",
        synchronization="auto",
        name=None,
        layout=None,
    ):
        name = name or global_state.unique_name("variable")
        if not isinstance(name, str) or "/" in name:
            raise ValueError(
                f"A variable name must be a string without '/'; received name={name!r}."
            )
        self.name = name
        parent = global_state.current_path()
        self.path = f"{parent}/{name}" if parent else name
        self._dtype = standardize_dtype(dtype)
        self._trainable = bool(trainable)
        self._autocast = autocast
        self.aggregation = aggregation
        self.synchronization = synchronization
        if callable(initializer):
            if shape is None:
                raise ValueError(
                    f"Variable {name!r}: a shape is needed when the initializer is callable."
                )
            self._shape = standardize_shape(shape)
            global_state.charge_variable(name, self._shape, self._dtype)
            self._choose_layout(layout)
            if global_state.defer_initializer(self, initializer):
                self._allocate()
                return
            value = initializer(self._shape, dtype=self._dtype)
        else:
            value = initializer
            if shape is not None:
                self._shape = standardize_shape(shape)
            else:
                self._shape = (
                    tuple(np.shape(value))
                    if not hasattr(value, "shape")
                    else (standardize_shape(value.shape))
                )
            self._choose_layout(layout)
        if self._layout is not None:
            value = self._place(value)
        self._initialize(value)
        actual = tuple(self._value.shape)
        if actual != self._shape:
            raise ValueError(
                f"Variable {name!r}: initial value has shape {actual}, expected {self._shape}."
            )

    # ---- engine hooks --------------------------------------------------------------------

    def _initialize(self, value):
        raise NotImplementedError

    def _allocate(self):
        """Storage for a value that will be assigned before it is read (a deferred
        initializer); engines that can skip filling it override this."""
        self._initialize(self._engine.numpy.zeros(self._shape, dtype=self._dtype))

    def _direct_assign(self, value):
        raise NotImplementedError

    def _set_trainable(self, value: bool):
        pass

    # The axes' order in memory, outermost first, where an engine stores the value in another
    # order than its shape's (torch: conv kernels as its convolution reads them); None
    # otherwise. Readers always see the shape's order.
    _memory_order = None

    def _arrange(self, order) -> None:
        """Stores the value with its axes in memory in ``order``; engines whose kernels
        gain from it override this (an optimizer's slot follows its variable's order)."""

    # ---- distribution (lamina.distribution sets the layouts; the engine places values) ----

    def _choose_layout(self, layout) -> None:
        if layout is not None and not (hasattr(layout, "axes") and hasattr(layout, "device_mesh")):
            raise TypeError(
                f"Variable {self.path!r}: layout must be a lamina.distribution.TensorLayout; "
                f"received {type(layout).__name__}."
            )
        if layout is None:
            # Read without importing lamina.distribution (a floor above this one).
            distribution = global_state.get_global_attribute("distribution")
            if distribution is not None:
                layout = distribution.get_variable_layout(self)
        self._layout = layout

    def _place(self, value):
        """``value`` placed on the devices by this variable's layout (the engine's
        ``distribution.distribute_variable``)."""
        module = getattr(self._engine, "distribution", None)
        if module is None:
            raise NotImplementedError(
                f"Variable {self.path!r} has a distribution layout, but this engine has no "
                "distribution support (lamina.distribution needs jax or torch)."
            )
        return module.distribute_variable(value, self._layout)

    # ---- public API ----------------------------------------------------------------------

    @property
    def value(self):
        value = self._value
        if stateless_scope.scopes_open:
            value = stateless_scope.read(self, value)
        if global_state.autocast_scopes_open and global_state.autocast_dtype():
            return self._autocast_read(value)
        return value

    def _autocast_read(self, value):
        """``value`` in the autocast scope's dtype, for a floating variable that allows it
        (mixed precision: float32 variables read as bfloat16 inside a layer's ``call``)."""
        dtype = global_state.autocast_dtype()
        if dtype and self._autocast and dtype != self._dtype and self._dtype in FLOAT_DTYPES:
            return self._engine.core.cast(value, dtype)
        return value

    @property
    def shape(self) -> tuple:
        return self._shape

    @property
    def dtype(self) -> str:
        return self._dtype

    @property
    def ndim(self) -> int:
        return len(self._shape)

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool):
        self._trainable = bool(value)
        self._set_trainable(self._trainable)

    def numpy(self) -> np.ndarray:
        # A copy: the engine's array may share memory with the variable, which later
        # assignments would then change under the caller.
        return np.array(self._engine.core.convert_to_numpy(self.value), copy=True, order="C")

    def assign(self, value):
        value = self._engine.core.convert_to_tensor(value, dtype=self._dtype)
        if tuple(value.shape) != self._shape:
            raise ValueError(
                f"Cannot assign a value of shape {tuple(value.shape)} to variable "
                f"{self.path!r} of shape {self._shape}."
            )
        if self._layout is not None:
            value = self._place(value)
        self._direct_assign(value)
        if self._on_write is not None:
            self._on_write()
        return value

    def assign_owned(self, value) -> None:
        """Assigns a NumPy array that the caller hands over and will not touch again; an
        engine may take its memory instead of copying it (loading a file does this)."""
        self.assign(value)

    def assign_add(self, value):
        return self.assign(self._engine.numpy.add(self.value, value))

    def assign_sub(self, value):
        return self.assign(self._engine.numpy.subtract(self.value, value))

    def __repr__(self) -> str:
        return f"<Variable path={self.path}, shape={self._shape}, dtype={self._dtype}>"

    def __array__(self, dtype=None, copy=None):
        array = self.numpy()
        return array.astype(dtype) if dtype is not None else array

    def __len__(self):
        return self._shape[0]

    def __float__(self):
        return float(self._scalar("float"))

    def __int__(self):
        return int(self._scalar("int"))

    def _scalar(self, kind):
        if len(self._shape) > 0:
            raise TypeError(
                f"Only a scalar Variable can be converted to a Python {kind}; "
                f"{self.path} has shape {self._shape}."
            )
        return self.numpy()

    def __bool__(self):
        raise TypeError("A Variable cannot be used as a Python bool.")

    def __getitem__(self, key):
        return self.value[key]

    # ---- arithmetic: the value's, so a Variable can stand in for a tensor ---------------

    def _binary(self, name, other, reverse=False):
        function = getattr(self._engine.numpy, name)
        if isinstance(other, KerasVariable):
            other = other.value
        return function(other, self.value) if reverse else function(self.value, other)

    def __add__(self, other):
        return self._binary("add", other)

    def __radd__(self, other):
        return self._binary("add", other, reverse=True)

    def __sub__(self, other):
        return self._binary("subtract", other)

    def __rsub__(self, other):
        return self._binary("subtract", other, reverse=True)

    def __mul__(self, other):
        return self._binary("multiply", other)

    def __rmul__(self, other):
        return self._binary("multiply", other, reverse=True)

    def __truediv__(self, other):
        return self._binary("true_divide", other)

    def __rtruediv__(self, other):
        return self._binary("true_divide", other, reverse=True)

    def __pow__(self, other):
        return self._binary("power", other)

    def __rpow__(self, other):
        return self._binary("power", other, reverse=True)

    def __matmul__(self, other):
        return self._binary("matmul", other)

    def __rmatmul__(self, other):
        return self._binary("matmul", other, reverse=True)

    def __neg__(self):
        return self._engine.numpy.negative(self.value)

    def __lt__(self, other):
        return self._binary("less", other)

    def __le__(self, other):
        return self._binary("less_equal", other)

    def __gt__(self, other):
        return self._binary("greater", other)

    def __ge__(self, other):
        return self._binary("greater_equal", other)
