"""Engine interop: another framework's model as a layer (a torch module, JAX functions, Flax)."""

from lamina.layers.interop.flax_layer import FlaxLayer as FlaxLayer
from lamina.layers.interop.jax_layer import JaxLayer as JaxLayer
from lamina.layers.interop.torch_module_wrapper import TorchModuleWrapper as TorchModuleWrapper

__all__ = ["FlaxLayer", "JaxLayer", "TorchModuleWrapper"]
