"""Checks shared by the colour, intensity and mixing augmentation layer tests, and float64
NumPy references for the colour conversions they use."""

from __future__ import annotations

import numpy as np

import lamina
from lamina import ops
from tests.harness import assert_close, check_config_roundtrip, to_numpy

LUMA = np.array([0.2989, 0.5870, 0.1140])


def images(rng, shape=(3, 5, 6, 3), high=255.0):
    return rng.uniform(0.0, high, shape).astype("float32")


def check_transformation(layer, x, transformation, expected, atol=1e-3):
    """The layer's deterministic path, its transformation given, equals ``expected``."""
    assert_close(layer.transform_images(x, transformation), expected, rtol=1e-5, atol=atol)


def check_random_layer(make, x, changes=True, labels_pass=True):
    """Seeded repeatability, identity with ``training=False``, one image as a batch of one,
    symbolic shape equal to eager, dict inputs (labels pass through unless the layer mixes
    them) and the config."""
    first, second = make(seed=7), make(seed=7)
    out = to_numpy(first(x, training=True))
    assert out.shape == x.shape
    np.testing.assert_allclose(out, to_numpy(second(x, training=True)), rtol=1e-6, atol=1e-5)
    if changes:
        assert not np.allclose(out, x, atol=1e-3)
    np.testing.assert_allclose(to_numpy(first(x, training=False)), x, rtol=1e-6)
    assert tuple(ops.shape(first(x[0], training=True))) == x.shape[1:]
    labels = np.eye(x.shape[0], dtype="float32")
    outputs = first({"images": x, "labels": labels}, training=True)
    assert to_numpy(outputs["images"]).shape == x.shape
    if labels_pass:
        np.testing.assert_array_equal(to_numpy(outputs["labels"]), labels)
    symbolic = first(lamina.Input(x.shape[1:]))
    assert tuple(symbolic.shape) == (None, *x.shape[1:])
    clone = check_config_roundtrip(first)
    assert clone.seed == 7


# ---- float64 colour references ------------------------------------------------------------


def rgb_to_hsv(rgb):
    """(..., 3) RGB in [0, 1] (or any scale) to HSV, hue in [0, 1)."""
    red, green, blue = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    value = rgb.max(-1)
    spread = value - rgb.min(-1)
    saturation = np.where(value > 0, spread / np.where(value > 0, value, 1), 0)
    safe = np.where(spread > 0, spread, 1)
    hue = np.where(
        value == red,
        (green - blue) / safe,
        np.where(value == green, 2 + (blue - red) / safe, 4 + (red - green) / safe),
    )
    hue = np.where(spread > 0, np.mod(hue / 6, 1.0), 0)
    return np.stack([hue, saturation, value], -1)


def hsv_to_rgb(hsv):
    """Inverse of ``rgb_to_hsv`` through the sector formula (h * 6 picks the sector)."""
    hue, saturation, value = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    sector = np.floor(hue * 6) % 6
    fraction = hue * 6 - np.floor(hue * 6)
    p = value * (1 - saturation)
    q = value * (1 - saturation * fraction)
    t = value * (1 - saturation * (1 - fraction))
    table = [
        (value, t, p),
        (q, value, p),
        (p, value, t),
        (p, q, value),
        (t, p, value),
        (value, p, q),
    ]
    rgb = np.zeros(hsv.shape)
    for index, channels in enumerate(table):
        chosen = (sector == index)[..., None]
        rgb = np.where(chosen, np.stack(channels, -1), rgb)
    return rgb
