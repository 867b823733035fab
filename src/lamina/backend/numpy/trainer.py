"""The NumPy engine's steps: inference only (evaluate, predict), run eagerly.

NumPy has no automatic differentiation, so there is no training step: ``fit`` and
``train_on_batch`` call ``check_can_train``, which says which engine to use instead.
"""

from __future__ import annotations

import contextlib

from lamina.backend.common import step_interface
from lamina.backend.common.looped_steps import LoopedSteps
from lamina.backend.numpy import core, numpy as engine_numpy

_TRAINING_ERROR = (
    "The NumPy engine runs inference only (predict, evaluate): it has no automatic "
    "differentiation, so it cannot train. To train, set LAMINA_BACKEND=torch or "
    "LAMINA_BACKEND=jax before importing lamina."
)


def train_step(model, x, y, sample_weight):
    raise RuntimeError(_TRAINING_ERROR)


def test_step(model, x, y, sample_weight):
    y_pred = model(x, training=False)
    loss = step_interface.step_loss(model, x, y, y_pred, sample_weight, training=False)
    return loss, y_pred


def predict_step(model, x):
    return model(x, training=False)


def no_grad():
    return contextlib.nullcontext()


def compile_function(function, jit_compile: bool, returns_tensors: bool = False):
    """The step as it runs: NumPy has no compiler, so always the function itself."""
    return function


def default_jit_compile() -> bool:
    return False


def check_can_train() -> None:
    raise RuntimeError(_TRAINING_ERROR)


def batch_to_device(x):
    """A data batch leaf as a NumPy array (the host is the device: no copy)."""
    return core.convert_to_tensor(x)


def worker_start_method() -> str:
    """Fork where the platform has it (workers inherit the dataset), else spawn."""
    import multiprocessing
    import sys

    if sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods():
        return "fork"
    return "spawn"


def compile_steps(function, num_steps: int, concatenate_outputs: bool = False):
    """``compile(steps_per_execution=N)``: the step (eager or compiled) once per batch of a
    list, in one call; see common/looped_steps.py."""
    return LoopedSteps(function, concatenate_outputs, engine_numpy.concatenate)
