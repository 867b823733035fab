"""Keras-JAX-style steps in ``fit`` / ``evaluate`` / ``predict``.

On Keras's JAX backend a user's step is a pure function of the model's state::

    def train_step(self, state, data):
        trainable, non_trainable, optimizer_variables, metrics_variables = state
        ...
        return logs, (trainable, non_trainable, optimizer_variables, metrics_variables)

``test_step(self, state, data)`` takes and returns ``(trainable, non_trainable,
metrics_variables)``; ``predict_step(self, state, data)`` takes ``(trainable,
non_trainable)`` and returns ``(outputs, non_trainable)``.

Lamina's engines run stateful steps (``step(data)``). The adapter here turns such a pure
step into one: it gathers the state from the variables (in Keras's orders: the model's
``trainable_variables`` and ``non_trainable_variables``, ``optimizer.variables``, then the
``variables`` of each of ``model.metrics`` in turn), calls the user's step, and assigns the
returned state back. Under the JAX engine's ``JitStep`` those reads and assignments are
swapped for traced values, so the whole step is still jitted as one pure function.

Also here: ``stateless_compute_loss``, which the guide's steps call (a ``Trainer`` method).
"""

from __future__ import annotations

import functools
import inspect

from lamina import backend
from lamina.backend.common.stateless_scope import StatelessScope
from lamina.trainers.data_adapters import unpack_x_y_sample_weight
from lamina.trainers.logs import LazyLogs, pythonify_logs

_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)

# The parts of the state each kind of step receives and returns, in order.
_GROUPS = {
    "train": ("trainable_variables", "non_trainable_variables", "optimizer_variables",
              "metrics_variables"),
    "test": ("trainable_variables", "non_trainable_variables", "metrics_variables"),
    "predict": ("trainable_variables", "non_trainable_variables"),
}  # fmt: skip


def takes_state(step) -> bool:
    """Whether the bound method ``step`` is written ``step(self, state, data)``: two
    positional parameters, where Lamina's own steps take one (``data``)."""
    try:
        parameters = inspect.signature(step).parameters.values()
    except (TypeError, ValueError):
        return False
    return sum(parameter.kind in _POSITIONAL for parameter in parameters) == 2


def _check_engine(kind: str):
    if backend.backend() != "jax":
        raise NotImplementedError(
            f"{kind}_step(self, state, data), a JAX-style step (it takes `state` before "
            "`data`), needs the jax engine, whose compiled step threads the state through; "
            f"the active engine is {backend.backend()!r}. Write it as `{kind}_step(self, "
            "data)`, updating the variables in place, or use the jax engine."
        )


def make_function(model, kind: str):
    """The ``train_function`` / ``test_function`` / ``predict_function`` of ``model`` whose
    ``{kind}_step`` takes ``(state, data)``; compiled as the trainer compiles its own."""
    _check_engine(kind)
    step = _StatefulStep(model, kind)
    if kind == "predict":
        return backend.engine.trainer.compile_function(
            step, model.jit_compile, returns_tensors=True
        )
    compiled = model._compiled_step(step)

    def run(data):
        # The step hands back the user's logs (device arrays, possibly nested like
        # {"compile_metrics": {...}}): callbacks get them flat, as Python numbers, on read.
        return LazyLogs(functools.partial(pythonify_logs, compiled(data)))

    return run


