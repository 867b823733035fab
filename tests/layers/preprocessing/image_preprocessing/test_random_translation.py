import numpy as np
import pytest

from lamina import layers
from tests.harness import assert_close
from tests.layers.preprocessing.image_preprocessing import image_layer_checks as checks


def shifted(x, dx, dy, pad_mode, fill=0.0):
    """Each image of ``x`` (N, H, W, C) moved by whole pixels (dx right, dy down)."""
    out = np.empty_like(x)
    height, width = x.shape[1:3]
    for i in range(len(x)):
        margin = max(height, width)
        if pad_mode == "constant":
            padded = np.pad(x[i], ((margin, margin), (margin, margin), (0, 0)),
                            constant_values=fill)  # fmt: skip
        else:
            padded = np.pad(x[i], ((margin, margin), (margin, margin), (0, 0)), mode=pad_mode)
        top, left = margin - int(dy[i]), margin - int(dx[i])
        out[i] = padded[top : top + height, left : left + width]
    return out


@pytest.mark.parametrize(
    ("fill_mode", "pad_mode"), [("constant", "constant"), ("reflect", "symmetric"),
                                ("wrap", "wrap"), ("nearest", "edge")],
)  # fmt: skip
def test_whole_pixel_shifts_match_numpy(rng, fill_mode, pad_mode):
    x = checks.images(rng)
    dx, dy = np.array([2.0, -3.0]), np.array([-1.0, 2.0])
    layer = layers.RandomTranslation(0.5, 0.5, fill_mode=fill_mode, fill_value=0.25,
                                     interpolation="nearest")  # fmt: skip
    transformation = {"translations": np.stack([dx, dy], 1).astype("float32"),
                      "input_shape": x.shape}  # fmt: skip
    out = layer.transform_images(x, checks.as_tensors(transformation))
    assert_close(out, shifted(x, dx, dy, pad_mode, fill=0.25))


def test_half_pixel_shift_is_the_bilinear_average(rng):
    x = checks.images(rng, (1, 4, 5, 2))
    layer = layers.RandomTranslation(0.5, 0.5, fill_mode="nearest")
    transformation = {"translations": np.array([[0.5, 0.0]], "float32"), "input_shape": x.shape}
    out = layer.transform_images(x, checks.as_tensors(transformation))
    left = np.concatenate([x[:, :, :1], x[:, :, :-1]], axis=2)  # reads x - 0.5
    assert_close(out, (x + left) / 2, rtol=1e-5, atol=1e-6)


def test_boxes_shift_and_clip(rng):
    layer = layers.RandomTranslation(0.5, 0.5, bounding_box_format="xyxy")
    transformation = {"translations": np.array([[2.0, -1.0]], "float32"),
                      "input_shape": (1, 6, 7, 3)}  # fmt: skip
    boxes = {"boxes": np.array([[[1.0, 0.5, 4.0, 3.0], [5.0, 1.0, 6.0, 2.0]]]),
             "labels": np.array([[1, 2]])}  # fmt: skip
    out = layer.transform_bounding_boxes(boxes, checks.as_tensors(transformation))
    assert_close(out["boxes"], [[[3.0, 0.0, 6.0, 2.0], [7.0, 0.0, 7.0, 1.0]]])
    assert_close(out["labels"], [[1, -1]])  # pushed off the image: no area left


def test_random_shifts_stay_within_the_factors(rng):
    layer = layers.RandomTranslation((0.1, 0.2), -0.3, seed=1)
    x = checks.images(rng, (64, 10, 20, 1))
    translations = np.asarray(layer.get_random_transformation(x)["translations"])
    assert np.all((translations[:, 1] >= 1.0) & (translations[:, 1] <= 2.0))
    assert np.all(np.abs(translations[:, 0]) <= 6.0)
    assert np.std(translations[:, 0]) > 1.0


def test_shapes_inference_seed_and_round_trips(rng, tmp_path):
    x = checks.images(rng)

    def make(**kwargs):
        return layers.RandomTranslation(0.3, 0.3, **kwargs)

    checks.check_symbolic_shape(make, x)
    checks.check_inference_is_identity(make(), x)
    checks.check_seeded_repeat(make, x)
    checks.check_round_trips(make(fill_mode="constant", fill_value=0.5, seed=2), x, tmp_path)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"height_factor": 1.5}, r"`height_factor` should be .* Received: height_factor=1.5"),
     ({"width_factor": [0.1, 0.2, 0.3]}, "Received: width_factor=.0.1, 0.2, 0.3."),
     ({"fill_mode": "mirror"}, "`fill_mode` must be one of"),
     ({"interpolation": "bicubic"}, "`interpolation` must be one of")],
)  # fmt: skip
def test_bad_arguments(kwargs, message):
    arguments = {"height_factor": 0.1, "width_factor": 0.1, **kwargs}
    with pytest.raises(ValueError, match=message):
        layers.RandomTranslation(**arguments)
