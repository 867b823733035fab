"""Convolution layers. ``Convolution1D``/``Convolution2D`` (and their ``Transpose`` forms) are
Keras's aliases."""

from lamina.layers.convolutional.base_conv import BaseConv as BaseConv
from lamina.layers.convolutional.base_conv_transpose import BaseConvTranspose as BaseConvTranspose
from lamina.layers.convolutional.base_depthwise_conv import BaseDepthwiseConv as BaseDepthwiseConv
from lamina.layers.convolutional.conv1d import Conv1D as Conv1D
from lamina.layers.convolutional.conv1d_transpose import Conv1DTranspose as Conv1DTranspose
from lamina.layers.convolutional.conv2d import Conv2D as Conv2D
from lamina.layers.convolutional.conv2d_transpose import Conv2DTranspose as Conv2DTranspose
from lamina.layers.convolutional.depthwise_conv2d import DepthwiseConv2D as DepthwiseConv2D

Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution1DTranspose = Conv1DTranspose
Convolution2DTranspose = Conv2DTranspose

__all__ = [
    "BaseConv",
    "BaseConvTranspose",
    "BaseDepthwiseConv",
    "Conv1D",
    "Conv1DTranspose",
    "Conv2D",
    "Conv2DTranspose",
    "Convolution1D",
    "Convolution1DTranspose",
    "Convolution2D",
    "Convolution2DTranspose",
    "DepthwiseConv2D",
]
