"""The JAX engine's train / test / predict steps and their compilation under ``jax.jit``.

The steps are written in the eager style of every engine (call the model, compute the loss,
``optimizer.apply``); gradients come from ``jax.value_and_grad`` over the trainable values
swapped in by a ``StatelessScope``. ``compile_function`` turns any such step, including a
user's ``train_step``, into a pure function of the state it touches, jitted with the state
buffers donated, and writes the new state back into the variables after every call, so
callbacks see and may change real values at every batch boundary.
"""

from __future__ import annotations

import contextlib

import jax
import numpy as np

from lamina.backend.common import global_state, step_interface
from lamina.backend.common.looped_steps import LoopedSteps
from lamina.backend.jax import core, distribution as engine_distribution, numpy as engine_numpy
from lamina.backend.jax.core import RecordingScope, StatelessScope

compiled_steps_ran = False  # once True, Python-side step counters are stale (see core)


def train_step(model, x, y, sample_weight):
    building = not model.built
    if building:
        # A subclassed model makes its weights on its first call: make them before
        # differentiating with respect to them (the scope drops this call's state changes).
        with StatelessScope():
            model(x, training=True)
    variables = step_interface.trainable_variables(model, refresh=building)
    written: list = []

    def loss_and_updates(values):
        with StatelessScope(state_mapping=zip(variables, values)) as scope:
            y_pred = model(x, training=True)
            loss = step_interface.step_loss(model, x, y, y_pred, sample_weight, training=True)
        # add_loss values are traced here: none may outlive the step
        step_interface.clear_losses(model)
        updates = scope.updates()
        written[:] = [variable for variable, _ in updates]
        # As Keras: differentiate the scaled loss (the optimizer divides the gradients
        # back); the loss returned, and logged, is unscaled.
        scaled = model.optimizer.scale_loss(loss)
        return scaled, (loss, y_pred, [value for _, value in updates])

    values = [variable.value for variable in variables]
    (_, (loss, y_pred, new_values)), gradients = jax.value_and_grad(
        loss_and_updates, has_aux=True
    )(values)
    for variable, value in zip(written, new_values):
        variable.assign(value)  # moving statistics, seed states: into the enclosing state
    if variables:
        model.optimizer.apply(gradients, variables)
    return loss, y_pred


def test_step(model, x, y, sample_weight):
    y_pred = model(x, training=False)
    loss = step_interface.step_loss(model, x, y, y_pred, sample_weight, training=False)
    _forget_traced_losses(model)
    return loss, y_pred


def predict_step(model, x):
    y_pred = model(x, training=False)
    _forget_traced_losses(model)
    return y_pred


def _forget_traced_losses(model) -> None:
    """add_loss values made while a compiled step is traced must not outlive the trace
    (eager steps keep them, as on the other engines)."""
    if isinstance(core.current_scope(), _TracingScope):
        step_interface.clear_losses(model)


def no_grad():
    return contextlib.nullcontext()


def compile_function(function, jit_compile: bool, returns_tensors: bool = False):
    """The step as it runs: eager (op by op) when ``jit_compile`` is off, else a ``JitStep``."""
    return JitStep(function) if jit_compile else function


def default_jit_compile() -> bool:
    return True


def check_can_train() -> None:
    """The JAX engine trains (the NumPy engine raises here)."""


