"""Tensors, variables, conversion and shape inference on PyTorch."""

from __future__ import annotations

import contextlib

import numpy as np
import torch
from torch._subclasses.fake_tensor import FakeTensorMode, unset_fake_temporarily

from lamina.backend import config
from lamina.backend.common import (
    eager_control_flow,
    global_state,
    shape_inference,
    stateless_scope,
)
from lamina.backend.common.argument_checks import (
    check_numeric_array,
    check_numeric_sequence,
    conversion_error,
    symbolic_conversion_error,
)
from lamina.backend.common.dtypes import standardize_dtype
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.backend.common.variables import KerasVariable

SUPPORTS_TRAINING = True

_TORCH_DTYPES = {
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "float32": torch.float32,
    "float64": torch.float64,
    "uint8": torch.uint8,
    "uint16": torch.uint16,
    "uint32": torch.uint32,
    "uint64": torch.uint64,
    "int8": torch.int8,
    "int16": torch.int16,
    "int32": torch.int32,
    "int64": torch.int64,
    "bool": torch.bool,
    "complex64": torch.complex64,
    "complex128": torch.complex128,
}
_DTYPE_NAMES = {value: key for key, value in _TORCH_DTYPES.items()}

_default_device = "cuda" if torch.cuda.is_available() else "cpu"
_accelerator_default = _default_device != "cpu"
_device_stack: list[str] = []


def get_device() -> str:
    return _device_stack[-1] if _device_stack else _default_device


@contextlib.contextmanager
def device_scope(device_name: str):
    """Place new tensors and variables on ``device_name`` ("cpu", "gpu:0", "cuda:1")."""
    name = str(device_name).lower().replace("gpu", "cuda")
    _device_stack.append(name)
    try:
        yield
    finally:
        _device_stack.pop()


def to_torch_dtype(dtype) -> torch.dtype:
    if isinstance(dtype, torch.dtype):
        return dtype
    name = standardize_dtype(dtype)
    try:
        return _TORCH_DTYPES[name]
    except KeyError:
        raise ValueError(f"dtype {name!r} is not supported by the torch engine.") from None


def dtype_name(tensor) -> str:
    return _DTYPE_NAMES[tensor.dtype]


# torch.distributed.tensor.DTensor once ModelParallel has split a variable (set by
# distribution.py), else None: values of split variables meet plain ones only then.
dtensor_type = None


def _whole(value):
    """A DTensor written into a plain variable (a metric's, from a split model's outputs)
    as the whole tensor."""
    if dtensor_type is not None and isinstance(value, dtensor_type):
        return value.full_tensor()
    return value


