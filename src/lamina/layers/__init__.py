"""Floor 3: layers, one per module, grouped by family."""

from lamina.layers.core.dense import Dense
from lamina.layers.core.input_layer import Input, InputLayer
from lamina.layers.input_spec import InputSpec
from lamina.layers.layer import Layer

__all__ = ["Dense", "Input", "InputLayer", "InputSpec", "Layer"]
