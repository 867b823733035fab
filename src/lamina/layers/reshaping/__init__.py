"""Reshaping layers."""

from lamina.layers.reshaping.cropping1d import Cropping1D as Cropping1D
from lamina.layers.reshaping.cropping2d import Cropping2D as Cropping2D
from lamina.layers.reshaping.cropping3d import Cropping3D as Cropping3D
from lamina.layers.reshaping.flatten import Flatten as Flatten
from lamina.layers.reshaping.permute import Permute as Permute
from lamina.layers.reshaping.repeat_vector import RepeatVector as RepeatVector
from lamina.layers.reshaping.reshape import Reshape as Reshape
from lamina.layers.reshaping.up_sampling1d import UpSampling1D as UpSampling1D
from lamina.layers.reshaping.up_sampling2d import UpSampling2D as UpSampling2D
from lamina.layers.reshaping.up_sampling3d import UpSampling3D as UpSampling3D
from lamina.layers.reshaping.zero_padding1d import ZeroPadding1D as ZeroPadding1D
from lamina.layers.reshaping.zero_padding2d import ZeroPadding2D as ZeroPadding2D
from lamina.layers.reshaping.zero_padding3d import ZeroPadding3D as ZeroPadding3D

__all__ = [
    "Cropping1D",
    "Cropping2D",
    "Cropping3D",
    "Flatten",
    "Permute",
    "RepeatVector",
    "Reshape",
    "UpSampling1D",
    "UpSampling2D",
    "UpSampling3D",
    "ZeroPadding1D",
    "ZeroPadding2D",
    "ZeroPadding3D",
]