class Variable(KerasVariable):
    """A KerasVariable whose value is a ``torch.nn.Parameter`` (so autograd and modules see it)."""

    def __init__(self, *args, **kwargs):
        # A layer may first be built while shapes are inferred on fake tensors; its weights
        # must still be real.
        with unset_fake_temporarily():
            super().__init__(*args, **kwargs)

    _engine = None  # set in lamina.backend.torch.__init__ once numpy is importable

    @property
    def value(self):
        if (
            dtensor_type is not None
            and isinstance(self._value, dtensor_type)
            and global_state.in_symbolic_scope()
        ):
            # Shapes are inferred on fake tensors, where a split variable's collectives
            # cannot run: a stand-in of its whole shape.
            return torch.empty(self._shape, dtype=self._value.dtype)
        # KerasVariable.value's body, not a call of its fget: torch.compile cannot trace
        # ``property.fget`` (it broke the compiled step's graph at every variable read).
        value = self._value
        if stateless_scope.scopes_open:
            value = stateless_scope.read(self, value)
        if global_state.autocast_scopes_open and global_state.autocast_dtype():
            return self._autocast_read(value)
        return value

    def _initialize(self, value):
        tensor = convert_to_tensor(value, dtype=self._dtype)
        requires_grad = self._trainable and tensor.is_floating_point()
        self._value = torch.nn.Parameter(tensor.detach().clone(), requires_grad=requires_grad)

    def _allocate(self):
        tensor = torch.empty(self._shape, dtype=to_torch_dtype(self._dtype), device=get_device())
        if self._layout is not None:
            tensor = self._place(tensor)  # split now when ModelParallel splits it
        requires_grad = self._trainable and tensor.is_floating_point()
        self._value = torch.nn.Parameter(tensor, requires_grad=requires_grad)

    def assign_owned(self, value) -> None:
        # Take the array's memory when it can serve as the parameter's as it is (same dtype
        # and shape, on the CPU): loading a large model then copies nothing.
        if (
            isinstance(value, np.ndarray)
            and value.flags.c_contiguous
            and value.flags.writeable
            and tuple(value.shape) == self._shape
            and self._value.device.type == "cpu"
            and type(self._value.data) is torch.Tensor  # not a split (DTensor) variable
            and self._memory_order is None  # the array's C order is the storage's
            and value.dtype.name == self._dtype
            and not global_state.in_symbolic_scope()
            and not stateless_scope.scopes_open
        ):
            self._value.data = torch.from_numpy(value)
            if self._on_write is not None:
                self._on_write()
            return
        self.assign(value)

    def _direct_assign(self, value):
        if global_state.in_symbolic_scope():
            return  # shape inference must not change state
        if stateless_scope.scopes_open and stateless_scope.intercept_write(self, value):
            return
        if dtensor_type is not None and not isinstance(self._value, dtensor_type):
            value = _whole(value)
        with torch.no_grad():
            self._value.copy_(value)

    def assign_add(self, value):
        # In place: one kernel instead of an add and a copy (metrics and counters do this
        # every step).
        if global_state.in_symbolic_scope():
            return self._value
        if stateless_scope.scopes_open and stateless_scope.in_stateless_scope():
            return super().assign_add(value)  # out of place, into the scope
        value = self._in_place_operand(value)
        with torch.no_grad():
            self._value.add_(value)
        if self._on_write is not None:
            self._on_write()
        return self._value

    def assign_sub(self, value):
        if global_state.in_symbolic_scope():
            return self._value
        if stateless_scope.scopes_open and stateless_scope.in_stateless_scope():
            return super().assign_sub(value)  # out of place, into the scope
        value = self._in_place_operand(value)
        with torch.no_grad():
            self._value.sub_(value)
        if self._on_write is not None:
            self._on_write()
        return self._value

    def _in_place_operand(self, value):
        if isinstance(value, KerasVariable):
            value = value.value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        if dtensor_type is not None and not isinstance(self._value, dtensor_type):
            value = _whole(value)
        value = convert_to_tensor(value, dtype=self._dtype)
        if (
            value.shape != self._value.shape
            and torch.broadcast_shapes(value.shape, self._value.shape) != self._value.shape
        ):
            raise ValueError(
                f"Cannot add a value of shape {tuple(value.shape)} to variable {self.path!r} "
                f"of shape {self._shape}."
            )
        return value

    def _set_trainable(self, value: bool):
        if self._value.is_floating_point():
            self._value.requires_grad_(value)

    def _arrange(self, order) -> None:
        """Keeps the shape (what every reader sees: ``value``, ``numpy()``, saved files) but
        stores the axes in memory in ``order``, outermost first: the strides an engine kernel
        reads without a copy. Assignments, optimizer updates and gradients keep them."""
        order = tuple(int(axis) for axis in order)
        if sorted(order) != list(range(len(self._shape))):
            raise ValueError(
                f"Variable {self.path!r}: order must be a permutation of the axes of shape "
                f"{self._shape}; received {order}."
            )
        if self._layout is not None or type(self._value.data) is not torch.Tensor:
            return  # a split (DTensor) variable keeps the layout its placement chose
        contiguous = order == tuple(range(len(order)))
        self._memory_order = None if contiguous else order
        current = self._value.data
        if current.permute(order).is_contiguous():
            return
        with unset_fake_temporarily(), torch.no_grad():
            stored = torch.empty(
                [self._shape[axis] for axis in order], dtype=current.dtype, device=current.device
            )
            stored = stored.permute([order.index(axis) for axis in range(len(order))])
            stored.copy_(current)
        self._value.data = stored

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        def unwrap(x):
            if isinstance(x, KerasVariable):
                return x.value
            if isinstance(x, (list, tuple)):
                return type(x)(unwrap(item) for item in x)
            return x

        return func(*unwrap(args), **{k: unwrap(v) for k, v in (kwargs or {}).items()})


def step_counters_on_host() -> bool:
    """Whether Python-side counters that change every step (an optimizer's mirror of its
    step count) can be trusted: not inside torch.compile, nor once CUDA graphs replay steps
    (neither runs the Python that updates them)."""
    from lamina.backend.torch import cuda_graphs

    return not (cuda_graphs.graphs_in_use or torch.compiler.is_compiling())


def is_tensor(x) -> bool:
    """True when ``x`` is a tensor of this engine (a ``torch.Tensor``)."""
    return isinstance(x, torch.Tensor)


def convert_to_tensor(x, dtype=None, sparse=None):
    """``x`` (an array, a Python number or list, a Variable) as a ``torch.Tensor`` on the
    current device, cast to ``dtype`` when given. Inputs that carry no dtype follow Keras:
    Python floats give ``floatx()``, Python ints ``int32``; an array keeps its own dtype
    (a float64 array stays float64: layers and the array adapter cast it where Keras does)."""
    if isinstance(x, torch.Tensor):
        if _accelerator_default and not _device_stack and x.device.type == "cpu":
            x = x.to(_default_device)  # CPU tensors (a DataLoader's) join the model's device
        if dtype is None:
            return x
        torch_dtype = to_torch_dtype(dtype)
        return x if x.dtype == torch_dtype else x.to(torch_dtype)
    if isinstance(x, KerasVariable):
        return convert_to_tensor(x.value, dtype)
    if isinstance(x, KerasTensor):
        raise symbolic_conversion_error(x)
    torch_dtype = None if dtype is None else to_torch_dtype(dtype)
    if isinstance(x, np.ndarray):
        return _tensor_from_array(x, torch_dtype)
    if isinstance(x, (bool, int, float, np.generic)) and torch_dtype is None:
        torch_dtype = _python_scalar_dtype(x)
    if isinstance(x, (list, tuple)):
        return _tensor_from_sequence(x, dtype, torch_dtype)
    try:
        return torch.as_tensor(x, dtype=torch_dtype, device=get_device())
    except (TypeError, ValueError, RuntimeError) as error:
        raise conversion_error(x, error) from None


