"""The torch engine's train / test / predict steps and how they are compiled.

The steps take the model and use only its public API (``__call__``, ``compute_loss``,
``optimizer.apply``), so this floor never imports the model floor.
"""

from __future__ import annotations

import torch

from lamina.backend.torch.core import get_device
from lamina.backend.torch.cuda_graphs import CudaGraphStep


def train_step(model, x, y, sample_weight):
    y_pred = model(x, training=True)
    loss = model._compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True)
    variables = model._trainable_variables_for_step()
    for variable in variables:
        variable.value.grad = None
    if loss.requires_grad:
        # As Keras: the gradients are of the scaled loss (the optimizer divides them back);
        # the loss returned, and logged, is unscaled.
        model.optimizer.scale_loss(loss).backward()
    gradients = [variable.value.grad for variable in variables]
    with torch.no_grad():
        model.optimizer.apply(gradients, variables)
    return loss, y_pred


def test_step(model, x, y, sample_weight):
    with torch.no_grad():
        y_pred = model(x, training=False)
        loss = model._compute_loss(
            x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=False
        )
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
