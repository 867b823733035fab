"""Convolution layers. ``Convolution1D``/``Convolution2D`` are Keras's aliases."""

from lamina.layers.convolutional.base_conv import BaseConv as BaseConv
from lamina.layers.convolutional.conv1d import Conv1D as Conv1D
from lamina.layers.convolutional.conv2d import Conv2D as Conv2D

Convolution1D = Conv1D
Convolution2D = Conv2D

__all__ = ["BaseConv", "Conv1D", "Conv2D", "Convolution1D", "Convolution2D"]
