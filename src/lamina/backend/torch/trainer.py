"""The torch engine's train / test / predict steps and how they are compiled.

The steps take the model and use only its public API (``__call__``, ``compute_loss``,
``optimizer.apply``), so this floor never imports the model floor.
"""

from __future__ import annotations

import warnings

import numpy as np
import torch

from lamina.backend.common import step_interface
from lamina.backend.common.looped_steps import LoopedSteps
from lamina.backend.torch import (
    core,
    data_parallel,
    distribution as engine_distribution,
    numpy as engine_numpy,
)
from lamina.backend.torch.core import get_device
from lamina.backend.torch.cuda_graphs import CudaGraphStep


def train_step(model, x, y, sample_weight):
    # DataParallel over processes: process 0's weights are sent to the others before the
    # first forward pass, and gradients are averaged across processes during backward.
    reducer = data_parallel.reducer_before_forward(model) if data_parallel.is_active() else None
    y_pred = model(x, training=True)
    loss = step_interface.step_loss(model, x, y, y_pred, sample_weight, training=True)
    variables = step_interface.trainable_variables(model)
    for variable in variables:
        variable.value.grad = None
    if reducer is None and data_parallel.is_active():  # the model was built by this call
        reducer = data_parallel.reducer_for(model, variables)
        y_pred = model(x, training=True)  # again, on process 0's weights
        loss = step_interface.step_loss(model, x, y, y_pred, sample_weight, training=True)
    if reducer is not None:
        reducer.begin()
    if loss.requires_grad:
        # As Keras: the gradients are of the scaled loss (the optimizer divides them back);
        # the loss returned, and logged, is unscaled.
        model.optimizer.scale_loss(loss).backward()
    if reducer is not None:
        reducer.finish()
    elif core.dtensor_type is not None:  # ModelParallel: a batch axis of several devices
        engine_distribution.average_gradients_over_batch(variables)
    gradients = [variable.value.grad for variable in variables]
    with torch.no_grad():
        model.optimizer.apply(gradients, variables)
    return loss, y_pred


def test_step(model, x, y, sample_weight):
    with torch.no_grad():
        y_pred = model(x, training=False)
        loss = step_interface.step_loss(model, x, y, y_pred, sample_weight, training=False)
    return loss, y_pred


def predict_step(model, x):
    with torch.no_grad():
        return model(x, training=False)


def no_grad():
    return torch.no_grad()


def compile_function(function, jit_compile: bool, returns_tensors: bool = False):
    """The step as it runs: eager by default; with ``jit_compile`` a replayed CUDA graph on
    a GPU (see cuda_graphs.py), ``torch.compile`` elsewhere. ``returns_tensors``: the step's
    outputs are kept by the caller (predict), so a graph's static outputs are copied."""
    if not jit_compile:
        return function
    if data_parallel.is_active():
        warnings.warn(
            "jit_compile=True is not supported with DataParallel over several processes on "
            "the torch engine yet (gradients are all-reduced from autograd hooks); the steps "
            "run eagerly.",
            stacklevel=2,
        )
        return function
    if get_device().startswith("cuda"):
        return CudaGraphStep(function, clone_outputs=returns_tensors)
    return _CompiledAfterFirstCall(function)


class _CompiledAfterFirstCall:
    """``torch.compile`` of a step, from its second call: the first builds what a step
    creates once (metric and optimizer variables), which must not be traced."""

    def __init__(self, function):
        self.function = function
        self.compiled = None

    def __call__(self, data):
        if self.compiled is None:
            outputs = self.function(data)
            self.compiled = torch.compile(self.function)
            return outputs
        return self.compiled(data)


def default_jit_compile() -> bool:
    return False


def check_can_train() -> None:
    """The torch engine trains (the NumPy engine raises here)."""


def batch_to_device(x):
    """A data batch leaf on the model's device. On CUDA a host batch is copied once into
    pinned memory and sent with ``non_blocking=True``: the host goes on to launch the step
    while the copy runs, queued before the kernels that read it. On the CPU this is
    ``convert_to_tensor`` (a NumPy batch is shared, not copied)."""
    if not core._accelerator_default or core._device_stack or not torch.cuda.is_available():
        return core.convert_to_tensor(x)
    if isinstance(x, np.ndarray) and x.dtype.kind in "biuf":
        x = torch.from_numpy(np.ascontiguousarray(x).reshape(x.shape))
    if isinstance(x, torch.Tensor) and x.device.type == "cpu":
        if not x.is_pinned():
            x = x.pin_memory()
        return x.to(get_device(), non_blocking=True)
    return core.convert_to_tensor(x)


def worker_start_method() -> str:
    """As torch's DataLoader: fork where the platform has it (workers inherit the dataset
    instead of unpickling it, and must not use CUDA), else spawn."""
    import multiprocessing
    import sys

    if sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods():
        return "fork"
    return "spawn"


def compile_steps(function, num_steps: int, concatenate_outputs: bool = False):
    """``compile(steps_per_execution=N)``: the step (eager or compiled) once per batch of a
    list, in one call; see common/looped_steps.py."""
    return LoopedSteps(function, concatenate_outputs, engine_numpy.concatenate)
