"""Other frameworks' objects inside Lamina layers, on JAX.

``JaxLayer`` walks its ``params`` and ``state`` with JAX's own pytree functions (they know
the containers other libraries register: Flax's FrozenDict, Haiku's mappings), and
``FlaxLayer`` finds Flax here, imported only when it is used. A torch module needs the
torch engine.
"""

from __future__ import annotations

import jax

HOSTS_TORCH_MODULES = False
HOSTS_JAX_FUNCTIONS = True


def _needs_torch(what: str):
    return NotImplementedError(f"{what} needs the torch engine; the active engine is 'jax'.")


def adopt_module(module):
    raise _needs_torch("A torch.nn.Module (TorchModuleWrapper)")


def variable_from_tensor(value, trainable=True, name=None):
    raise _needs_torch("A Variable sharing an existing tensor's memory (TorchModuleWrapper)")


def pytree_map(function, structure, *rest):
    """``jax.tree_util.tree_map``: None is an empty subtree, not a leaf."""
    return jax.tree_util.tree_map(function, structure, *rest)


def pytree_leaves(structure) -> list:
    return jax.tree_util.tree_leaves(structure)


def flax_apply_mutable():
    """What ``flax.linen.Module.apply`` may change: every collection except ``params``
    (which Lamina's optimizer owns)."""
    try:
        from flax.linen import DenyList
    except ImportError:
        raise ImportError(
            "FlaxLayer needs Flax, which is not installed: pip install flax"
        ) from None
    return DenyList(["params"])
