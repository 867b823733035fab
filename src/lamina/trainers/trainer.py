"""Trainer: compile / fit / evaluate / predict, the same for every model and engine.

The step functions are the engine's (``backend.engine.trainer``); this loop only moves
batches and logs. Hot-path rules: metric values stay on the device (callbacks and the
progress bar convert them when they need numbers), no per-step tree walks beyond the batch
itself, the list of trainable variables is computed once per ``make_train_function``.
"""

from __future__ import annotations

import itertools
import warnings

from lamina import backend, ops
from lamina.backend import config as backend_config
from lamina.backend.common import tree
from lamina.backend.common.traceback_utils import filter_traceback
from lamina.metrics.state_updates import batched_state_updates
from lamina.trainers import distributed, stateful_adapter
from lamina.trainers.data_adapters import train_validation_split, unpack_x_y_sample_weight
from lamina.trainers.data_adapters.adapter import _is_array_like
from lamina.trainers.epoch_iterator import EpochIterator, releases_data
from lamina.trainers.executions import FreshLogs, check_steps_per_execution, executions
from lamina.trainers.logs import LazyLogs, flatten_logs, pythonify_logs
from lamina.trainers.single_batch import SingleBatchMethods

_engine_trainer = backend.engine.trainer


def _batch_size(x):
    first = tree.flatten(x)[0]
    return first.shape[0]


def _supports_jit(layer) -> bool:
    """As Keras: the step is compiled only when every layer can be traced; the string
    layers (host NumPy text) set ``supports_jit = False``."""
    if not getattr(layer, "supports_jit", True):
        return False
    return all(_supports_jit(child) for child in getattr(layer, "_layers", ()))


def _resolve_verbose(verbose):
    if verbose == "auto":
        return 1
    if verbose not in (0, 1, 2):
        raise ValueError(f"verbose must be 'auto', 0, 1 or 2; received {verbose!r}.")
    return verbose


