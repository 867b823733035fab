"""Floor 7: small public datasets, loaded as NumPy arrays in Keras's layouts."""

from lamina.datasets import mnist as mnist

__all__ = ["mnist"]
