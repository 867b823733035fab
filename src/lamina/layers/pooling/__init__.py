"""Pooling layers, with Keras's short aliases (``MaxPool2D``, ``GlobalAvgPool1D``, ...)."""

from lamina.layers.pooling.average_pooling1d import AveragePooling1D as AveragePooling1D
from lamina.layers.pooling.average_pooling2d import AveragePooling2D as AveragePooling2D
from lamina.layers.pooling.base_global_pooling import BaseGlobalPooling as BaseGlobalPooling
from lamina.layers.pooling.base_pooling import BasePooling as BasePooling
from lamina.layers.pooling.global_average_pooling1d import (
    GlobalAveragePooling1D as GlobalAveragePooling1D,
)
from lamina.layers.pooling.global_average_pooling2d import (
    GlobalAveragePooling2D as GlobalAveragePooling2D,
)
from lamina.layers.pooling.global_max_pooling1d import GlobalMaxPooling1D as GlobalMaxPooling1D
from lamina.layers.pooling.global_max_pooling2d import GlobalMaxPooling2D as GlobalMaxPooling2D
from lamina.layers.pooling.max_pooling1d import MaxPooling1D as MaxPooling1D
from lamina.layers.pooling.max_pooling2d import MaxPooling2D as MaxPooling2D

MaxPool1D = MaxPooling1D
MaxPool2D = MaxPooling2D
AvgPool1D = AveragePooling1D
AvgPool2D = AveragePooling2D
GlobalMaxPool1D = GlobalMaxPooling1D
GlobalMaxPool2D = GlobalMaxPooling2D
GlobalAvgPool1D = GlobalAveragePooling1D
GlobalAvgPool2D = GlobalAveragePooling2D

__all__ = [
    "AveragePooling1D",
    "AveragePooling2D",
    "AvgPool1D",
    "AvgPool2D",
    "BaseGlobalPooling",
    "BasePooling",
    "GlobalAveragePooling1D",
    "GlobalAveragePooling2D",
    "GlobalAvgPool1D",
    "GlobalAvgPool2D",
    "GlobalMaxPool1D",
    "GlobalMaxPool2D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
    "MaxPool1D",
    "MaxPool2D",
    "MaxPooling1D",
    "MaxPooling2D",
]
