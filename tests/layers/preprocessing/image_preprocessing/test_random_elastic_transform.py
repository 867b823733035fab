import itertools

import numpy as np
import pytest

from lamina import layers, ops
from lamina.backend import SeedGenerator
from tests.harness import assert_close, to_numpy
from tests.layers.preprocessing.image_preprocessing import image_layer_checks as checks

# Keras's fill modes under SciPy's ndimage names.
SCIPY_MODES = {"constant": "grid-constant", "nearest": "nearest", "wrap": "grid-wrap",
               "mirror": "mirror", "reflect": "reflect"}  # fmt: skip


def warp_reference(images, displacement, order, fill_mode, fill_value):
    """SciPy samples each (N, H, W, C) image plane at grid + displacement ((2, N, H, W),
    x first), in float64."""
    ndimage = pytest.importorskip("scipy.ndimage", reason="SciPy's ndimage is the reference")
    batch, height, width, channels = images.shape
    grid_y, grid_x = np.meshgrid(np.arange(height), np.arange(width), indexing="ij")
    out = np.empty(images.shape)
    for n, c in itertools.product(range(batch), range(channels)):
        source = [grid_y + displacement[1, n], grid_x + displacement[0, n]]
        out[n, ..., c] = ndimage.map_coordinates(
            images[n, ..., c].astype(np.float64), source, order=order,
            mode=SCIPY_MODES[fill_mode], cval=fill_value,
        )  # fmt: skip
    return out


