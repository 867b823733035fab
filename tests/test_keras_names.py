"""Every Keras 3.15 public name of the model-building namespaces exists in Lamina.

The names are facts kept in tests/keras_names.py (made by tools/keras_names/extract.py from
Keras's own export files). A name may be absent only when it is listed below: owned by
another issue (OWNED_ELSEWHERE), or not built yet under issue 7 (PENDING_ISSUE_7, which must
shrink to empty before issue 7 closes; a listed name that now exists fails too, so the list
stays current: `python tools/keras_names/pending.py --write` rewrites it).
"""

from __future__ import annotations

import types

import pytest

import lamina
from tests.keras_names import KERAS_NAMES

# Keras names that are modules, not functions or classes (``keras.ops.nn``, ...).
KERAS_SUBMODULES = {"ops": {"image", "linalg", "nn", "numpy"}}

_DATA = "issue 9 (data): preprocessing / augmentation layer"
# "namespace.name": "issue N: reason". Issue 7 does not build these.
OWNED_ELSEWHERE = {
    "layers.TFSMLayer": "issue 12: loads an exported TensorFlow SavedModel",
    **{
        f"layers.{name}": _DATA
        for name in (
            "AugMix", "AutoContrast", "CategoryEncoding", "CenterCrop",
            "ContrastLimitedAdaptiveHistogramEqualization", "CutMix", "Discretization",
            "Equalization", "HashedCrossing", "Hashing", "IntegerLookup", "MaxNumBoundingBoxes",
            "MelSpectrogram", "MixUp", "Normalization", "Pipeline", "RandAugment",
            "RandomBrightness", "RandomColorDegeneration", "RandomColorJitter", "RandomContrast",
            "RandomCrop", "RandomElasticTransform", "RandomErasing", "RandomFlip",
            "RandomGaussianBlur", "RandomGrayscale", "RandomHue", "RandomInvert",
            "RandomPerspective", "RandomPosterization", "RandomRotation", "RandomSaturation",
            "RandomSharpness", "RandomShear", "RandomTranslation", "RandomZoom", "Resizing",
            "STFTSpectrogram", "Solarization", "StringLookup", "TextVectorization",
        )  # Rescaling, also a preprocessing layer, exists already and is checked
    },
}  # fmt: skip

