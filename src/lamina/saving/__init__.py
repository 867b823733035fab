"""Floor 6: saving and loading models and weights."""

from lamina.saving.weights_h5 import load_weights as load_weights
from lamina.saving.weights_h5 import save_weights as save_weights

__all__ = ["load_weights", "save_weights"]
