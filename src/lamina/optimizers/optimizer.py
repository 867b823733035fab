"""The base Optimizer: slot variables, the update pipeline, learning rate, clipping and config.

``apply(grads, variables)`` runs, in Keras 3's order: drop ``None`` gradients, unscale by
``loss_scale_factor``, clip, decoupled weight decay, the subclass's update rule, the moving
average (``use_ema``), ``iterations += 1``, then each variable's ``constraint``. Every value
stays a tensor on the device: no step reads anything back to the host.
"""

from __future__ import annotations

import numbers
import re
import warnings

from lamina import backend, initializers, ops
from lamina.backend import global_state
from lamina.backend.common import stateless_scope
from lamina.optimizers import gradient_clipping
from lamina.optimizers.schedules import learning_rate_schedule as schedules
from lamina.optimizers.schedules.lookup import (
    deserialize as deserialize_schedule,
    serialize as serialize_schedule,
)
from lamina.serialization import deserialize_keras_object, serialize_keras_object

# The engine's multi-tensor optimizer kernels, when it has them (torch).
_KERNELS = getattr(backend.engine, "optimizer_kernels", None)


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _check_non_negative(argument: str, value) -> None:
    if value is not None and (not _is_number(value) or value < 0):
        raise ValueError(
            f"Argument `{argument}` must be a float >= 0. Received: {argument}={value!r}"
        )


_BUILTIN_UPDATE_STEP: dict = {}


def _update_step_is_builtin(cls) -> bool:
    """Whether ``cls.update_step`` is the one written with its ``_update`` rule (a built-in
    optimizer's), not a subclass's override: only then may a step use ``_update`` directly
    or an engine's fused kernel. Cached per class."""
    builtin = _BUILTIN_UPDATE_STEP.get(cls)
    if builtin is None:
        mro = cls.__mro__
        rule = next((i for i, c in enumerate(mro) if "_update" in c.__dict__), None)
        step = next(i for i, c in enumerate(mro) if "update_step" in c.__dict__)
        builtin = _BUILTIN_UPDATE_STEP[cls] = rule is not None and step >= rule
    return builtin


