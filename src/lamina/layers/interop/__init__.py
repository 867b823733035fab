"""Engine interop: another framework's model as a layer (a torch module, JAX functions, Flax,
a TensorFlow SavedModel)."""

from lamina.layers.interop.flax_layer import FlaxLayer as FlaxLayer
from lamina.layers.interop.jax_layer import JaxLayer as JaxLayer
from lamina.layers.interop.tfsm_layer import TFSMLayer as TFSMLayer
from lamina.layers.interop.torch_module_wrapper import TorchModuleWrapper as TorchModuleWrapper

__all__ = ["FlaxLayer", "JaxLayer", "TFSMLayer", "TorchModuleWrapper"]
