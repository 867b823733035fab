"""map_coordinates and affine_transform against SciPy's ndimage (float64) on every engine."""

import numpy as np
import pytest

from lamina import backend, ops
from tests.harness import assert_close, engine_gradients, numeric_gradients

# jax.scipy.ndimage's modes (Keras's) under SciPy's names.
SCIPY_MODES = {"constant": "grid-constant", "nearest": "nearest", "wrap": "grid-wrap",
               "mirror": "mirror", "reflect": "reflect"}  # fmt: skip


def _ndimage():
    return pytest.importorskip("scipy.ndimage", reason="SciPy's ndimage is the reference")


@pytest.mark.parametrize("fill_mode", list(SCIPY_MODES))
@pytest.mark.parametrize("order", [0, 1])
def test_map_coordinates_matches_scipy(rng, fill_mode, order):
    ndimage = _ndimage()
    x = rng.standard_normal((5, 6)).astype("float32")
    coordinates = rng.uniform(-3.0, 8.0, (2, 4, 3)).astype("float32")  # many outside
    out = ops.image.map_coordinates(x, coordinates, order, fill_mode, fill_value=0.5)
    mode = SCIPY_MODES[fill_mode]
    expected = ndimage.map_coordinates(x.astype(np.float64), coordinates.astype(np.float64),
                                       order=order, mode=mode, cval=0.5)  # fmt: skip
    assert_close(out, expected, atol=1e-5)
    symbolic = ops.image.map_coordinates(backend.KerasTensor((5, 6)),
                                         [backend.KerasTensor((None, 3))] * 2, order)  # fmt: skip
    assert symbolic.shape == (None, 3)


def _affine_reference(images, transform, order, fill_mode, fill_value=0.0):
    """Per image and channel, SciPy samples the input at the transformed output grid."""
    ndimage = _ndimage()
    batch, height, width, channels = images.shape
    y, x = np.meshgrid(np.arange(height), np.arange(width), indexing="ij")
    out = np.empty_like(images, dtype=np.float64)
    for n in range(batch):
        a0, a1, a2, b0, b1, b2, c0, c1 = transform[n]
        k = c0 * x + c1 * y + 1
        source = [(b0 * x + b1 * y + b2) / k, (a0 * x + a1 * y + a2) / k]
        for c in range(channels):
            out[n, ..., c] = ndimage.map_coordinates(
                images[n, ..., c].astype(np.float64), source, order=order,
                mode=SCIPY_MODES[fill_mode], cval=fill_value,
            )  # fmt: skip
    return out


def _transforms(rng, batch):
    angle = rng.uniform(-0.5, 0.5, batch)
    scale = rng.uniform(0.8, 1.2, batch)
    return np.stack([scale * np.cos(angle), -np.sin(angle), rng.uniform(-1, 1, batch),
                     np.sin(angle), scale * np.cos(angle), rng.uniform(-1, 1, batch),
                     rng.uniform(-0.01, 0.01, batch), rng.uniform(-0.01, 0.01, batch)],
                    axis=-1).astype("float32")  # fmt: skip


@pytest.mark.parametrize(
    ("interpolation", "fill_mode"),
    [("bilinear", "constant"), ("nearest", "constant"), ("bilinear", "reflect"),
     ("bilinear", "wrap"), ("nearest", "mirror"), ("bilinear", "nearest")],
)  # fmt: skip
def test_affine_transform_matches_scipy(rng, interpolation, fill_mode):
    images = rng.standard_normal((2, 5, 6, 3)).astype("float32")
    transform = _transforms(rng, 2)
    out = ops.image.affine_transform(images, transform, interpolation, fill_mode, 0.25)
    order = 0 if interpolation == "nearest" else 1
    assert_close(out, _affine_reference(images, transform, order, fill_mode, 0.25), atol=1e-4)


def test_affine_transform_unbatched_channels_first_and_symbolic(rng):
    images = rng.standard_normal((5, 6, 2)).astype("float32")
    transform = _transforms(rng, 1)
    expected = _affine_reference(images[None], transform, 1, "constant")[0]
    channels_first = ops.image.affine_transform(np.moveaxis(images, -1, 0), transform[0],
                                                data_format="channels_first")  # fmt: skip
    assert_close(channels_first, np.moveaxis(expected, -1, 0), atol=1e-4)
    symbolic = ops.image.affine_transform(backend.KerasTensor((None, 5, 6, 2)),
                                          backend.KerasTensor((None, 8)))  # fmt: skip
    assert symbolic.shape == (None, 5, 6, 2)


@pytest.mark.training
def test_affine_transform_bilinear_gradient(rng):
    images = rng.standard_normal((1, 4, 5, 1)).astype("float32")
    transform = _transforms(rng, 1)[0]

    def fn(x):
        return ops.square(ops.image.affine_transform(x, transform))

    def reference(x):
        return _affine_reference(x, transform[None], 1, "constant") ** 2

    got, expected = engine_gradients(fn, [images])[0], numeric_gradients(reference, [images])[0]
    assert_close(got, expected, rtol=1e-3, atol=1e-3)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: ops.image.map_coordinates(np.ones((3, 3)), [np.ones(2)], 1), "one array"),
        (lambda: ops.image.map_coordinates(np.ones(3), [np.ones(2)], 3), "order"),
        (lambda: ops.image.map_coordinates(np.ones(3), [np.ones(2)], 1, "edge"), "fill_mode"),
        (lambda: ops.image.affine_transform(np.ones((3, 3)), np.ones(8)), "rank 3"),
        (lambda: ops.image.affine_transform(np.ones((3, 3, 1)), np.ones(6)), "transform"),
        (lambda: ops.image.affine_transform(np.ones((3, 3, 1)), np.ones(8), "bicubic"),
         "interpolation"),
    ],
)  # fmt: skip
def test_bad_arguments_raise(call, match):
    with pytest.raises(ValueError, match=match):
        call()