class Optimizer:
    """Base class of all optimizers; subclasses define ``build`` and ``update_step``.

    Args:
        learning_rate: A float, a ``LearningRateSchedule`` (evaluated at ``iterations``) or
            a callable taking no arguments that returns the rate.
        weight_decay: If set, each variable decays as ``variable -= variable *
            weight_decay * learning_rate`` before its update (decoupled weight decay).
        clipnorm: If set, each gradient is rescaled to an L2 norm of at most this value.
        clipvalue: If set, each gradient is clipped element-wise to ``[-clipvalue,
            clipvalue]``.
        global_clipnorm: If set, all gradients are rescaled together so that their joint
            L2 norm is at most this value. At most one of the three clip arguments may be set.
        use_ema: Keep an exponential moving average of the variables (``ema_momentum``),
            copied into them every ``ema_overwrite_frequency`` steps and by
            ``finalize_variable_values``.
        loss_scale_factor: Gradients are divided by this before the update (the loss is
            multiplied by it in ``scale_loss``), against float16 underflow.
        gradient_accumulation_steps: An int >= 2: gradients are summed over that many
            ``apply`` calls and the variables updated with their mean on the last one;
            ``iterations`` then counts updates (calls // steps), as schedules see it.
        name: Used as the scope of the optimizer's variables (``adam/iteration``).
    """

    def __init__(
        self,
        learning_rate,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        if kwargs.pop("decay", None) is not None:
            warnings.warn("Argument `decay` is no longer supported and will be ignored.")
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        self._check_arguments(
            weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
            ema_overwrite_frequency, loss_scale_factor,
        )  # fmt: skip
        if gradient_accumulation_steps is not None and (
            isinstance(gradient_accumulation_steps, bool)
            or not isinstance(gradient_accumulation_steps, int)
            or gradient_accumulation_steps < 2
        ):
            raise ValueError(
                "`gradient_accumulation_steps` must be an integer >= 2. Received: "
                f"gradient_accumulation_steps={gradient_accumulation_steps!r}"
            )
        self.name = name or global_state.unique_name(
            global_state.to_snake_case(type(self).__name__)
        )
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.built = False
        self._variables = []
        self._trainable_variables = []
        self._trainable_variables_indices = {}
        self._exclude_from_weight_decay = set()
        self._exclude_from_weight_decay_pattern = None
        self._use_weight_decay_cache = {}
        with backend.name_scope(self.name):
            self._iterations = backend.Variable(
                0,
                name="iteration",
                dtype="int64",
                trainable=False,
                aggregation="only_first_replica",
            )
        self._track_variable(self._iterations)
        # A host copy of the step count, so that per-step scalars (Adam's bias corrections)
        # need no device ops; any other write to `iterations` makes it re-read once.
        self._host_iterations = 0
        self._iterations._on_write = self._forget_host_iterations
        self._learning_rate = self._make_learning_rate(learning_rate)

    @staticmethod
    def _check_arguments(
        weight_decay, clipnorm, clipvalue, global_clipnorm, use_ema, ema_momentum,
        ema_overwrite_frequency, loss_scale_factor,
    ):  # fmt: skip
        for argument, value in (
            ("weight_decay", weight_decay),
            ("clipnorm", clipnorm),
            ("clipvalue", clipvalue),
            ("global_clipnorm", global_clipnorm),
        ):
            _check_non_negative(argument, value)
        if sum(value is not None for value in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                f"Received: clipnorm={clipnorm}, clipvalue={clipvalue}, "
                f"global_clipnorm={global_clipnorm}"
            )
        if loss_scale_factor is not None and (
            not _is_number(loss_scale_factor) or loss_scale_factor <= 0
        ):
            raise ValueError(
                f"Argument `loss_scale_factor` must be a float > 0. Received: "
                f"loss_scale_factor={loss_scale_factor!r}"
            )
        if use_ema:
            if not _is_number(ema_momentum) or not 0 <= ema_momentum <= 1:
                raise ValueError(
                    f"`ema_momentum` must be in the range [0, 1]. Received: "
                    f"ema_momentum={ema_momentum!r}"
                )
            if ema_overwrite_frequency is not None and (
                not isinstance(ema_overwrite_frequency, int) or ema_overwrite_frequency < 1
            ):
                raise ValueError(
                    "`ema_overwrite_frequency` must be an integer >= 1 or None. Received: "
                    f"ema_overwrite_frequency={ema_overwrite_frequency!r}"
                )

    def _make_learning_rate(self, learning_rate):
        if isinstance(learning_rate, schedules.LearningRateSchedule) or callable(learning_rate):
            return learning_rate
        if not _is_number(learning_rate):
            raise ValueError(
                "Argument `learning_rate` should be float, or an instance of "
                "LearningRateSchedule, or a callable (that takes no arguments and returns the "
                f"learning rate). Received instead: learning_rate={learning_rate!r}"
            )
        with backend.name_scope(self.name):
            variable = backend.Variable(
                float(learning_rate),
                name="learning_rate",
                dtype=backend.floatx(),
                trainable=False,
                aggregation="only_first_replica",
            )
        self._track_variable(variable)
        return variable

    # ---- variables -------------------------------------------------------------------------

    @property
    def iterations(self):
        """The number of updates applied so far: a non-trainable int64 Variable (with
        ``gradient_accumulation_steps``, a tensor: the ``apply`` calls // the steps)."""
        if self.gradient_accumulation_steps:
            return ops.floor_divide(self._iterations, self.gradient_accumulation_steps)
        return self._iterations

    @property
    def variables(self) -> list:
        """All of the optimizer's variables, in creation order (the order saved files use)."""
        return self._variables[:]

    def _track_variable(self, variable) -> None:
        self._variables.append(variable)

    def _untrack_variable(self, variable) -> None:
        self._variables = [v for v in self._variables if v is not variable]

    def _var_key(self, variable) -> int:
        return id(variable)

    def _get_variable_index(self, variable) -> int:
        return self._trainable_variables_indices[id(variable)]

    def build(self, variables) -> None:
        """Create the slot variables for ``variables``; subclasses extend it."""
        variables = list(variables)
        if self.use_ema:
            self._model_variables_moving_average = self.add_optimizer_variables(
                variables, "average"
            )
        if self.gradient_accumulation_steps:
            self._accumulated_gradients = self.add_optimizer_variables(
                variables, "gradient_accumulator"
            )
        self._trainable_variables = variables
        self._trainable_variables_indices = {id(v): i for i, v in enumerate(variables)}
        self.built = True

    def add_variable(
        self, shape, initializer="zeros", dtype=None, aggregation="none", layout=None, name=None
    ):
        """A non-trainable variable in this optimizer's scope, tracked in ``variables``.

        ``aggregation`` is the variable's (Keras's: ``"none"``, ``"mean"``, ``"sum"`` or
        ``"only_first_replica"``); ``layout`` (a ``lamina.distribution.TensorLayout``)
        places it on the devices, by default as the active distribution says.
        """
        with backend.name_scope(self.name):
            variable = backend.Variable(
                initializer=initializers.get(initializer),
                shape=shape,
                dtype=dtype,
                trainable=False,
                aggregation=aggregation,
                name=name,
                layout=layout,
            )
        self._track_variable(variable)
        return variable

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """A slot shaped like ``reference_variable``, named from its path.

        A ``dense/kernel`` variable's ``momentum`` slot is ``adam/dense_kernel_momentum``.
        """
        reference_name = getattr(reference_variable, "path", None) or str(reference_variable.name)
        slot_name = f"{reference_name.replace('/', '_').replace(':', '_')}_{name or 'var'}"
        slot = self.add_variable(
            shape=reference_variable.shape,
            initializer=initializer,
            dtype=reference_variable.dtype,
            name=slot_name,
            layout=getattr(reference_variable, "_layout", None),  # a slot is split as its variable
        )
        order = getattr(reference_variable, "_memory_order", None)
        if order is not None:
            # Stored as its variable (a torch conv kernel): the engine's multi-tensor update
            # kernels take their fast path only on operands with the same strides.
            slot._arrange(order)
        return slot

    def add_optimizer_variables(self, trainable_variables, name, initializer="zeros"):
        """One slot per variable for each name in ``name`` (a string or a list).

        With several names the slots are created variable by variable (``v0_momentum,
        v0_velocity, v1_momentum, …``), the order Keras saves them in.
        """
        names = [name] if isinstance(name, str) else list(name)
        inits = (
            initializer if isinstance(initializer, (list, tuple)) else [initializer] * len(names)
        )
        slots = tuple([] for _ in names)
        for variable in trainable_variables:
            for slot_list, slot_name, slot_init in zip(slots, names, inits):
                slot_list.append(self.add_variable_from_reference(variable, slot_name, slot_init))
        return slots[0] if isinstance(name, str) else slots

    def _check_variables_are_known(self, variables) -> None:
        indices = self._trainable_variables_indices
        for variable in variables:
            if id(variable) not in indices:
                raise ValueError(
                    f"Unknown variable: {variable}. This optimizer can only be called for the "
                    "variables it was originally built with. When working with a new set of "
                    "variables, you should recreate a new optimizer instance."
                )

    # ---- learning rate ---------------------------------------------------------------------

    @property
    def learning_rate(self):
        """The current rate: a Variable, or a schedule's tensor at ``iterations``."""
        return self._get_current_learning_rate()

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        previous = self._learning_rate
        if isinstance(learning_rate, schedules.LearningRateSchedule) or callable(learning_rate):
            self._learning_rate = learning_rate
            if isinstance(previous, backend.KerasVariable):
                self._untrack_variable(previous)
            return
        if not isinstance(previous, backend.KerasVariable):
            raise TypeError(
                "This optimizer was created with a `LearningRateSchedule` object (or a "
                "callable) as its `learning_rate` constructor argument, hence its learning "
                "rate is not settable. If you need the learning rate to be settable, you "
                "should instantiate the optimizer with a float `learning_rate` argument."
            )
        previous.assign(learning_rate)

    def _forget_host_iterations(self) -> None:
        self._host_iterations = None

    def host_iterations(self) -> int:
        """The step count as a Python int (read from the device only after outside writes)."""
        if self._host_iterations is None:
            self._host_iterations = int(self._iterations.numpy())
        return self._host_iterations

    def _get_current_learning_rate(self):
        if isinstance(self._learning_rate, schedules.LearningRateSchedule):
            return self._learning_rate(self.iterations)
        if isinstance(self._learning_rate, backend.KerasVariable):
            return self._learning_rate
        return self._learning_rate()

    # ---- the update ------------------------------------------------------------------------

    def assign(self, variable, value) -> None:
        """Sets ``variable`` to ``value`` (an update rule's building block, as in Keras)."""
        variable.assign(value)

    def assign_add(self, variable, value) -> None:
        """Adds ``value`` to ``variable`` in place."""
        variable.assign_add(value)

    def assign_sub(self, variable, value) -> None:
        """Subtracts ``value`` from ``variable`` in place."""
        variable.assign_sub(value)

    def update_step(self, gradient, variable, learning_rate) -> None:
        """Update ``variable`` (and its slots) from one gradient; subclasses define it."""
        raise NotImplementedError(
            f"Optimizer '{type(self).__name__}' must override "
            "`update_step(self, gradient, variable, learning_rate)`."
        )

    def apply_gradients(self, grads_and_vars):
        """``apply`` for a list of ``(gradient, variable)`` pairs; returns ``iterations``."""
        grads, trainable_variables = zip(*grads_and_vars)
        self.apply(grads, trainable_variables)
        return self._iterations

    def apply(self, grads, trainable_variables=None) -> None:
        """Update ``trainable_variables`` (those the optimizer was built with if omitted).

        The first call builds the optimizer's slots for ``trainable_variables``.
        """
        grads = list(grads)
        if not grads:
            return
        trainable_variables = self._resolve_variables(grads, trainable_variables)
        with backend.engine.trainer.no_grad():
            grads, trainable_variables = self._filter_empty_gradients(grads, trainable_variables)
            if self.loss_scale_factor is not None:
                grads = [ops.divide(g, self.loss_scale_factor) for g in grads]
            self._backend_apply_gradients(grads, trainable_variables)
            for variable in trainable_variables:
                constraint = getattr(variable, "constraint", None)
                if constraint is not None:
                    variable.assign(constraint(variable))

    def stateless_apply(self, optimizer_variables, grads, trainable_variables):
        """``apply(grads)`` on given values; returns ``(trainable_variables,
        optimizer_variables)``, the new values, without changing any variable.

        ``optimizer_variables`` are values for ``self.variables`` and ``trainable_variables``
        values for the variables the optimizer was built with, both in those orders. As
        Keras's, for JAX-style training steps and loops under ``jax.jit``: the optimizer
        must be built first (``optimizer.build(model.trainable_variables)``).
        """
        scope_class = stateless_scope.StatelessScope
        if not self.built:
            raise ValueError(
                f"To call `stateless_apply`, {type(self).__name__} must be built (its "
                "variables must exist). Build it with `optimizer.build(trainable_variables)`."
            )
        optimizer_variables = list(optimizer_variables)
        trainable_variables = list(trainable_variables)
        for given, expected, kind, meaning in (
            (optimizer_variables, self.variables, "optimizer_variables", "optimizer.variables"),
            (
                trainable_variables,
                self._trainable_variables,
                "trainable_variables",
                "variable it was built with",
            ),
        ):
            if len(given) != len(expected):
                raise ValueError(
                    f"Optimizer {self.name!r}: stateless_apply expects {len(expected)} values "
                    f"in {kind} (one per {meaning}, in order); received {len(given)}."
                )
        mapping = list(zip(self._trainable_variables, trainable_variables))
        mapping += zip(self.variables, optimizer_variables)
        with scope_class(state_mapping=mapping) as scope:
            self.apply(grads)
        # Every variable is mapped, so each has a value in the scope (new or as given).
        return (
            [scope.get_current_value(variable) for variable in self._trainable_variables],
            [scope.get_current_value(variable) for variable in self.variables],
        )

    def _resolve_variables(self, grads, trainable_variables) -> list:
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "When passing `grads` without `variables`, the optimizer must already be "
                    "built on a list of variables. Call `optimizer.build(trainable_variables)` "
                    "first."
                )
            trainable_variables = self._trainable_variables
        else:
            trainable_variables = list(trainable_variables)
        if len(grads) != len(trainable_variables):
            raise ValueError(
                f"Expected one gradient per variable: received {len(grads)} gradients for "
                f"{len(trainable_variables)} variables."
            )
        if not self.built:
            self.build(trainable_variables)
        self._check_variables_are_known(trainable_variables)
        return trainable_variables

    def _filter_empty_gradients(self, grads, variables):
        if all(g is not None for g in grads):
            return grads, variables
        missing = [v.name for g, v in zip(grads, variables) if g is None]
        pairs = [(g, v) for g, v in zip(grads, variables) if g is not None]
        if not pairs:
            raise ValueError("No gradients provided for any variable.")
        warnings.warn(
            f"Gradients do not exist for variables {missing} when minimizing the loss. If "
            "using `model.compile()`, did you forget to provide a `loss` argument?"
        )
        return [g for g, _ in pairs], [v for _, v in pairs]

    def _backend_apply_gradients(self, grads, trainable_variables) -> None:
        learning_rate = self._get_current_learning_rate()
        if self.gradient_accumulation_steps:
            self._accumulate_or_update(grads, trainable_variables, learning_rate)
        else:
            self._update_variables(grads, trainable_variables, learning_rate)
        if self.use_ema:
            self._update_model_variables_moving_average(self._trainable_variables)
        host = self._host_iterations
        self._iterations.assign_add(1)
        if host is None or not backend.engine.core.step_counters_on_host():
            self._host_iterations = None  # re-read from the device when next needed
        else:
            self._host_iterations = host + 1

    def _update_variables(self, grads, trainable_variables, learning_rate) -> None:
        grads = self._clip_gradients(grads)
        self._apply_weight_decay(trainable_variables, learning_rate)
        self._backend_update_step(grads, trainable_variables, learning_rate)

    def _accumulate_or_update(self, grads, trainable_variables, learning_rate) -> None:
        """Add ``grads`` to the accumulators, or, on every ``gradient_accumulation_steps``-th
        call, update with the mean of the accumulated gradients and reset the accumulators."""
        steps = self.gradient_accumulation_steps
        accumulators = [
            self._accumulated_gradients[self._get_variable_index(v)] for v in trainable_variables
        ]
        sums = [ops.add(a, ops.cast(g, a.dtype)) for g, a in zip(grads, accumulators)]
        if backend.engine.core.step_counters_on_host():
            # The host knows the step count: a Python branch costs nothing.
            if (self.host_iterations() + 1) % steps:
                for accumulator, total in zip(accumulators, sums):
                    accumulator.assign(total)
                return
            averages = [ops.divide(total, steps) for total in sums]
            self._update_variables(averages, trainable_variables, learning_rate)
            for accumulator in accumulators:
                accumulator.assign(ops.zeros_like(accumulator))
            return
        # Compiled or replayed steps: run the update on every call and keep its results only
        # on update steps (`where` on the device), instead of a `cond` that the engines
        # cannot trace with in-place updates.
        is_update_step = ops.equal(ops.mod(ops.add(self._iterations, 1), steps), 0)
        kept = {id(a) for a in self._accumulated_gradients} | {id(self._iterations)}
        state = [v for v in (*trainable_variables, *self._variables) if id(v) not in kept]
        before = [ops.copy(v.value) for v in state]
        averages = [ops.divide(total, steps) for total in sums]
        self._update_variables(averages, trainable_variables, learning_rate)
        for variable, old in zip(state, before):
            variable.assign(ops.where(is_update_step, variable.value, old))
        for accumulator, total in zip(accumulators, sums):
            accumulator.assign(ops.where(is_update_step, ops.zeros_like(total), total))

    # The engine's multi-tensor kernel for this rule (``backend/<engine>/optimizer_kernels``)
    # and what it takes besides variables, gradients and ``_step_constants``: subclasses
    # that have one set ``_kernel`` and write ``_kernel_arguments``.
    _kernel: str | None = None

    def _kernel_arguments(self, indices: list) -> tuple[list, dict]:
        """(slot variable lists in the kernel's order, hyperparameters) for the variables
        at ``indices``."""
        raise NotImplementedError

    def _run_kernel(self, grads, trainable_variables, learning_rate) -> bool:
        """One multi-tensor update for all variables, when the engine has this rule's kernel,
        the rule (``_update``) is the class's own (not a subclass's override) and the
        variables share a dtype (the step constants are per dtype). False otherwise."""
        kernel = getattr(_KERNELS, self._kernel or "", None)
        if kernel is None or not trainable_variables or stateless_scope.scopes_open:
            return False  # (a kernel writes the variables' memory: not inside a scope)
        owner = next(c for c in type(self).__mro__ if "_kernel" in c.__dict__)
        if getattr(type(self), "_update", None) is not owner.__dict__.get("_update"):
            return False
        dtypes = {variable.dtype for variable in trainable_variables}
        if len(dtypes) != 1:
            return False
        constants = self._step_constants(learning_rate, dtypes.pop())
        indices = [self._get_variable_index(variable) for variable in trainable_variables]
        slots, hyperparameters = self._kernel_arguments(indices)
        kernel(trainable_variables, grads, constants, *slots, **hyperparameters)
        return True

    def _backend_update_step(self, grads, trainable_variables, learning_rate) -> None:
        # Built-in optimizers split their rule into scalars shared by a whole step
        # (``_step_constants``: learning rate cast, bias corrections), computed once per dtype,
        # and the per-variable tensor work (``_update``). A subclass that overrides
        # ``update_step`` (Keras's public hook) takes the generic loop, which calls it.
        update = getattr(self, "_update", None)
        if update is None or not _update_step_is_builtin(type(self)):
            for gradient, variable in zip(grads, trainable_variables):
                self.update_step(gradient, variable, learning_rate)
            return
        if self._kernel is not None and self._run_kernel(grads, trainable_variables, learning_rate):
            return
        constants_by_dtype: dict = {}
        for gradient, variable in zip(grads, trainable_variables):
            dtype = variable.dtype
            constants = constants_by_dtype.get(dtype)
            if constants is None:
                constants = constants_by_dtype[dtype] = self._step_constants(learning_rate, dtype)
            update(gradient, variable, constants)

    def _step_constants(self, learning_rate, dtype):
        """Scalars a whole step shares (per dtype); built-in rules fold more in here."""
        return ops.cast(learning_rate, dtype)

    def _clip_gradients(self, grads) -> list:
        if self.clipnorm:
            return [gradient_clipping.clip_by_norm(g, self.clipnorm) for g in grads]
        if self.global_clipnorm:
            return gradient_clipping.clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue:
            return [gradient_clipping.clip_by_value(g, self.clipvalue) for g in grads]
        return grads

    def scale_loss(self, loss):
        """``loss * loss_scale_factor`` (``loss`` when no factor is set)."""
        if self.loss_scale_factor is not None:
            return ops.multiply(loss, self.loss_scale_factor)
        return loss

    # ---- weight decay ----------------------------------------------------------------------

    def exclude_from_weight_decay(self, var_list=None, var_names=None) -> None:
        """Exempt ``var_list`` and variables whose name contains any of ``var_names``.

        Call it before the optimizer is built (before the first ``apply``).
        """
        if self.built:
            raise ValueError(
                "`exclude_from_weight_decay()` can only be configured before the optimizer "
                "is built."
            )
        self._exclude_from_weight_decay = {id(v) for v in var_list or ()}
        self._exclude_from_weight_decay_pattern = (
            re.compile("|".join(re.escape(n) for n in sorted(set(var_names))))
            if var_names
            else None
        )
        self._use_weight_decay_cache = {}

    def _use_weight_decay(self, variable) -> bool:
        key = id(variable)
        use = self._use_weight_decay_cache.get(key)
        if use is None:
            pattern = self._exclude_from_weight_decay_pattern
            use = key not in self._exclude_from_weight_decay and (
                pattern is None or pattern.search(variable.name) is None
            )
            self._use_weight_decay_cache[key] = use
        return use

    def _apply_weight_decay(self, variables, learning_rate) -> None:
        if not self.weight_decay:
            return
        decay_by_dtype: dict = {}
        decayed_by_dtype: dict = {}
        for variable in variables:
            if not self._use_weight_decay(variable):
                continue
            decay = decay_by_dtype.get(variable.dtype)
            if decay is None:
                decay = ops.multiply(ops.cast(learning_rate, variable.dtype), self.weight_decay)
                decay_by_dtype[variable.dtype] = decay
            decayed_by_dtype.setdefault(variable.dtype, []).append(variable)
        # The engine's multi-tensor kernel, when it has one (tested to agree with the rule).
        kernel = getattr(_KERNELS, "weight_decay_update", None)
        if stateless_scope.scopes_open:
            kernel = None  # it writes the variables' memory: not inside a StatelessScope
        for dtype, decayed in decayed_by_dtype.items():
            decay = decay_by_dtype[dtype]
            if kernel is not None:
                kernel(decayed, decay)
                continue
            for variable in decayed:
                variable.assign(ops.subtract(variable, ops.multiply(variable, decay)))

    # ---- exponential moving average --------------------------------------------------------

    def _update_model_variables_moving_average(self, variables) -> None:
        # The first step copies the variables (momentum 0); later steps average.
        is_later_step = ops.not_equal(self._iterations, 0)
        for variable, average in zip(variables, self._model_variables_moving_average):
            momentum = ops.multiply(ops.cast(is_later_step, variable.dtype), self.ema_momentum)
            average.assign(
                ops.add(ops.multiply(momentum, average), ops.multiply(1.0 - momentum, variable))
            )
        if self.ema_overwrite_frequency:
            # `where`, not `cond`: choosing on the device avoids reading the step count back.
            is_overwrite_step = ops.equal(
                ops.mod(ops.add(self._iterations, 1), self.ema_overwrite_frequency), 0
            )
            for variable, average in zip(variables, self._model_variables_moving_average):
                variable.assign(ops.where(is_overwrite_step, average, variable))

    def finalize_variable_values(self, var_list) -> None:
        """Copy the moving averages into ``var_list`` (when ``use_ema``); the end of ``fit``."""
        if self.use_ema:
            for variable, average in zip(var_list, self._model_variables_moving_average):
                variable.assign(average)

    # ---- state and config ------------------------------------------------------------------

    def set_weights(self, weights) -> None:
        """Assigns ``weights`` (NumPy arrays, in the order of ``variables``) to the optimizer's
        variables; the optimizer must be built, and the count and shapes must match.
        """
        if not self.built:
            raise ValueError(
                "You are calling `set_weights()` on an optimizer that has not yet been built. "
                "Please call `optimizer.build(trainable_variables)` to create the optimizer "
                "weights before calling `set_weights()`."
            )
        weights = list(weights)
        if len(weights) != len(self.variables):
            raise ValueError(
                f"Optimizer '{self.name}' has {len(self.variables)} variables; received "
                f"{len(weights)} weights."
            )
        for variable, weight in zip(self.variables, weights):
            if tuple(variable.shape) != tuple(weight.shape):
                raise ValueError(
                    f"Optimizer variable {variable.path!r} has shape {variable.shape}, not "
                    f"compatible with provided weight shape {tuple(weight.shape)}."
                )
        for variable, weight in zip(self.variables, weights):
            variable.assign(weight)

    def save_own_variables(self, store) -> None:
        """Writes the optimizer's variables into ``store`` (keyed by position; saving calls it)."""
        for index, variable in enumerate(self.variables):
            store[str(index)] = variable.numpy()

    def load_own_variables(self, store) -> None:
        """Assigns what ``save_own_variables`` wrote; a store with another number of variables
        is skipped with a warning (the optimizer was not built yet), as in Keras.
        """
        if len(store.keys()) != len(self.variables):
            message = (
                f"Skipping variable loading for optimizer '{self.name}', because it has "
                f"{len(self.variables)} variables whereas the saved optimizer has "
                f"{len(store.keys())} variables. "
            )
            if not self.built:
                message += "This is likely because the optimizer has not been called/built yet."
            warnings.warn(message, stacklevel=2)
            return
        for index, variable in enumerate(self.variables):
            variable.assign(store[str(index)])

    def get_config(self) -> dict:
        """The constructor arguments, JSON-ready (``from_config`` rebuilds the optimizer)."""
        learning_rate = self._learning_rate
        if isinstance(learning_rate, schedules.LearningRateSchedule):
            learning_rate = serialize_schedule(learning_rate)
        elif isinstance(learning_rate, backend.KerasVariable):
            learning_rate = float(learning_rate.numpy())
        else:
            learning_rate = serialize_keras_object(learning_rate)
        return {
            "name": self.name,
            "learning_rate": learning_rate,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Creates an optimizer from ``get_config()``'s dictionary; a learning-rate schedule or
        function in it is rebuilt through the safe loader (``custom_objects`` may name it).
        """
        config = dict(config)
        learning_rate = config.get("learning_rate")
        if isinstance(learning_rate, dict):
            if learning_rate.get("class_name") == "function":
                config["learning_rate"] = deserialize_keras_object(
                    learning_rate, custom_objects=custom_objects, kind="learning rate"
                )
            else:
                config["learning_rate"] = deserialize_schedule(learning_rate, custom_objects)
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r}, built={self.built}>"
