"""Preprocessing layers."""

from lamina.layers.preprocessing.category_encoding import CategoryEncoding as CategoryEncoding
from lamina.layers.preprocessing.discretization import Discretization as Discretization
from lamina.layers.preprocessing.hashed_crossing import HashedCrossing as HashedCrossing
from lamina.layers.preprocessing.hashing import Hashing as Hashing
from lamina.layers.preprocessing.image_preprocessing import (
    AugMix as AugMix,
    AutoContrast as AutoContrast,
    CenterCrop as CenterCrop,
    ContrastLimitedAdaptiveHistogramEqualization as ContrastLimitedAdaptiveHistogramEqualization,
    CutMix as CutMix,
    Equalization as Equalization,
    MaxNumBoundingBoxes as MaxNumBoundingBoxes,
    MixUp as MixUp,
    RandAugment as RandAugment,
    RandomBrightness as RandomBrightness,
    RandomColorDegeneration as RandomColorDegeneration,
    RandomColorJitter as RandomColorJitter,
    RandomContrast as RandomContrast,
    RandomCrop as RandomCrop,
    RandomElasticTransform as RandomElasticTransform,
    RandomErasing as RandomErasing,
    RandomFlip as RandomFlip,
    RandomGaussianBlur as RandomGaussianBlur,
    RandomGrayscale as RandomGrayscale,
    RandomHue as RandomHue,
    RandomInvert as RandomInvert,
    RandomPerspective as RandomPerspective,
    RandomPosterization as RandomPosterization,
    RandomRotation as RandomRotation,
    RandomSaturation as RandomSaturation,
    RandomSharpness as RandomSharpness,
    RandomShear as RandomShear,
    RandomTranslation as RandomTranslation,
    RandomZoom as RandomZoom,
    Resizing as Resizing,
    Solarization as Solarization,
)
from lamina.layers.preprocessing.integer_lookup import IntegerLookup as IntegerLookup
from lamina.layers.preprocessing.mel_spectrogram import MelSpectrogram as MelSpectrogram
from lamina.layers.preprocessing.normalization import Normalization as Normalization
from lamina.layers.preprocessing.pipeline import Pipeline as Pipeline
from lamina.layers.preprocessing.rescaling import Rescaling as Rescaling
from lamina.layers.preprocessing.stft_spectrogram import STFTSpectrogram as STFTSpectrogram
from lamina.layers.preprocessing.string_lookup import StringLookup as StringLookup
from lamina.layers.preprocessing.text_vectorization import (
    TextVectorization as TextVectorization,
)

__all__ = [
    "AugMix",
    "AutoContrast",
    "CategoryEncoding",
    "CenterCrop",
    "ContrastLimitedAdaptiveHistogramEqualization",
    "CutMix",
    "Discretization",
    "Equalization",
    "HashedCrossing",
    "Hashing",
    "IntegerLookup",
    "MaxNumBoundingBoxes",
    "MelSpectrogram",
    "MixUp",
    "Normalization",
    "Pipeline",
    "RandAugment",
    "RandomBrightness",
    "RandomColorDegeneration",
    "RandomColorJitter",
    "RandomContrast",
    "RandomCrop",
    "RandomElasticTransform",
    "RandomErasing",
    "RandomFlip",
    "RandomGaussianBlur",
    "RandomGrayscale",
    "RandomHue",
    "RandomInvert",
    "RandomPerspective",
    "RandomPosterization",
    "RandomRotation",
    "RandomSaturation",
    "RandomSharpness",
    "RandomShear",
    "RandomTranslation",
    "RandomZoom",
    "Rescaling",
    "Resizing",
    "STFTSpectrogram",
    "Solarization",
    "StringLookup",
    "TextVectorization",
]