class JitStep:
    """A stateful step run as a jitted pure function of the variables it touches.

    The first call runs eagerly under a ``RecordingScope``: it creates what a step creates
    once (optimizer slots, metric totals) and notes every variable read or written. Later
    calls pass those variables' values in (donated), get the new values back and store them
    in the variables.
    """

    def __init__(self, function):
        self.function = function
        self.variables: list | None = None
        self.jitted = None
        self._static_outputs: tuple = ()  # the outputs' structure and non-array leaves
        self._writes_seen = -1  # core.outside_writes when buffers were last checked distinct

    def __call__(self, data):
        global compiled_steps_ran
        data = _distribute_data(data)
        if self.variables is not None:
            values = self.current_values()
            try:
                new_values, arrays = self.jitted(values, data)
            except _StateChanged:
                self.variables = None  # new state since the last recording: record again
            else:
                for variable, value in zip(self.variables, new_values):
                    variable._value = value
                compiled_steps_ran = True
                treedef, static = self._static_outputs
                return _rebuild(treedef, static, arrays)
        with RecordingScope() as recording:
            outputs = self.function(data)
        self.variables = list(recording.seen.values())
        self.jitted = jax.jit(self._pure, donate_argnums=0)
        self._writes_seen = -1
        return outputs

    def current_values(self) -> list:
        """The recorded variables' values, each its own buffer (they are donated)."""
        values = [variable._value for variable in self.variables or ()]
        if core.outside_writes != self._writes_seen:
            self._writes_seen = core.outside_writes
            if len({id(value) for value in values}) != len(values):
                values = _distinct_buffers(values)
        return values

    def _pure(self, values, data):
        variables = self.variables
        scope = _TracingScope({id(v): value for v, value in zip(variables, values)})
        with scope:
            outputs = self.function(data)
        if scope.strays:
            # A variable the recorded step did not touch (a layer or seed generator swapped
            # in since): nothing has changed yet, so the caller records the step again.
            raise _StateChanged(sorted(scope.strays))
        new_values = [scope.get_current_value(variable) for variable in variables]
        leaves, treedef = jax.tree_util.tree_flatten(outputs)
        static = [None if isinstance(leaf, jax.Array) else leaf for leaf in leaves]
        self._static_outputs = (treedef, static)
        return new_values, [leaf for leaf in leaves if isinstance(leaf, jax.Array)]


class _StateChanged(Exception):
    pass


class _TracingScope(StatelessScope):
    """The scope of a traced step: notes variables outside the recorded state."""

    def __init__(self, values):
        super().__init__()
        self._values = values
        self._known = set(values)
        self.strays: set = set()

    def lookup(self, variable):
        if id(variable) not in self._known:
            self.strays.add(variable.path)
        return self._values.get(id(variable))

    def record(self, variable, value) -> None:
        if id(variable) not in self._known:
            self.strays.add(variable.path)
        super().record(variable, value)


def _rebuild(treedef, static, arrays):
    arrays = iter(arrays)
    leaves = [next(arrays) if item is None else item for item in static]
    return jax.tree_util.tree_unflatten(treedef, leaves)


def _distinct_buffers(values):
    """Copies of repeated arrays: one buffer cannot be donated twice."""
    seen: set = set()
    result = []
    for value in values:
        if id(value) in seen:
            value = value.copy()
        seen.add(id(value))
        result.append(value)
    return result


def batch_to_device(x):
    """A data batch leaf as a JAX array: ``device_put`` returns at once and copies in the
    background, so the transfer runs ahead of the step that reads it."""
    return core.convert_to_tensor(x)


def worker_start_method() -> str:
    """JAX is multithreaded and warns that fork may deadlock: PyDataset worker processes
    start from a clean forkserver (spawn where there is none)."""
    import multiprocessing

    if "forkserver" in multiprocessing.get_all_start_methods():
        return "forkserver"
    return "spawn"


def compile_steps(function, num_steps: int, concatenate_outputs: bool = False):
    """``compile(steps_per_execution=N)``: N steps per call on a list of batches. A jitted
    step (``JitStep``) runs them as one compiled ``lax.scan``; any other step loops."""
    if isinstance(function, JitStep):
        return ScanSteps(function, num_steps, concatenate_outputs)
    return LoopedSteps(function, concatenate_outputs, engine_numpy.concatenate)


