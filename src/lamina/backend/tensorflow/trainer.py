"""The TensorFlow engine's train / test / predict steps and their compilation as
``tf.function``.

The steps are written in the eager style of every engine (call the model, compute the loss,
``optimizer.apply``); gradients come from a ``tf.GradientTape`` over the trainable
variables. ``compile_function`` runs a step's first call eagerly (it creates what a step
creates once: optimizer slots, metric totals) and traces it as a ``tf.function`` from the
second call; variables are captured by reference, so callbacks see and may change real
values at every batch boundary.
"""

from __future__ import annotations

import contextlib

import numpy as np
import tensorflow as tf

from lamina.backend.common import step_interface
from lamina.backend.common.looped_steps import LoopedSteps
from lamina.backend.common.variables import KerasVariable
from lamina.backend.tensorflow import core, numpy as engine_numpy

compiled_steps_ran = False  # once True, Python-side step counters are stale (see core)
_TENSOR = object()  # marks where a graph output goes back into a step's outputs


def _dense(gradient):
    # Gathers (an Embedding's lookup) give tf.IndexedSlices; the optimizers' update rules
    # are written for dense tensors.
    if isinstance(gradient, tf.IndexedSlices):
        return tf.convert_to_tensor(gradient)
    return gradient


def train_step(model, x, y, sample_weight):
    with tf.GradientTape() as tape:
        y_pred = model(x, training=True)
        loss = step_interface.step_loss(model, x, y, y_pred, sample_weight, training=True)
        # As Keras: the gradients are of the scaled loss (the optimizer divides them back);
        # the loss returned, and logged, is unscaled.
        scaled = model.optimizer.scale_loss(loss)
    variables = step_interface.trainable_variables(model)
    if variables:
        gradients = tape.gradient(scaled, [variable.value for variable in variables])
        model.optimizer.apply([_dense(g) for g in gradients], variables)
    return loss, y_pred


def test_step(model, x, y, sample_weight):
    y_pred = model(x, training=False)
    loss = step_interface.step_loss(model, x, y, y_pred, sample_weight, training=False)
    return loss, y_pred


def predict_step(model, x):
    return model(x, training=False)


def no_grad():
    return contextlib.nullcontext()  # only a GradientTape records; none is open here


def compile_function(function, jit_compile: bool | str, returns_tensors: bool = False):
    """The step as it runs: eager when ``jit_compile`` is off, else a ``GraphStep``: a
    ``tf.function``, compiled by XLA only for an explicit ``jit_compile=True``. The default
    (``"auto"``) stays without XLA: measured on small models, XLA's compile (2-3 s per
    model on a 2-core CPU) costs more than the graph saves."""
    if not jit_compile:
        return function
    return GraphStep(function, xla=jit_compile is True)


def default_jit_compile() -> bool:
    return True


def check_can_train() -> None:
    """The TensorFlow engine trains (the NumPy engine raises here)."""


def _is_unread_logs(outputs) -> bool:
    # The trainer's LazyLogs (a dict computed on first read): reading it while tracing
    # would compute the metrics inside the graph for nothing; the caller reads fresh ones.
    return isinstance(outputs, dict) and getattr(outputs, "unread", False) is True


class GraphStep:
    """A step as a ``tf.function``, from its second call (see the module docstring).

    The outputs' tensors come back from the graph; everything else in them (None, Python
    numbers, the trainer's unread logs) is kept from the trace and put back around them.
    """

    def __init__(self, function, xla: bool = False):
        self.function = function
        self.xla = xla
        self.graph_function = None
        self._static: dict[str, object] = {}

    def __call__(self, data):
        global compiled_steps_ran
        if self.graph_function is None:
            outputs = self.function(data)
            self.graph_function = tf.function(self._traced, autograph=False, jit_compile=self.xla)
            return outputs
        tensors = self.graph_function(data)
        compiled_steps_ran = True
        return self._rebuild(tensors)

    def _traced(self, data):
        outputs = self.function(data)
        if _is_unread_logs(outputs):
            self._static = {"logs": outputs}
            return []
        leaves = tf.nest.flatten(outputs, expand_composites=False)
        leaves = [leaf.value if isinstance(leaf, KerasVariable) else leaf for leaf in leaves]
        is_tensor = [tf.is_tensor(leaf) for leaf in leaves]
        self._static = {
            "structure": outputs,
            "leaves": [_TENSOR if tensor else leaf for leaf, tensor in zip(leaves, is_tensor)],
        }
        # identity: a variable (or its read) returned as it is comes back as a value.
        return [tf.identity(leaf) for leaf, tensor in zip(leaves, is_tensor) if tensor]

    def _rebuild(self, tensors):
        if "logs" in self._static:
            return self._static["logs"]
        tensors = iter(tensors)
        leaves = [next(tensors) if leaf is _TENSOR else leaf for leaf in self._static["leaves"]]
        return tf.nest.pack_sequence_as(self._static["structure"], leaves)