def _tensor_from_array(x: np.ndarray, torch_dtype):
    check_numeric_array(x)
    # ascontiguousarray makes 0-d arrays 1-d; the reshape keeps a scalar a scalar.
    tensor = torch.from_numpy(np.ascontiguousarray(x).reshape(x.shape))
    return tensor.to(device=get_device(), dtype=torch_dtype or tensor.dtype)


def _python_scalar_dtype(x):
    """Keras's dtype for a number given without one: bool, int32, the NumPy scalar's own
    float type, floatx for a Python float."""
    if isinstance(x, (bool, np.bool_)):
        return torch.bool
    if isinstance(x, (int, np.integer)):
        return torch.int32
    if isinstance(x, np.floating):
        return to_torch_dtype(x.dtype.name)
    return to_torch_dtype(global_floatx())


def _tensor_from_sequence(x, dtype, torch_dtype):
    if any(isinstance(item, torch.Tensor) for item in x):
        return torch.stack([convert_to_tensor(item, dtype) for item in x])
    array = np.asarray(x)
    check_numeric_sequence(array, x)
    if torch_dtype is None:
        if array.dtype == np.float64:
            torch_dtype = to_torch_dtype(global_floatx())
        elif array.dtype == np.int64:
            torch_dtype = torch.int32
    return convert_to_tensor(array, dtype=standardize_dtype(torch_dtype) if torch_dtype else None)


def global_floatx() -> str:
    return config.floatx()


def convert_to_numpy(x) -> np.ndarray:
    if isinstance(x, KerasVariable):
        x = x.value
    if isinstance(x, torch.Tensor):
        x = _whole(x.detach())
        if x.dtype == torch.bfloat16:
            x = x.float()
        if x.device.type != "cpu":
            x = x.cpu()
        return x.numpy()
    return np.asarray(x)


def autocast(x, dtype: str):
    """Cast a floating tensor to ``dtype`` (a layer's compute dtype); leave others alone."""
    if isinstance(x, torch.Tensor):
        if _accelerator_default and not _device_stack and x.device.type == "cpu":
            x = x.to(_default_device)
        if x.is_floating_point():
            torch_dtype = _TORCH_DTYPES[dtype]
            if x.dtype != torch_dtype:
                return x.to(torch_dtype)
        return x
    if isinstance(x, KerasVariable):
        return autocast(x.value, dtype)
    if isinstance(x, np.ndarray) and x.dtype.kind == "f":
        return convert_to_tensor(x, dtype=dtype)  # no detour through floatx
    return autocast(convert_to_tensor(x), dtype)


def cast(x, dtype):
    return convert_to_tensor(x).to(to_torch_dtype(dtype))


def shape(x) -> tuple:
    return tuple(x.shape)


def stop_gradient(variable):
    return convert_to_tensor(variable).detach()


cond = eager_control_flow.cond
fori_loop = eager_control_flow.fori_loop


def _unstack(x):
    return torch.unbind(convert_to_tensor(x), dim=0)


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    return eager_control_flow.scan(f, init, xs, length, reverse, torch.stack, _unstack)


def get_item(x, key):
    return convert_to_tensor(x)[key]


# ---- shape inference ----------------------------------------------------------------------


def _empty(shape, dtype):
    return torch.empty(shape, dtype=to_torch_dtype(dtype), device=get_device())


def _to_spec(x):
    return shape_inference.map_nested(
        x,
        lambda t: KerasTensor(tuple(t.shape), dtype=dtype_name(t)),
        lambda t: isinstance(t, torch.Tensor),
    )


def _evaluate(fn, args, kwargs, fill):
    with (
        global_state.symbolic_scope(),
        torch.no_grad(),
        FakeTensorMode(allow_non_fake_inputs=True),
    ):
        outputs = fn(
            *shape_inference.stand_ins(args, _empty, fill),
            **shape_inference.stand_ins(kwargs, _empty, fill),
        )
    return _to_spec(outputs)


def compute_output_spec(fn, *args, **kwargs):
    """Run ``fn`` on fake tensors (no memory, no compute) to learn its output shapes/dtypes."""
    return shape_inference.infer_output_spec(
        lambda fill: _evaluate(fn, args, kwargs, fill), args, kwargs
    )
