"""Other frameworks' objects inside Lamina layers: none on the TensorFlow engine.

``TorchModuleWrapper`` needs the torch engine; ``JaxLayer`` and ``FlaxLayer`` the jax one.
Each function here refuses, naming the engine it needs.
"""

from __future__ import annotations

HOSTS_TORCH_MODULES = False
HOSTS_JAX_FUNCTIONS = False


def _needs(what: str, engine: str):
    return NotImplementedError(
        f"{what} needs the {engine} engine; the active engine is 'tensorflow'."
    )


def adopt_module(module):
    raise _needs("A torch.nn.Module (TorchModuleWrapper)", "torch")


def variable_from_tensor(value, trainable=True, name=None):
    raise _needs("A Variable sharing an existing tensor's memory (TorchModuleWrapper)", "torch")


def pytree_map(function, structure, *rest):
    raise _needs("Mapping a JAX pytree (JaxLayer)", "jax")


def pytree_leaves(structure):
    raise _needs("Flattening a JAX pytree (JaxLayer)", "jax")


def flax_apply_mutable():
    raise _needs("FlaxLayer", "jax")