class _StatefulStep:
    """``step(data)`` running the model's ``{kind}_step(state, data)`` on its variables."""

    def __init__(self, model, kind: str):
        self.model = model
        self.kind = kind
        self.user_step = getattr(model, f"{kind}_step")
        self.groups: list | None = None  # the variables of each part of the state

    def __call__(self, data):
        if self.groups is None:
            self.groups = self._build(data)
        state = tuple([variable.value for variable in group] for group in self.groups)
        returned = self.user_step(state, data)
        expected = (
            "(outputs, non_trainable_variables)" if self.kind == "predict" else "(logs, state)"
        )
        if not isinstance(returned, (tuple, list)) or len(returned) != 2:
            raise ValueError(
                f"{type(self.model).__name__}.{self.kind}_step(self, state, data) must return "
                f"`{expected}`; received {_describe(returned)}."
            )
        if self.kind == "predict":
            outputs, non_trainable = returned
            self._assign_group(1, state[1], non_trainable)
            return outputs
        logs, new_state = returned
        names = _GROUPS[self.kind]
        if not isinstance(new_state, (tuple, list)) or len(new_state) != len(names):
            raise ValueError(
                f"{type(self.model).__name__}.{self.kind}_step must return `(logs, state)` "
                f"with state = ({', '.join(names)}); received a state of "
                f"{_describe(new_state)}."
            )
        for index, (old, new) in enumerate(zip(state, new_state)):
            self._assign_group(index, old, new)
        return logs

    def _build(self, data) -> list:
        """Make what the first step needs (as Keras's symbolic build before fit): the
        model's weights, the compiled metrics' variables, the optimizer's slots; then the
        lists of variables that make up the state."""
        model = self.model
        x, y, _ = unpack_x_y_sample_weight(data)
        compile_metrics = getattr(model, "_compile_metrics", None)
        if self.kind == "predict" or y is None or (compile_metrics and compile_metrics.built):
            compile_metrics = None  # nothing to build there
        if not model.built or compile_metrics is not None:
            # One forward pass whose state changes are dropped, for shapes and weights.
            with StatelessScope():
                y_pred = model(x, training=False)
                if compile_metrics is not None:
                    compile_metrics.build(y, y_pred)
            model._trainable_variables_cache = None
        groups = [list(model.trainable_variables), list(model.non_trainable_variables)]
        if self.kind == "train":
            optimizer = model.optimizer
            if not optimizer.built:
                optimizer.build(groups[0])
            groups.append(optimizer.variables)
        if self.kind != "predict":
            groups.append([v for metric in model.metrics for v in metric.variables])
        return groups

    def _assign_group(self, index: int, old: list, new) -> None:
        assert self.groups is not None
        variables = self.groups[index]
        name = _GROUPS[self.kind][index]
        new = list(new)
        if len(new) != len(variables):
            raise ValueError(
                f"{type(self.model).__name__}.{self.kind}_step returned {len(new)} values for "
                f"{name}; the model has {len(variables)} (state must keep the order and length "
                "it was given)."
            )
        for variable, before, value in zip(variables, old, new):
            if value is not before:  # unchanged values need no write
                variable.assign(value)


def _describe(value) -> str:
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of length {len(value)}"
    return f"a {type(value).__name__}"


def stateless_compute_loss(
    model,
    trainable_variables,
    non_trainable_variables,
    metrics_variables,
    x=None,
    y=None,
    y_pred=None,
    sample_weight=None,
    training=True,
):
    """Keras's ``Model.stateless_compute_loss``: ``compute_loss`` on the given values.

    Returns ``loss, (trainable_variables, non_trainable_variables, metrics_variables)``
    with the new values (the loss trackers of a multi-output model, the model's own losses
    read from the given weights); no variable changes.
    """
    scope_class = StatelessScope
    groups = (
        list(model.trainable_variables),
        list(model.non_trainable_variables),
        [v for metric in model.metrics for v in metric.variables],
    )
    given = (list(trainable_variables), list(non_trainable_variables), list(metrics_variables))
    names = ("trainable_variables", "non_trainable_variables", "metrics_variables")
    mapping: list = []
    for variables, values, name in zip(groups, given, names):
        if len(values) != len(variables):
            raise ValueError(
                f"Model {model.name!r}: stateless_compute_loss expects {len(variables)} values "
                f"in {name}; received {len(values)}."
            )
        mapping.extend(zip(variables, values))
    with scope_class(state_mapping=mapping) as scope:
        loss = model._compute_loss(
            x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training
        )
    new_non_trainable = [scope.get_current_value(v) for v in groups[1]]
    new_metrics = [scope.get_current_value(v) for v in groups[2]]
    return loss, (given[0], new_non_trainable, new_metrics)