class Trainer(SingleBatchMethods):
    def __init__(self):
        self.compiled = False
        self.optimizer = None
        self.loss = None
        self._compile_loss = None
        self._compile_metrics = None
        self._loss_tracker = None
        self._output_loss_trackers = []
        self._user_metrics = []
        self._trainable_variables_cache = None
        self.stop_training = False
        self.stop_evaluating = False
        self.stop_predicting = False
        self.history = None
        self.train_function = None
        self.test_function = None
        self.predict_function = None
        self._run_eagerly = False
        # None until compile sets them or ``jit_compile`` is first read: an uncompiled model's
        # predict then compiles where the engine does by default, as in Keras.
        self._jit_compile: bool | None = None
        self._jit_level: bool | str | None = None  # see compile
        self.steps_per_execution = 1
        self._executions: dict = {}  # kind -> (one-step function, its N-steps form)
        self._trainable_signature: tuple | None = None
        self._initial_epoch: int | None = None  # set by a callback in on_train_begin
        self._initial_step: int | None = None

    # ---- compile -------------------------------------------------------------------------

    def compile(
        self,
        optimizer="rmsprop",
        loss=None,
        loss_weights=None,
        metrics=None,
        weighted_metrics=None,
        run_eagerly=False,
        steps_per_execution=1,
        jit_compile="auto",
        auto_scale_loss=True,
    ):
        """Configures the model for training: the optimizer, the loss and the metrics.

        Args:
            optimizer: an optimizer instance or name (``"adam"``, ``"sgd"``...); names get the
                optimizer's default arguments.
            loss: a loss instance, name (``"mse"``, ``"categorical_crossentropy"``...) or
                function ``fn(y_true, y_pred)``; for a model with several outputs, a list or a
                dict keyed by output name, one per output. None trains on the losses the model
                adds itself (``add_loss``).
            loss_weights: scalars weighting each output's loss in the total (a list or a dict
                like ``loss``).
            metrics: metrics to report during training and evaluation: instances, names
                (``"accuracy"`` picks the accuracy matching the loss) or functions; a list, or
                for several outputs a list or dict of lists.
            weighted_metrics: metrics weighted by ``sample_weight`` / ``class_weight``.
            run_eagerly: run each step op by op, uncompiled (for debugging).
            steps_per_execution: how many batches each call of the compiled step runs.
            jit_compile: ``"auto"`` compiles the step where the engine does so by default
                (``jax.jit`` on JAX; eager on PyTorch); ``True`` on PyTorch replays steps as
                CUDA graphs on a GPU and uses ``torch.compile`` on the CPU.
            auto_scale_loss: with a ``mixed_float16`` dtype policy, wrap the optimizer in a
                ``LossScaleOptimizer`` so small float16 gradients do not underflow.

        Examples:
            ```python
            model.compile(
                optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                loss="sparse_categorical_crossentropy",
                metrics=["accuracy"],
            )
            ```
        """
        from lamina import losses as losses_module, metrics as metrics_module, optimizers
        from lamina.trainers.compile_utils import (
            CompileLoss,
            CompileMetrics,
            check_metrics_argument,
        )

        check_steps_per_execution(steps_per_execution)
        optimizer = optimizers.get(optimizer)
        if (
            auto_scale_loss
            and self.dtype_policy.name == "mixed_float16"
            and optimizer is not None
            and not isinstance(optimizer, optimizers.LossScaleOptimizer)
        ):
            # As Keras: float16 gradients underflow without a dynamic loss scale.
            optimizer = optimizers.LossScaleOptimizer(optimizer, name="loss_scale_optimizer")
        for item in tree.flatten(loss):
            if item is not None:
                losses_module.get(item)  # unknown names fail here, before any state changes
        check_metrics_argument("metrics", metrics)
        check_metrics_argument("weighted_metrics", weighted_metrics)
        for item in tree.flatten([metrics, weighted_metrics]):
            if isinstance(item, str) and item not in ("accuracy", "acc", "crossentropy", "ce"):
                metrics_module.get(item)
        self.optimizer = optimizer
        self.loss = loss
        self.loss_weights = loss_weights
        output_names = list(getattr(self, "output_names", None) or [])
        self._compile_loss = (
            CompileLoss(loss, loss_weights, output_names) if loss is not None else None
        )
        has_metrics = metrics is not None or weighted_metrics is not None
        self._compile_metrics = (
            CompileMetrics(metrics, weighted_metrics, output_names, loss) if has_metrics else None
        )
        self._loss_tracker = metrics_module.Mean(name="loss")
        self._output_loss_trackers = []
        if loss is not None and len(output_names) > 1:
            self._output_loss_trackers = [
                metrics_module.Mean(name=f"{name}_loss") for name in output_names
            ]
        self._run_eagerly = bool(run_eagerly)
        is_auto = jit_compile == "auto"
        if jit_compile == "auto":
            jit_compile = _engine_trainer.default_jit_compile() and _supports_jit(self)
        elif jit_compile and not _supports_jit(self):
            warnings.warn(
                "Model doesn't support `jit_compile=True` (a layer such as StringLookup or "
                "TextVectorization runs on host NumPy arrays). Proceeding with "
                "`jit_compile=False`.",
                stacklevel=2,
            )
            jit_compile = False
        self._jit_compile = bool(jit_compile) and not run_eagerly
        # What the engine's compile_function gets: "auto" lets an engine compile lighter than
        # an explicit True (TensorFlow: tf.function, with XLA only for jit_compile=True).
        self._jit_level = ("auto" if is_auto else True) if self._jit_compile else False
        self.steps_per_execution = steps_per_execution
        self._executions = {}
        self.compiled = True
        self.stop_training = False
        self.train_function = self.test_function = self.predict_function = None
        self._trainable_variables_cache = None

    @property
    def run_eagerly(self) -> bool:
        """True when steps run op by op, uncompiled (``compile(run_eagerly=True)``)."""
        return self._run_eagerly

    @run_eagerly.setter
    def run_eagerly(self, value):
        self._run_eagerly = bool(value)

    @property
    def jit_compile(self) -> bool:
        """True when the train, test and predict steps are compiled (see ``compile``). Before
        ``compile``, as Keras: the engine's default ("auto": JAX and TensorFlow compile,
        torch runs eagerly) for a model that can be compiled."""
        if self._jit_compile is None:
            self._jit_compile = bool(_engine_trainer.default_jit_compile() and _supports_jit(self))
            self._jit_level = "auto" if self._jit_compile else False
        return self._jit_compile

    @jit_compile.setter
    def jit_compile(self, value):
        if value and not _supports_jit(self):
            warnings.warn(
                "Model doesn't support `jit_compile=True` (a layer such as StringLookup or "
                "TextVectorization runs on host NumPy arrays). Proceeding with "
                "`jit_compile=False`.",
                stacklevel=2,
            )
            value = False
        self._jit_compile = bool(value)
        self._jit_level = self._jit_compile
        self.train_function = self.test_function = self.predict_function = None
        self._executions = {}

    def _assert_compiled(self, method):
        if not self.compiled:
            raise ValueError(
                f"You must call `compile()` before using the model ({method}); "
                f"model {self.name!r} is not compiled."
            )

    # ---- metrics -------------------------------------------------------------------------

    @property
    def metrics(self) -> list:
        """The model's metrics: the loss tracker, the compiled metrics, each output's loss, then
        the metrics the model tracks itself (Keras's order). Empty before ``compile``.
        """
        result = []
        if self.compiled:
            # Keras 3's order: the loss, the compiled metrics, then each output's loss.
            result.append(self._loss_tracker)
            if self._compile_metrics is not None:
                result.append(self._compile_metrics)
            result.extend(self._output_loss_trackers)
        result.extend(self._user_metrics)
        return result

    @property
    def metrics_names(self) -> list:
        """The names of ``metrics``, in the same order."""
        return [metric.name for metric in self.metrics]

    def reset_metrics(self):
        """Resets the state of every metric in ``metrics``."""
        for metric in self.metrics:
            metric.reset_state()

    def _python_metrics_result(self) -> dict:
        # Callbacks get Python floats, as from Keras 3 (the one host read of a step's logs).
        return pythonify_logs(self.get_metrics_result())

    def get_metrics_result(self) -> dict:
        """The current result of each metric, as ``{name: value}`` (one entry per scalar)."""
        return flatten_logs({metric.name: metric.result() for metric in self.metrics})

    def _metrics_result_or_logs(self, logs):
        """An epoch's logs as Keras makes them: the metrics' results, unless the steps
        returned other keys (a custom ``train_step``'s own logs): then the last step's."""
        results = self.get_metrics_result()
        if isinstance(logs, LazyLogs) and logs.unread:
            return results  # the metrics' own logs, untouched: no need to compute them again
        if isinstance(logs, dict) and set(logs) == set(results):
            return results
        return logs

    def _flatten_metrics_in_order(self, logs):
        names = []
        for metric in self.metrics:
            if self._compile_metrics is not None and metric is self._compile_metrics:
                names.extend(m.name for _, m, _ in metric.metrics)
            else:
                names.append(metric.name)
        names.extend(sorted(key for key in logs if key not in names))  # as Keras
        results = [logs[name] for name in names if name in logs]
        return results[0] if len(results) == 1 else results

    # ---- losses --------------------------------------------------------------------------

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The compiled loss plus the model's own losses (regularizers, ``add_loss``)."""
        total = None
        if self._compile_loss is not None and y is not None:
            total = self._compile_loss(y, y_pred, sample_weight)
        for extra in self.losses:
            total = extra if total is None else total + extra
        if total is None and self._compile_loss is not None:
            raise ValueError(
                "The model was compiled with a loss, but no targets `y` were given: pass "
                "`y` to fit/evaluate, or yield `(x, y)` batches from the data source."
            )
        if total is None:
            raise ValueError(
                "No loss to compute: pass a `loss` to `compile()`, or add losses in `call` "
                "with `add_loss`."
            )
        return total

    def _compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        loss = self.compute_loss(
            x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training
        )
        self._track_output_losses(x)
        return loss

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Updates the compiled metrics with one batch and returns the logs ``{name: value}``.

        Override it (with ``compute_loss``) to change what a custom ``train_step`` reports.
        """
        if self._compile_metrics is not None and y is not None:
            self._compile_metrics.update_state(y, y_pred, sample_weight)
        return LazyLogs(self._python_metrics_result)  # computed when a callback reads them

    def _track_output_losses(self, x):
        # Right where the per-output values are made: an engine that differentiates a pure
        # function (JAX) must not find them in Python attributes after it returns.
        if self._compile_loss is None:
            return
        per_output, self._compile_loss.last_per_output = self._compile_loss.last_per_output, None
        if self._output_loss_trackers and per_output:
            for tracker, value in zip(self._output_loss_trackers, per_output):
                if value is not None:
                    tracker.update_state(ops.stop_gradient(value), sample_weight=_batch_size(x))

    def _track_losses(self, loss, x):
        # Detached: the trackers must not keep this step's autograd graph alive.
        self._loss_tracker.update_state(ops.stop_gradient(loss), sample_weight=_batch_size(x))

    def _update_metrics(self, loss, x, y, y_pred, sample_weight):
        # The loss tracker's and the compiled metrics' adds, made together at the end (one
        # engine call: metrics/state_updates.py).
        with batched_state_updates():
            self._track_losses(loss, x)
            return self.compute_metrics(x, y, y_pred, sample_weight)

    # ---- steps ---------------------------------------------------------------------------

    def _trainable_variables_for_step(self) -> list:
        if self._trainable_variables_cache is None:
            self._trainable_variables_cache = list(self.trainable_weights)  # type: ignore[attr-defined]
        return self._trainable_variables_cache

    def train_step(self, data):
        """One training step on one batch: forward pass, loss, gradients, optimizer update.

        ``data`` is what the data source yields: ``x``, ``(x, y)`` or ``(x, y, sample_weight)``.
        Returns the logs ``{metric name: value}``. Override it to customize ``fit`` as in Keras;
        on JAX a ``train_step(self, state, data)`` that returns the new state works too.
        """
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        loss, y_pred = _engine_trainer.train_step(self, x, y, sample_weight)
        return self._update_metrics(loss, x, y, y_pred, sample_weight)

    def test_step(self, data):
        """One evaluation step on one batch (``x``, ``(x, y)`` or ``(x, y, sample_weight)``):
        updates the loss and metrics and returns the logs. ``evaluate`` calls it.
        """
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        loss, y_pred = _engine_trainer.test_step(self, x, y, sample_weight)
        return self._update_metrics(loss, x, y, y_pred, sample_weight)

    def predict_step(self, data):
        """One inference step: the model's outputs for the batch's ``x``. ``predict`` calls it."""
        x, _, _ = unpack_x_y_sample_weight(data)
        return _engine_trainer.predict_step(self, x)

    def make_train_function(self, force=False):
        """The function ``fit`` calls per batch (``train_step``, compiled when ``jit_compile``
        is on); made once and reused unless ``force``.
        """
        if self.train_function is None or force:
            self._trainable_variables_cache = None
            if stateful_adapter.takes_state(self.train_step):  # JAX-style (state, data) step
                self.train_function = stateful_adapter.make_function(self, "train")
            else:
                self.train_function = self._compiled_step(self.train_step)
        return self.train_function

    def make_test_function(self, force=False):
        """The function ``evaluate`` calls per batch (``test_step``, compiled when
        ``jit_compile`` is on)."""
        if self.test_function is None or force:
            if stateful_adapter.takes_state(self.test_step):  # JAX-style (state, data) step
                self.test_function = stateful_adapter.make_function(self, "test")
            else:
                self.test_function = self._compiled_step(self.test_step)
        return self.test_function

    def make_predict_function(self, force=False):
        """The function ``predict`` calls per batch (``predict_step``, compiled when
        ``jit_compile`` is on)."""
        if self.predict_function is None or force:
            if stateful_adapter.takes_state(self.predict_step):  # JAX-style (state, data) step
                self.predict_function = stateful_adapter.make_function(self, "predict")
            else:
                self.predict_function = _engine_trainer.compile_function(
                    self.predict_step, self.jit_compile and self._jit_level, returns_tensors=True
                )
        return self.predict_function

    def stateless_compute_loss(self, *args, **kwargs):
        """Keras's: ``compute_loss`` on given variable values (JAX-style steps); returns
        ``loss, (trainable, non_trainable, metrics_variables)``. See stateful_adapter."""
        return stateful_adapter.stateless_compute_loss(self, *args, **kwargs)

    def _compiled_step(self, step):
        if not self.jit_compile:
            return step
        return FreshLogs(self, _engine_trainer.compile_function(step, self._jit_level))

    def _execution_function(self, kind, function):
        """``function`` (one batch per call) as it runs ``steps_per_execution`` batches per
        call: on a list of batches, giving the last step's logs (predict: all outputs)."""
        num_steps = self.steps_per_execution
        if num_steps == 1:
            return function
        cached = self._executions.get(kind)
        if cached is not None and cached[0] is function:
            return cached[1]
        if isinstance(function, FreshLogs):
            steps = FreshLogs(self, _engine_trainer.compile_steps(function.function, num_steps))
        else:
            steps = _engine_trainer.compile_steps(function, num_steps, kind == "predict")
        self._executions[kind] = (function, steps)
        return steps

    # ---- fit -----------------------------------------------------------------------------

    @filter_traceback
    @distributed.reports_failures
    @releases_data
    def fit(
        self,
        x=None,
        y=None,
        batch_size=None,
        epochs=1,
        verbose="auto",
        callbacks=None,
        validation_split=0.0,
        validation_data=None,
        shuffle=True,
        class_weight=None,
        sample_weight=None,
        initial_epoch=0,
        steps_per_epoch=None,
        validation_steps=None,
        validation_batch_size=None,
        validation_freq=1,
    ):
        """Trains the model for ``epochs`` passes over the data.

        Args:
            x: the inputs: a NumPy array or tensor (or a list or dict of them for several
                inputs), or a data source that yields ``(x, y)`` or ``(x, y, sample_weight)``
                batches: a ``keras.utils.PyDataset``, a Python generator, a torch
                ``DataLoader`` or a ``tf.data.Dataset``. A data source carries its own targets
                and batch size.
            y: the targets, matching ``x`` (arrays only).
            batch_size: samples per step for arrays; default 32.
            epochs: the epoch to stop at (counted from 0, so with ``initial_epoch`` it is the
                last epoch's index plus one).
            verbose: ``"auto"`` or 1 (a progress bar), 2 (one line per epoch) or 0 (silent).
            callbacks: ``keras.callbacks.Callback`` instances called during training.
            validation_split: the fraction of the array data (taken from the end, before
                shuffling) held out to validate on after each epoch.
            validation_data: ``(x_val, y_val)``, ``(x_val, y_val, sample_weight_val)`` or a data
                source, to evaluate on after each epoch.
            shuffle: shuffle the array data before each epoch.
            class_weight: ``{class index: weight}`` scaling each sample's loss by its class.
            sample_weight: per-sample weights of the loss (arrays only).
            initial_epoch: the epoch to start at (to resume a run).
            steps_per_epoch: batches per epoch; default: the whole data once.
            validation_steps: batches of ``validation_data`` per validation.
            validation_batch_size: batch size for the validation arrays; default ``batch_size``.
            validation_freq: validate every this many epochs.

        Returns:
            A ``keras.callbacks.History``: ``history.history`` maps each metric (and
            ``val_`` metric) name to its value per epoch.

        Examples:
            ```python
            history = model.fit(x_train, y_train, batch_size=32, epochs=2, validation_split=0.1)
            history.history["loss"]  # one value per epoch
            ```
        """
        from lamina.callbacks import CallbackList

        self._assert_compiled("fit")
        _engine_trainer.check_can_train()
        verbose = distributed.chief_verbose(_resolve_verbose(verbose))
        _check_validation_freq(validation_freq)
        if validation_split and validation_data is None:
            if not _is_array_like(x):
                raise ValueError(
                    "validation_split is only supported for NumPy arrays and tensors; received "
                    f"x of type {type(x).__name__}. Pass `validation_data` instead."
                )
            (x, y, sample_weight), validation_data = train_validation_split(
                (x, y, sample_weight), validation_split
            )
        iterator = EpochIterator(
            x,
            y,
            sample_weight,
            batch_size=batch_size,
            steps_per_epoch=steps_per_epoch,
            shuffle=shuffle,
            class_weight=class_weight,
        )
        distributed.shard_iterator(iterator, training=True)  # each process its own part
        validation = None
        if validation_data is not None:
            val_x, val_y, val_weight = unpack_x_y_sample_weight(validation_data)
            validation = EpochIterator(
                val_x,
                val_y,
                val_weight,
                batch_size=validation_batch_size or batch_size,
                steps_per_epoch=validation_steps,
                shuffle=False,
            )
            distributed.shard_iterator(validation, training=False)
        callbacks = CallbackList(
            callbacks,
            add_history=True,
            add_progbar=verbose != 0,
            model=self,
            verbose=verbose,
            epochs=epochs,
            steps=iterator.num_batches,
        )
        self.stop_training = False
        # A new step only when the trainable variables changed (a layer frozen or unfrozen,
        # a model built since): a compiled step is traced once and kept across fit calls.
        trainable = tuple(id(v) for v in self.trainable_weights)  # type: ignore[attr-defined]
        train_function = self.make_train_function(force=trainable != self._trainable_signature)
        self._trainable_signature = trainable
        execute = self._execution_function("train", train_function)
        # A callback may move the start in on_train_begin (BackupAndRestore resuming a run):
        # to an epoch, as Keras, and past the batches of that epoch already trained.
        self._initial_epoch = self._initial_step = None
        callbacks.on_train_begin()
        if self._initial_epoch is not None:
            initial_epoch = self._initial_epoch
        skip_steps = self._initial_step or 0
        training_logs = None
        logs = {}
        cap = backend_config.max_epochs()  # a debugging cap (keras.config), as Keras
        if cap and cap < epochs:
            warnings.warn(f"Limiting epochs to {cap}", stacklevel=2)
            epochs = cap
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            callbacks.on_epoch_begin(epoch)
            # Batch hooks nobody implements are not called (logs are then never made).
            batch_begin = callbacks.wants("on_train_batch_begin")
            batch_end = callbacks.wants("on_train_batch_end")
            batches = itertools.islice(iterator, skip_steps, None) if skip_steps else iterator
            skip_steps = 0
            for first, last, data in executions(batches, self.steps_per_execution):
                if batch_begin:
                    callbacks.on_train_batch_begin(first)
                logs = execute(data)
                if batch_end:
                    callbacks.on_train_batch_end(last, logs)
                if self.stop_training:
                    break
            distributed.reduce_metrics(self)  # the whole run's values, in every process
            epoch_logs = pythonify_logs(self._metrics_result_or_logs(logs))
            if validation is not None and _should_validate(epoch, validation_freq):
                # As Keras: the fit's callbacks see the validation run's test hooks.
                val_logs = self._evaluate_iterator(validation, callbacks=callbacks, verbose=0)
                epoch_logs.update({f"val_{key}": value for key, value in val_logs.items()})
            callbacks.on_epoch_end(epoch, epoch_logs)
            training_logs = epoch_logs
            if self.stop_training:
                break
        if self.optimizer is not None and epochs > 0:
            # With `use_ema`, the moving averages become the weights (as Keras).
            self.optimizer.finalize_variable_values(self.trainable_weights)  # type: ignore[attr-defined]
        callbacks.on_train_end(logs=training_logs)
        return self.history

    # ---- evaluate ------------------------------------------------------------------------

    @filter_traceback
    @releases_data
    def evaluate(
        self,
        x=None,
        y=None,
        batch_size=None,
        verbose="auto",
        sample_weight=None,
        steps=None,
        callbacks=None,
        return_dict=False,
        **kwargs,
    ):
        """Returns the loss and metrics of the model on the given data (one pass, in batches).

        Args:
            x: the inputs, as for ``fit`` (arrays or a data source).
            y: the targets, matching ``x`` (arrays only).
            batch_size: samples per step for arrays; default 32.
            verbose: ``"auto"`` or 1 (a progress bar) or 0 (silent).
            sample_weight: per-sample weights of the loss (arrays only).
            steps: batches to evaluate; default: all of the data.
            callbacks: callbacks called during evaluation.
            return_dict: return ``{metric name: value}`` instead of a list.

        Returns:
            The loss alone when the model has no other metric, else a list ordered as
            ``metrics_names`` (or a dict with ``return_dict=True``).
        """
        self._assert_compiled("evaluate")
        if kwargs:
            raise ValueError(f"Arguments not recognized: {kwargs}")
        iterator = EpochIterator(
            x, y, sample_weight, batch_size=batch_size, steps_per_epoch=steps, shuffle=False
        )
        distributed.shard_iterator(iterator, training=False)
        verbose = distributed.chief_verbose(_resolve_verbose(verbose))
        logs = self._evaluate_iterator(iterator, callbacks, verbose)
        return logs if return_dict else self._flatten_metrics_in_order(logs)

    def _evaluate_iterator(self, iterator, callbacks, verbose):
        from lamina.callbacks import CallbackList

        if not isinstance(callbacks, CallbackList):
            callbacks = CallbackList(
                callbacks,
                add_progbar=verbose != 0,
                model=self,
                verbose=verbose,
                epochs=1,
                steps=iterator.num_batches,
            )
        test_function = self.make_test_function()
        self.reset_metrics()
        self.stop_evaluating = False  # a callback may set it to end the run (as Keras)
        callbacks.on_test_begin()
        batch_begin = callbacks.wants("on_test_batch_begin")
        batch_end = callbacks.wants("on_test_batch_end")
        logs = {}
        execute = self._execution_function("test", test_function)
        for first, last, data in executions(iterator, self.steps_per_execution):
            if batch_begin:
                callbacks.on_test_batch_begin(first)
            logs = execute(data)
            if batch_end:
                callbacks.on_test_batch_end(last, logs)
            if self.stop_evaluating:
                break
        distributed.reduce_metrics(self)  # the whole run's values, in every process
        logs = pythonify_logs(self._metrics_result_or_logs(logs))
        callbacks.on_test_end(logs)
        return logs

    # ---- predict -------------------------------------------------------------------------

    @filter_traceback
    @releases_data
    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """Runs the model on ``x`` in batches and returns the outputs as NumPy arrays.

        Args:
            x: the inputs: arrays or a data source (its targets, if any, are ignored).
            batch_size: samples per step for arrays; default 32.
            verbose: ``"auto"`` or 1 (a progress bar) or 0 (silent).
            steps: batches to run; default: all of the data.
            callbacks: callbacks called during prediction.

        Returns:
            The outputs for every sample, concatenated over the batches: an array, or a list or
            dict of arrays for a model with several outputs.
        """
        from lamina.callbacks import CallbackList

        verbose = distributed.chief_verbose(_resolve_verbose(verbose))
        iterator = EpochIterator(
            x,
            batch_size=batch_size,
            steps_per_epoch=steps,
            shuffle=False,
            check_split=not distributed.splits_predict(),
        )
        gather = distributed.split_predict(iterator)  # each process its part of each batch
        callbacks = CallbackList(
            callbacks,
            add_progbar=verbose != 0,
            model=self,
            verbose=verbose,
            epochs=1,
            steps=iterator.num_batches,
        )
        predict_function = self.make_predict_function()
        self.stop_predicting = False  # a callback may set it to end the run (as Keras)
        callbacks.on_predict_begin()
        batch_begin = callbacks.wants("on_predict_batch_begin")
        batch_end = callbacks.wants("on_predict_batch_end")
        batches = []
        execute = self._execution_function("predict", predict_function)
        for first, last, data in executions(iterator, self.steps_per_execution):
            if batch_begin:
                callbacks.on_predict_batch_begin(first)
            outputs = execute(data)
            if gather is not None:
                outputs = gather(outputs)  # the whole batch's, as in one process
            batches.append(outputs)
            if batch_end:
                callbacks.on_predict_batch_end(last, {"outputs": outputs})
            if self.stop_predicting:
                break
        if not batches:
            raise ValueError("predict() received no data: the input is empty.")
        outputs = _concatenate_batches(batches)
        callbacks.on_predict_end()
        return outputs

    # ---- compile config (saving) ---------------------------------------------------------

    def get_compile_config(self):
        """The ``compile()`` arguments as JSON, saved in ``.keras`` files; None if not compiled."""
        from lamina.trainers.compile_config import serialize_compile_config

        return serialize_compile_config(self)

    def compile_from_config(self, config):
        """Re-compile from ``get_compile_config()``, then build the optimizer's state."""
        import warnings

        from lamina.trainers.compile_config import deserialize_compile_config

        if type(self).compile is not Trainer.compile:
            warnings.warn(
                f"`compile()` was overridden by {type(self).__name__}, so `compile_from_config` "
                "does not know its arguments; the model was not re-compiled. Override "
                "`compile_from_config(config)` too.",
                stacklevel=2,
            )
            return
        self.compile(**deserialize_compile_config(config))
        if self.built and self.optimizer is not None:
            # As Keras: the slots exist before weights are loaded, so the file's state fits.
            self.optimizer.build(self.trainable_variables)


def _check_validation_freq(validation_freq) -> None:
    """Checked when ``fit`` starts: Keras finds a bad value only after the first epoch."""
    if isinstance(validation_freq, int) and validation_freq > 0:
        return
    if isinstance(validation_freq, (list, tuple, set)) and all(
        isinstance(epoch, int) for epoch in validation_freq
    ):
        return
    raise ValueError(
        "validation_freq must be a positive integer or a list of epochs (1-based); "
        f"received {validation_freq!r}."
    )


def _should_validate(epoch, validation_freq) -> bool:
    """Keras's ``validation_freq``: every N epochs, or the (1-based) epochs listed."""
    if isinstance(validation_freq, int):
        return (epoch + 1) % validation_freq == 0
    return epoch + 1 in validation_freq


def _concatenate_batches(batches):
    from lamina import ops

    first = batches[0]
    flat = [tree.flatten(batch) for batch in batches]
    merged = [
        backend.convert_to_numpy(ops.concatenate([items[i] for items in flat], axis=0))
        for i in range(len(flat[0]))
    ]
    return tree.pack_sequence_as(first, merged)
