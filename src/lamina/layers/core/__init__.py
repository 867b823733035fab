"""Core layers: Dense, Embedding, Activation, Identity, Masking, and the Input entry point."""

from lamina.layers.core.activation import Activation as Activation
from lamina.layers.core.dense import Dense as Dense
from lamina.layers.core.embedding import Embedding as Embedding
from lamina.layers.core.identity import Identity as Identity
from lamina.layers.core.input_layer import Input as Input
from lamina.layers.core.input_layer import InputLayer as InputLayer
from lamina.layers.core.masking import Masking as Masking

__all__ = ["Activation", "Dense", "Embedding", "Identity", "Input", "InputLayer", "Masking"]