# Issue 7's names not built yet. This must shrink to empty before issue 7 closes.
# BEGIN PENDING_ISSUE_7 (regenerate: python tools/keras_names/pending.py --write)
PENDING_ISSUE_7: dict[str, list[str]] = {
    "layers": [
        "ActivityRegularization", "AdaptiveAveragePooling1D", "AdaptiveAveragePooling2D",
        "AdaptiveAveragePooling3D", "AdaptiveMaxPooling1D", "AdaptiveMaxPooling2D",
        "AdaptiveMaxPooling3D", "AdditiveAttention", "AlphaDropout", "Attention",
        "AveragePooling3D", "AvgPool3D", "Conv3D", "Conv3DTranspose", "ConvLSTM1D", "ConvLSTM2D",
        "ConvLSTM3D", "Convolution3D", "Convolution3DTranspose", "Cropping3D", "DepthwiseConv1D",
        "Dot", "EinsumDense", "FlaxLayer", "GaussianDropout", "GaussianNoise",
        "GlobalAveragePooling3D", "GlobalAvgPool3D", "GlobalMaxPool3D", "GlobalMaxPooling3D",
        "GroupNormalization", "GroupQueryAttention", "JaxLayer", "Lambda", "MaxPool3D",
        "MaxPooling3D", "MultiHeadAttention", "RMSNormalization", "ReversibleEmbedding",
        "SeparableConv1D", "SeparableConv2D", "SeparableConvolution1D", "SeparableConvolution2D",
        "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "SpectralNormalization",
        "StackedRNNCells", "TimeDistributed", "TorchModuleWrapper", "UnitNormalization",
        "UpSampling3D", "Wrapper", "ZeroPadding3D", "dot",
    ],
    "ops": [
        "adaptive_average_pool", "adaptive_max_pool", "associative_scan", "cdist", "celu",
        "ctc_decode", "ctc_loss", "custom_gradient", "depth_to_space", "dot_product_attention",
        "erfc", "fold", "glu", "hard_shrink", "hard_swish", "hard_tanh", "layer_normalization",
        "map", "matrix_rank", "multi_hot", "normalize", "pinv", "polar", "psnr", "rearrange",
        "rms_normalization", "saturate_cast", "scatter", "scatter_update", "segment_min",
        "segment_prod", "separable_conv", "slice", "slice_update", "soft_shrink", "space_to_depth",
        "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus", "switch", "tanh_shrink",
        "threshold", "unfold", "unstack", "vectorized_map", "while_loop",
    ],
    "ops.nn": [
        "adaptive_average_pool", "adaptive_max_pool", "celu", "ctc_decode", "ctc_loss",
        "depth_to_space", "dot_product_attention", "fold", "glu", "hard_shrink", "hard_swish",
        "hard_tanh", "layer_normalization", "multi_hot", "normalize", "polar", "psnr",
        "rms_normalization", "separable_conv", "soft_shrink", "space_to_depth", "sparse_plus",
        "sparse_sigmoid", "sparsemax", "squareplus", "tanh_shrink", "threshold", "unfold",
    ],
    "ops.linalg": [
        "matrix_rank", "pinv",
    ],
    "ops.math": [
        "cdist", "erfc", "segment_min", "segment_prod",
    ],
    "ops.image": [
        "affine_transform", "elastic_transform", "extract_patches", "extract_patches_3d",
        "gaussian_blur", "map_coordinates", "perspective_transform", "scale_and_translate",
        "sobel_edges", "ssim",
    ],
    "ops.core": [
        "associative_scan", "custom_gradient", "map", "saturate_cast", "scatter", "scatter_update",
        "slice", "slice_update", "switch", "unstack", "vectorized_map", "while_loop",
    ],
    "activations": [
        "celu", "glu", "hard_shrink", "hard_swish", "hard_tanh", "log_sigmoid", "soft_shrink",
        "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus", "tanh_shrink", "threshold",
    ],
}  # fmt: skip
# END PENDING_ISSUE_7


def lamina_namespace(namespace: str):
    module = lamina
    for part in namespace.split("."):
        module = getattr(module, part)
    return module


def has_name(namespace: str, name: str) -> bool:
    """True when Lamina's namespace holds ``name``; a submodule of the same name (say
    ``lamina.initializers.constant``) does not count unless Keras's name is a module too."""
    found = getattr(lamina_namespace(namespace), name, None)
    if found is None:
        return False
    is_module = isinstance(found, types.ModuleType)
    return is_module == (name in KERAS_SUBMODULES.get(namespace, ()))


def missing_names(namespace: str) -> list[str]:
    """Keras names absent from Lamina's namespace, apart from those owned elsewhere."""
    return [
        name
        for name in KERAS_NAMES[namespace]
        if f"{namespace}.{name}" not in OWNED_ELSEWHERE and not has_name(namespace, name)
    ]


@pytest.mark.parametrize("namespace", sorted(KERAS_NAMES))
def test_keras_names_exist(namespace):
    pending = set(PENDING_ISSUE_7.get(namespace, ()))
    missing = [name for name in missing_names(namespace) if name not in pending]
    assert not missing, f"lamina.{namespace} lacks Keras names {missing}"


@pytest.mark.parametrize("namespace", sorted(KERAS_NAMES))
def test_pending_names_are_still_missing(namespace):
    built = sorted(set(PENDING_ISSUE_7.get(namespace, ())) - set(missing_names(namespace)))
    assert not built, (
        f"lamina.{namespace} now has {built}: remove them from PENDING_ISSUE_7 "
        "(python tools/keras_names/pending.py --write)"
    )


def test_exemptions_name_keras_names():
    listed = set(OWNED_ELSEWHERE) | {
        f"{namespace}.{name}" for namespace, names in PENDING_ISSUE_7.items() for name in names
    }
    known = {f"{namespace}.{name}" for namespace, names in KERAS_NAMES.items() for name in names}
    assert not listed - known, f"not Keras 3.15 names: {sorted(listed - known)}"


def test_name_table_is_sorted_and_unique():
    for namespace, names in KERAS_NAMES.items():
        assert names == sorted(set(names)), namespace
