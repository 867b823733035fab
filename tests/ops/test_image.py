"""lamina.ops.image against NumPy: resize (cases whose exact answer is a repeat or a mean),
colour conversions (against colorsys), cropping and padding (against np.pad)."""

import numpy as np
import pytest

from lamina import backend, ops
from tests.harness import assert_close


def _images(rng, shape):
    return rng.standard_normal(shape).astype("float32")


def test_nearest_upsampling_repeats_pixels(rng):
    x = _images(rng, (2, 3, 4, 2))
    out = ops.image.resize(x, (6, 8), interpolation="nearest")
    assert_close(out, np.repeat(np.repeat(x, 2, axis=1), 2, axis=2))


def test_bilinear_halving_averages_pixel_pairs(rng):
    x = _images(rng, (2, 4, 6, 3))
    out = ops.image.resize(x, (2, 3))  # half-pixel centres fall between each pair of pixels
    expected = x.astype(np.float64).reshape(2, 2, 2, 3, 2, 3).mean(axis=(2, 4))
    assert_close(out, expected, atol=1e-6)


def test_bicubic_bytes_saturate_instead_of_wrapping(rng):
    # Bicubic overshoots around a bright block: bytes clip to [0, 255], as Keras's engines.
    x = np.zeros((1, 4, 4, 1), "uint8")
    x[0, 1:3, 1:3, 0] = rng.integers(200, 256, (2, 2))
    out = ops.image.resize(x, (7, 7), interpolation="bicubic")
    assert ops.dtype(out) == "uint8"
    floats = ops.convert_to_numpy(ops.image.resize(x.astype("float32"), (7, 7), "bicubic"))
    assert floats.min() < 0  # the case does overshoot
    np.testing.assert_array_equal(ops.convert_to_numpy(out), np.clip(np.round(floats), 0, 255))


def test_channels_first_and_unbatched(rng):
    x = _images(rng, (3, 2, 5))  # (C, H, W)
    out = ops.image.resize(x, (4, 10), interpolation="nearest", data_format="channels_first")
    assert_close(out, np.repeat(np.repeat(x, 2, axis=1), 2, axis=2))


def test_symbolic_shape():
    out = ops.image.resize(backend.KerasTensor((None, 8, 8, 3)), (4, 5))
    assert out.shape == (None, 4, 5, 3)
    assert out.dtype == "float32"


def test_unknown_interpolation_raises():
    with pytest.raises(ValueError, match="interpolation"):
        ops.image.resize(np.ones((1, 2, 2, 1), "float32"), (4, 4), interpolation="lanczos9")


# ---- colour conversions, cropping and padding -----------------------------------------------


def _rgb_to_hsv(x):
    """colorsys per pixel, float64 (channels last)."""
    import colorsys

    flat = [colorsys.rgb_to_hsv(*pixel) for pixel in x.reshape(-1, 3)]
    return np.asarray(flat).reshape(x.shape)


def _to_layout(x, data_format):
    return x if data_format == "channels_last" else np.moveaxis(x, -1, -3)


LAYOUTS = [("channels_last", (2, 4, 5, 3)), ("channels_first", (2, 4, 5, 3)),
           ("channels_last", (4, 5, 3)), ("channels_first", (4, 5, 3))]  # fmt: skip


@pytest.mark.parametrize(("data_format", "shape"), LAYOUTS)
def test_colour_conversions_match_colorsys(rng, data_format, shape):
    x = rng.uniform(0.0, 1.0, shape)
    images = _to_layout(x, data_format).astype("float32")
    hsv = ops.image.rgb_to_hsv(images, data_format=data_format)
    assert_close(hsv, _to_layout(_rgb_to_hsv(x), data_format), atol=1e-5)
    assert_close(ops.image.hsv_to_rgb(hsv, data_format=data_format), images, atol=1e-5)
    gray = ops.image.rgb_to_grayscale(images, data_format=data_format)
    expected = (x @ np.array([0.2989, 0.5870, 0.1140]))[..., None]
    assert_close(gray, _to_layout(expected, data_format), atol=1e-5)


def test_colour_conversions_symbolic_shapes():
    images = backend.KerasTensor((None, 4, 5, 3))
    assert ops.image.rgb_to_hsv(images).shape == (None, 4, 5, 3)
    assert ops.image.hsv_to_rgb(images).shape == (None, 4, 5, 3)
    assert ops.image.rgb_to_grayscale(images).shape == (None, 4, 5, 1)
    channels_first = backend.KerasTensor((None, 3, 4, 5))
    assert ops.image.rgb_to_grayscale(channels_first, "channels_first").shape == (None, 1, 4, 5)


def test_hsv_needs_float_images():
    with pytest.raises(TypeError, match="rgb_to_hsv expects float images"):
        ops.image.rgb_to_hsv(np.ones((2, 2, 3), "uint8"))


