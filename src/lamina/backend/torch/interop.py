"""Other frameworks' objects inside Lamina layers, on PyTorch.

A ``torch.nn.Module`` is at home here (``TorchModuleWrapper``): its parameters and buffers
become Variables that share the module's memory, so ``fit`` updates the module itself.
JAX pytrees and Flax modules (``JaxLayer``, ``FlaxLayer``) need the jax engine.
"""

from __future__ import annotations

import torch

from lamina.backend.torch.core import Variable, dtype_name, get_device

HOSTS_TORCH_MODULES = True
HOSTS_JAX_FUNCTIONS = False


class SharedVariable(Variable):
    """A Variable whose value is an existing tensor itself: a module's ``nn.Parameter``, or
    one of its buffers. Writes go into that memory, so the module sees every one."""

    def _initialize(self, value):
        self._value = value  # no copy: the module keeps reading and writing this tensor

    def assign_owned(self, value) -> None:
        # The base class may swap in the array's memory instead of copying; that would
        # detach the Variable from the module's tensor.
        self.assign(value)


def adopt_module(module):
    """``module`` checked and moved to the default device (before its tensors are wrapped:
    moving replaces buffers with new tensors)."""
    if not isinstance(module, torch.nn.Module):
        raise TypeError(
            "TorchModuleWrapper: the argument 'module' must be a torch.nn.Module instance; "
            f"received {module!r:.200} of type {type(module).__name__}."
        )
    lazy = isinstance(module, torch.nn.modules.lazy.LazyModuleMixin)
    if lazy and module.has_uninitialized_params():
        raise ValueError(
            "TorchModuleWrapper: the argument 'module' is a lazy module whose parameters are "
            "not initialized yet; call it once on an example input first. Received "
            f"module={module!r:.200}."
        )
    return module.to(get_device())


def variable_from_tensor(value, trainable=True, name=None):
    """A Variable around ``value`` (a torch tensor or ``nn.Parameter``), sharing its memory."""
    if not isinstance(value, torch.Tensor):
        raise TypeError(
            f"variable_from_tensor expects a torch.Tensor; received {type(value).__name__}."
        )
    return SharedVariable(value, dtype=dtype_name(value), trainable=trainable, name=name)


def _needs_jax(what: str):
    return NotImplementedError(f"{what} needs the jax engine; the active engine is 'torch'.")


def pytree_map(function, structure, *rest):
    raise _needs_jax("Mapping a JAX pytree (JaxLayer)")


def pytree_leaves(structure):
    raise _needs_jax("Flattening a JAX pytree (JaxLayer)")


def flax_apply_mutable():
    raise _needs_jax("FlaxLayer")