class ScanSteps:
    """N calls of a ``JitStep`` as one XLA program: the step is traced once as the body of
    a ``lax.scan`` over the batches stacked on a new leading axis, the variables' values
    its carry, so one dispatch runs N steps with no host round trip between them.

    What the scan cannot take runs through the ``JitStep`` itself, batch by batch: the
    first call (the step is recorded eagerly), an execution of fewer than N batches (the
    end of an epoch) and batches of different shapes (a smaller last batch). Those compile
    the single step once more, not a scan per length.
    """

    def __init__(self, step: JitStep, num_steps: int, concatenate_outputs: bool = False):
        self.step = step
        self.num_steps = num_steps
        self.concatenate_outputs = concatenate_outputs
        self._looped = LoopedSteps(step, concatenate_outputs, engine_numpy.concatenate)
        self._jitted = None
        self._jitted_for = None  # the JitStep recording the scan was made for

    def __call__(self, batches):
        global compiled_steps_ran
        step = self.step
        stacked = None
        # Under a distribution each batch is split over the devices: the step runs them one
        # by one (the scan would take them stacked, the batch axis second).
        distributed = global_state.get_global_attribute("distribution") is not None
        if step.variables is not None and len(batches) == self.num_steps and not distributed:
            stacked = _stack_batches(batches)
        if stacked is None:
            return self._looped(batches)
        if self._jitted_for is not step.jitted:
            self._jitted = jax.jit(self._scan, donate_argnums=0)
            self._jitted_for = step.jitted
        try:
            new_values, arrays = self._jitted(step.current_values(), stacked)
        except _StateChanged:
            step.variables = None  # new state since the step was recorded: record again
            return self._looped(batches)
        for variable, value in zip(step.variables, new_values):
            variable._value = value
        compiled_steps_ran = True
        treedef, static = step._static_outputs
        return _rebuild(treedef, static, arrays)

    def _scan(self, values, stacked):
        def body(carry, data):
            new_values, arrays = self.step._pure(carry, data)
            return _strong_types(new_values), arrays

        values, arrays = jax.lax.scan(body, _strong_types(values), stacked)
        if self.concatenate_outputs:  # (N, batch, ...) -> (N * batch, ...)
            arrays = [array.reshape((-1, *array.shape[2:])) for array in arrays]
        else:
            arrays = [array[-1] for array in arrays]  # the last step's outputs, as a loop
        return values, arrays


def _strong_types(values):
    # A scan's carry must keep its exact types; a weakly typed Python-scalar result
    # (float32[] weak) would not match the strongly typed value it replaces.
    return [jax.lax.convert_element_type(value, value.dtype) for value in values]


def _stack_batches(batches):
    """The batches' leaves stacked on a new leading axis, or None when they differ in
    structure, shape or dtype, or hold something other than arrays."""
    flat = [jax.tree_util.tree_flatten(batch) for batch in batches]
    treedef = flat[0][1]
    if any(other != treedef for _, other in flat[1:]):
        return None
    stacked = []
    for leaves in zip(*(leaves for leaves, _ in flat)):
        first = leaves[0]
        on_host = isinstance(first, np.ndarray)
        if not (on_host or isinstance(first, jax.Array)) or first.dtype.kind not in "biuf":
            return None  # text, or a Python object the step takes as it is
        if any(
            isinstance(leaf, np.ndarray) is not on_host
            or leaf.shape != first.shape
            or leaf.dtype != first.dtype
            for leaf in leaves[1:]
        ):
            return None
        # Host batches are stacked on the host: one transfer per leaf, as for one batch.
        stack = np.stack if on_host else jax.numpy.stack
        stacked.append(stack(leaves))
    return jax.tree_util.tree_unflatten(treedef, stacked)


def _distribute_data(data):
    """The batch's arrays split on their first axis over the active distribution's devices
    (lamina.distribution, read from global_state); the batch unchanged without one."""
    distribution = global_state.get_global_attribute("distribution")
    if distribution is None:
        return data

    def place(leaf):
        if not isinstance(leaf, (np.ndarray, jax.Array)) or leaf.dtype.kind not in "biufc":
            return leaf  # text stays on the host for the string layers
        layout = distribution.get_data_layout(leaf.shape)
        return engine_distribution.distribute_data_input(
            leaf, layout, distribution.batch_dim_name
        )

    return jax.tree_util.tree_map(place, data)
