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
PENDING_ISSUE_7: dict[str, list[str]] = {}
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
