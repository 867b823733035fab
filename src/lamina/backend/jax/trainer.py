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

from lamina.backend.jax import core
from lamina.backend.jax.core import RecordingScope, StatelessScope

compiled_steps_ran = False  # once True, Python-side step counters are stale (see core)


def train_step(model, x, y, sample_weight):
    if not model.built:
        # A subclassed model makes its weights on its first call: make them before
        # differentiating with respect to them (the scope drops this call's state changes).
        with StatelessScope():
            model(x, training=True)
        model._trainable_variables_cache = None
    variables = model._trainable_variables_for_step()
    written: list = []

    def loss_and_updates(values):
        with StatelessScope(state_mapping=zip(variables, values)) as scope:
            y_pred = model(x, training=True)
            loss = model._compute_loss(
                x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True
            )
        model._clear_losses()  # add_loss values are traced here: none may outlive the step
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
    loss = model._compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=False)
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
        model._clear_losses()


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
        if self.variables is not None:
            values = [variable._value for variable in self.variables]
            if core.outside_writes != self._writes_seen:
                self._writes_seen = core.outside_writes
                if len({id(value) for value in values}) != len(values):
                    values = _distinct_buffers(values)
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