def blur_reference(fields, kernel_size, sigma):
    """(M, H, W) fields blurred by a normalised Gaussian, zero padded ("same")."""
    taps = np.exp(-0.5 * ((np.arange(kernel_size) - kernel_size // 2) / sigma) ** 2)
    kernel = np.outer(taps, taps) / np.outer(taps, taps).sum()
    pad = kernel_size // 2
    padded = np.pad(fields, ((0, 0), (pad, pad), (pad, pad)))
    height, width = fields.shape[1:]
    return sum(
        padded[:, i : i + height, j : j + width] * kernel[i, j]
        for i, j in itertools.product(range(kernel_size), repeat=2)
    )


@pytest.mark.parametrize(
    ("data_format", "interpolation", "fill_mode"),
    [("channels_last", "bilinear", "reflect"), ("channels_first", "nearest", "constant")],
)
def test_fixed_field_matches_scipy(rng, data_format, interpolation, fill_mode):
    x = checks.images(rng)
    displacement = rng.uniform(-2.3, 2.3, (2, 2, 6, 7))  # reaches past every edge
    transformation = checks.as_tensors({
        "apply_transform": np.array([True, False]),
        "distortion_factor": np.float32(0.5),
        "displacement": displacement.astype("float32"),
    })  # fmt: skip
    layer = layers.RandomElasticTransform(
        interpolation=interpolation, fill_mode=fill_mode, fill_value=0.7, value_range=(0.1, 0.9),
        data_format=data_format,
    )  # fmt: skip
    expected = warp_reference(x, displacement, int(interpolation == "bilinear"), fill_mode, 0.7)
    expected = np.clip(np.stack([expected[0], x[1]]), 0.1, 0.9)  # the second image is kept
    inputs = x if data_format == "channels_last" else np.moveaxis(x, -1, 1)
    out = to_numpy(layer.transform_images(inputs, transformation))
    if data_format == "channels_first":
        out = np.moveaxis(out, 1, -1)
    assert_close(out, expected, atol=1e-5)


def test_drawn_field_follows_keras_recipe(rng):
    """alpha = 0.1 d max(H, W), sigma = 0.05 d min(H, W); the field is noise * sigma blurred
    by a Gaussian of that sigma, times alpha (the draws repeated from the same seed)."""
    x = checks.images(rng, (2, 12, 16, 3))
    layer = layers.RandomElasticTransform(factor=(0.6, 0.8), scale=(0.5, 1.0))
    transformation = layer.get_random_transformation(x, seed=SeedGenerator(5))
    seed = SeedGenerator(5)
    probability = to_numpy(ops.random.uniform((2,), 0.6, 0.8, seed=seed))
    apply = to_numpy(ops.random.uniform((2,), seed=seed)) < probability
    distortion = float(to_numpy(ops.random.uniform((), 0.5, 1.0, dtype="float32", seed=seed)))
    noise = to_numpy(ops.random.normal((4, 12, 16, 1), seed=seed))[..., 0].astype(np.float64)
    sigma, alpha = 12 * 0.05 * distortion, 16 * 0.1 * distortion
    field = blur_reference(noise * sigma, 3, sigma) * alpha  # kernel int(6 * 0.6) | 1
    assert_close(transformation["apply_transform"], apply)
    assert_close(transformation["distortion_factor"], distortion)
    assert_close(transformation["displacement"], field.reshape(2, 2, 12, 16), atol=1e-5)


def test_masks_share_the_image_field(rng):
    x = checks.images(rng, (2, 12, 16, 3))  # the recipe test's shapes: no new compiles
    masks = np.floor(x[..., :1] * 4)  # class ids 0..3
    layer = layers.RandomElasticTransform((1.0, 1.0), (1.0, 1.0), interpolation="nearest",
                                          value_range=(0, 4), seed=3)  # fmt: skip
    out = layer({"images": masks, "segmentation_masks": masks, "labels": x[:, 0, 0]})
    warped_masks = to_numpy(out["segmentation_masks"])
    assert_close(warped_masks, out["images"])
    assert not np.allclose(warped_masks, masks)
    assert set(np.unique(warped_masks)) <= {0.0, 1.0, 2.0, 3.0}
    assert_close(out["labels"], x[:, 0, 0])


def test_factor_or_scale_zero_keeps_images(rng):
    x = checks.images(rng)
    for kwargs in ({"factor": 0.0}, {"scale": 0.0}):
        layer = layers.RandomElasticTransform(value_range=(0, 1), seed=1, **kwargs)
        assert layer.get_random_transformation(x) is None
        assert_close(layer(x, training=True), x)


def test_shapes_inference_seed_and_round_trips(rng, tmp_path):
    x = checks.images(rng)

    def make(**kwargs):
        return layers.RandomElasticTransform([1.0, 1.0], value_range=(0, 1), **kwargs)

    checks.check_symbolic_shape(make, x)
    checks.check_inference_is_identity(make(), x)
    checks.check_seeded_repeat(make, x)
    checks.check_round_trips(make(scale=(0.2, 0.6), fill_mode="wrap", seed=1), x, tmp_path)


def test_keras_config_keys_and_defaults():
    config = layers.RandomElasticTransform().get_config()
    expected = {"factor": (0, 1.0), "scale": (0, 1.0), "interpolation": "bilinear",
                "fill_mode": "reflect", "fill_value": 0.0, "value_range": (0, 255),
                "seed": None, "data_format": "channels_last"}  # fmt: skip
    assert {key: config[key] for key in expected} == expected


def test_bounding_boxes_are_refused_as_in_keras(rng):
    layer = layers.RandomElasticTransform(bounding_box_format="xyxy", seed=1)
    boxes = {"boxes": np.array([[[1.0, 1.0, 3.0, 2.0]]]), "labels": np.array([[1]])}
    with pytest.raises(NotImplementedError, match="bounding boxes"):
        layer({"images": checks.images(rng, (1, 6, 7, 3)), "bounding_boxes": boxes})


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"scale": 1.5}, ValueError, r"`scale` argument .* Received: scale=1.5"),
        ({"scale": (0.1, 0.2, 0.3)}, ValueError, r"Received: scale=\(0.1, 0.2, 0.3\)"),
        ({"factor": 2}, ValueError, r"range \[0, 1\]. Received: factor=2"),
        ({"fill_mode": "edge"}, ValueError, r"`fill_mode` must be one of .* fill_mode='edge'"),
        ({"interpolation": "bicubic"}, ValueError, r"`interpolation` .* interpolation='bicubic'"),
        ({"value_range": (0,)}, ValueError, r"value_range=\(0,\)"),
        ({"fill_value": "black"}, TypeError, r"fill_value='black'"),
    ],
)
def test_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        layers.RandomElasticTransform(**kwargs)