def batch_to_device(x):
    """A data batch leaf as a tensor on the default device; a ``tf.data`` tensor stays as
    it is (no host round trip), except text, which goes to the host as NumPy bytes like
    every engine's (the string layers read it there)."""
    if isinstance(x, tf.Tensor) and x.dtype == tf.string:
        return x.numpy()
    return core.convert_to_tensor(x)


def worker_start_method() -> str:
    """TensorFlow's runtime is multithreaded and a forked child may deadlock in it:
    PyDataset worker processes start from a clean forkserver (spawn where there is none)."""
    import multiprocessing

    if "forkserver" in multiprocessing.get_all_start_methods():
        return "forkserver"
    return "spawn"


def compile_steps(function, num_steps: int, concatenate_outputs: bool = False):
    """``compile(steps_per_execution=N)``: N steps per call on a list of batches. A graph
    step (``GraphStep``) runs them as one ``tf.function`` holding a ``tf.while_loop``; an
    eager step loops in Python (see common/looped_steps.py)."""
    if isinstance(function, GraphStep):
        return GraphLoopSteps(function, num_steps, concatenate_outputs)
    return LoopedSteps(function, concatenate_outputs, engine_numpy.concatenate)


class GraphLoopSteps:
    """N calls of a ``GraphStep`` in one call of a graph, as Keras's TensorFlow trainer runs
    ``steps_per_execution``: the batches are stacked on a new leading axis and a
    ``tf.while_loop`` calls the step's own graph function on each in turn, so one dispatch
    runs N steps and the loop's body is the step traced once (not N copies of it).

    The step's first call (it runs eagerly, creating the optimizer's slots), an execution of
    fewer than N batches (the end of an epoch) and batches that differ in shape or hold text
    run through the ``GraphStep`` batch by batch.
    """

    def __init__(self, step: GraphStep, num_steps: int, concatenate_outputs: bool = False):
        self.step = step
        self.num_steps = num_steps
        self.concatenate_outputs = concatenate_outputs
        self._looped = LoopedSteps(step, concatenate_outputs, engine_numpy.concatenate)
        self.graph_function = None
        self._graph_for = None  # the step's graph function the loop was made around

    def __call__(self, batches):
        global compiled_steps_ran
        step = self.step
        stacked = None
        if step.graph_function is not None and len(batches) == self.num_steps:
            stacked = _stack_batches(batches)
        if stacked is None:
            return self._looped(batches)
        if self._graph_for is not step.graph_function:
            self.graph_function = tf.function(self._loop, autograph=False, jit_compile=step.xla)
            self._graph_for = step.graph_function
        tensors = self.graph_function(stacked)
        compiled_steps_ran = True
        return step._rebuild(tensors)

    def _loop(self, stacked):
        run = self.step.graph_function
        num_steps = self.num_steps
        # The first step outside the loop gives the outputs' dtypes and shapes to carry.
        first = run(_batch_at(stacked, 0))
        if self.concatenate_outputs:  # predict: every step's outputs, joined on axis 0
            arrays = [
                tf.TensorArray(tensor.dtype, size=num_steps, element_shape=tensor.shape).write(
                    0, tensor
                )
                for tensor in first
            ]

            def gather(index, arrays):
                outputs = run(_batch_at(stacked, index))
                return index + 1, [array.write(index, out) for array, out in zip(arrays, outputs)]

            _, arrays = tf.while_loop(
                lambda index, _: index < num_steps, gather, (tf.constant(1), arrays)
            )
            return [array.concat() for array in arrays]

        def step(index, _):
            return index + 1, run(_batch_at(stacked, index))

        _, outputs = tf.while_loop(
            lambda index, _: index < num_steps, step, (tf.constant(1), first)
        )
        return outputs  # the last step's, as a loop of single steps gives


def _stack_batches(batches):
    """The batches' leaves stacked on a new leading axis, or None when they differ in
    structure, shape or dtype, or hold something other than numeric tensors."""
    try:
        for batch in batches[1:]:
            tf.nest.assert_same_structure(batches[0], batch)
    except (TypeError, ValueError):
        return None
    stacked = []
    for leaves in zip(*(tf.nest.flatten(batch) for batch in batches)):
        if all(leaf is None for leaf in leaves):
            stacked.append(None)
            continue
        kind = _numeric_kind(leaves[0])
        if kind is None:
            return None  # text, a Python value, a sparse or ragged tensor: passed as they are
        shape = tuple(leaves[0].shape)
        if any(_numeric_kind(leaf) != kind or tuple(leaf.shape) != shape for leaf in leaves):
            return None
        stacked.append(tf.stack(leaves))
    return tf.nest.pack_sequence_as(batches[0], stacked)


def _numeric_kind(leaf) -> str | None:
    """The dtype name of a dense numeric tensor or array; None for anything else."""
    if isinstance(leaf, np.ndarray):
        return leaf.dtype.name if leaf.dtype.kind in "biuf" else None
    if isinstance(leaf, tf.Tensor):
        dtype = leaf.dtype
        return dtype.name if dtype.is_floating or dtype.is_integer or dtype.is_bool else None
    return None


def _batch_at(stacked, index):
    return tf.nest.map_structure(lambda leaf: None if leaf is None else leaf[index], stacked)