@pytest.mark.parametrize(("data_format", "shape"), LAYOUTS)
def test_pad_and_crop_images(rng, data_format, shape):
    x = rng.standard_normal(shape)
    images = _to_layout(x, data_format).astype("float32")
    widths = [(0, 0)] * (x.ndim - 3) + [(1, 2), (3, 0), (0, 0)]
    padded = ops.image.pad_images(images, top_padding=1, left_padding=3, target_height=7,
                                  target_width=8, data_format=data_format)  # fmt: skip
    assert_close(padded, _to_layout(np.pad(x, widths), data_format))
    cropped = ops.image.crop_images(
        padded, top_cropping=1, bottom_cropping=2, left_cropping=3, right_cropping=0,
        data_format=data_format,
    )  # fmt: skip
    assert_close(cropped, images)
    symbolic = backend.KerasTensor((None, *images.shape[1:]) if len(shape) == 4 else images.shape)
    spec = ops.image.crop_images(symbolic, 1, 1, target_height=2, target_width=3,
                                 data_format=data_format)  # fmt: skip
    assert spec.shape[-3:] == ((2, 3, 3) if data_format == "channels_last" else (3, 2, 3))


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda x: ops.image.pad_images(x, 1, 1, 1, 1, target_height=9), "exactly two of"),
        (lambda x: ops.image.pad_images(x, 1, 1, target_height=2, target_width=9),
         "does not fit"),
        (lambda x: ops.image.crop_images(x, 2, 0, 2, 0), "leaves nothing"),
        (lambda x: ops.image.crop_images(x[0, 0], 0, 0, 0, 0), "rank 3"),
    ],
)  # fmt: skip
def test_bad_crop_and_pad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call(np.ones((1, 4, 5, 3), "float32"))


# ---- resize: Keras's nearest rule and aspect-ratio fitting ----------------------------------


def _nearest_reference(x, size):
    """Pixel floor((i + 0.5) * in / out) on each axis (jax.image.resize's 'nearest')."""
    rows = np.floor((np.arange(size[0]) + 0.5) * x.shape[-3] / size[0]).astype(int)
    columns = np.floor((np.arange(size[1]) + 0.5) * x.shape[-2] / size[1]).astype(int)
    return x[..., rows, :, :][..., columns, :]


@pytest.mark.parametrize("size", [(9, 11), (4, 5), (6, 8)])
def test_nearest_picks_keras_pixels(rng, size):
    x = _images(rng, (2, 6, 8, 3))
    out = ops.image.resize(x, size, interpolation="nearest")
    assert_close(out, _nearest_reference(x, size))


@pytest.mark.engine("jax")
def test_nearest_upsampling_matches_jax_image_resize(rng):
    """Keras's nearest resize is jax.image.resize's: 6x8 -> 9x11 picks the same pixels."""
    import jax

    x = _images(rng, (2, 6, 8, 3))
    expected = jax.image.resize(x, (2, 9, 11, 3), method="nearest")
    out = ops.image.resize(x, (9, 11), interpolation="nearest")
    np.testing.assert_array_equal(ops.convert_to_numpy(out), np.asarray(expected))
    np.testing.assert_array_equal(np.asarray(expected), _nearest_reference(x, (9, 11)))


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_crop_to_aspect_ratio_crops_the_centre(rng, data_format):
    x = _images(rng, (2, 6, 10, 3))  # 6x10 to a square: the centred 6x6 box, columns 2..7
    images = _to_layout(x, data_format)
    out = ops.image.resize(images, (3, 3), crop_to_aspect_ratio=True, data_format=data_format)
    expected = ops.image.resize(images[..., 2:8, :] if data_format == "channels_last"
                                else images[..., 2:8], (3, 3), data_format=data_format)  # fmt: skip
    assert_close(out, expected, atol=1e-6)


def test_pad_to_aspect_ratio_pads_both_sides(rng):
    x = _images(rng, (4, 8, 2))  # 4x8 to a square: 2 rows of fill_value above and below
    out = ops.image.resize(x, (8, 8), interpolation="nearest", pad_to_aspect_ratio=True,
                           fill_value=-5.0)  # fmt: skip
    assert_close(out, np.pad(x, [(2, 2), (0, 0), (0, 0)], constant_values=-5.0))
    symbolic = ops.image.resize(backend.KerasTensor((None, 4, 8, 2)), (6, 6),
                                pad_to_aspect_ratio=True)  # fmt: skip
    assert symbolic.shape == (None, 6, 6, 2)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"crop_to_aspect_ratio": True, "pad_to_aspect_ratio": True}, "at most one"),
        ({"fill_mode": "reflect"}, "fill_mode"),
        ({"size": (4,)}, "size"),
    ],
)
def test_resize_bad_arguments_raise(kwargs, match):
    arguments = {"size": (4, 4), **kwargs}
    with pytest.raises(ValueError, match=match):
        ops.image.resize(np.ones((2, 2, 1), "float32"), **arguments)
