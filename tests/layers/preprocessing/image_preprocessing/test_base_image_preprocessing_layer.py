import numpy as np
import pytest

import lamina
from lamina import backend, ops
from lamina.layers.preprocessing.image_preprocessing import BaseImagePreprocessingLayer
from lamina.utils import set_random_seed
from tests.harness import assert_close, check_config_roundtrip, to_numpy


class RandomMirror(BaseImagePreprocessingLayer):
    """A test layer: mirrors each image left-right with probability 1/2 (columns reversed),
    and its xyxy boxes with it."""

    _USE_BASE_FACTOR = False

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.generator = backend.SeedGenerator(seed)

    def get_random_transformation(self, data, training=True, seed=None):
        if not training:
            return None
        images = data["images"] if isinstance(data, dict) else data
        batch = ops.shape(images)[0] if len(ops.shape(images)) == 4 else 1
        draws = ops.random.uniform((batch,), seed=seed or self.generator)
        return {"mirror": draws > 0.5}

    def _transform_images(self, images, transformation, interpolation):
        chosen = ops.reshape(transformation["mirror"], (-1, 1, 1, 1))
        return ops.where(chosen, ops.flip(images, axis=2), images)

    def transform_labels(self, labels, transformation, training=True):
        return labels

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        if not training:
            return bounding_boxes
        boxes = bounding_boxes["boxes"]
        width = 5.0
        mirrored = ops.stack(
            [width - boxes[..., 2], boxes[..., 1], width - boxes[..., 0], boxes[..., 3]], axis=-1
        )
        chosen = ops.reshape(transformation["mirror"], (-1, 1, 1))
        return {**bounding_boxes, "boxes": ops.where(chosen, mirrored, boxes)}

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


class Scaled(BaseImagePreprocessingLayer):
    _FACTOR_BOUNDS = (0, 2)


def mirror_reference(images, mirror):
    return np.where(mirror[:, None, None, None], images[:, :, ::-1], images)


@pytest.fixture
def images(rng):
    return rng.standard_normal((4, 3, 5, 2)).astype("float32")


@pytest.mark.parametrize(
    ("factor", "expected"),
    [(0.3, (-0.3, 0.3)), (-0.3, (-0.3, 0.3)), ([0.4, -0.2], (-0.2, 0.4)), (None, (0.0, 0.0))],
)
def test_factor_number_or_pair(factor, expected):
    assert BaseImagePreprocessingLayer(factor=factor).factor == pytest.approx(expected)


def test_factor_is_cut_to_the_bounds():
    assert Scaled(factor=1.5).factor == (0, 1.5)  # -1.5 is below the lower bound 0


@pytest.mark.parametrize("factor", [1.5, [0.1, 0.2, 0.3], "big", [2.0, 3.0]])
def test_bad_factor_names_range_and_value(factor):
    with pytest.raises(ValueError, match=r"`factor` argument .* range \[-1, 1\]. Received"):
        BaseImagePreprocessingLayer(factor=factor)


def test_layer_without_factor_refuses_one():
    with pytest.raises(ValueError, match="does not take a `factor` argument. Received: factor=0.5"):
        RandomMirror(factor=0.5)


def test_batch_single_image_and_dict(images):
    layer = RandomMirror(seed=3)
    mirrored = to_numpy(layer(images))
    rows_flipped = [np.allclose(mirrored[i], images[i, :, ::-1]) for i in range(4)]
    unchanged = [np.allclose(mirrored[i], images[i]) for i in range(4)]
    assert all(a or b for a, b in zip(rows_flipped, unchanged))
    assert tuple(layer(images[0]).shape) == images[0].shape
    data = {"images": images, "labels": np.arange(4)}
    out = layer(data)
    assert set(out) == {"images", "labels"}
    assert out is not data
    assert data["images"] is images  # the caller's dict is left alone
    assert_close(out["labels"], np.arange(4))


def test_training_false_is_identity_and_casts(images):
    layer = RandomMirror(seed=1)
    assert_close(layer(images, training=False), images)
    assert ops.dtype(layer(images.astype("float64"), training=False)) == "float32"


def test_seed_and_set_random_seed_repeat(images):
    first = to_numpy(RandomMirror(seed=7)(images))
    assert_close(RandomMirror(seed=7)(images), first)
    set_random_seed(5)
    a = to_numpy(RandomMirror()(images))
    set_random_seed(5)
    assert_close(RandomMirror()(images), a)


def test_transformation_applies_to_images_and_boxes_together(rng, images):
    layer = RandomMirror(bounding_box_format="xyxy")
    mirror = np.array([True, False, True, False])
    boxes = rng.uniform(0, 2, (4, 2, 4)).astype("float32")
    boxes[..., 2:] += boxes[..., :2]
    data = {"images": images, "bounding_boxes": {"boxes": boxes, "labels": np.ones((4, 2))}}
    out = layer._transform_dict(data, {"mirror": ops.convert_to_tensor(mirror)}, training=True)
    assert_close(out["images"], mirror_reference(images, mirror))
    expected = boxes.copy()
    expected[mirror] = np.stack(
        [5 - boxes[mirror][..., 2], boxes[mirror][..., 1], 5 - boxes[mirror][..., 0],
         boxes[mirror][..., 3]], axis=-1,
    )  # fmt: skip
    assert_close(out["bounding_boxes"]["boxes"], expected)


def test_single_image_dict_with_ragged_list_boxes(rng, images):
    layer = RandomMirror(bounding_box_format="xyxy")
    data = {"images": images[0], "bounding_boxes": {"boxes": [[0, 0, 1, 2]], "labels": [3]}}
    out = layer._transform_dict(data, {"mirror": ops.convert_to_tensor([True])}, training=True)
    assert_close(out["images"], images[0, :, ::-1])
    assert_close(out["bounding_boxes"]["boxes"], [[4, 0, 5, 2]])
    assert_close(out["bounding_boxes"]["labels"], [3])


def test_boxes_without_a_format_and_bad_ranks(images):
    with pytest.raises(ValueError, match="bounding_box_format='xyxy'"):
        RandomMirror()({"images": images, "bounding_boxes": {"boxes": [], "labels": []}})
    with pytest.raises(ValueError, match=r"rank 3 \(single image\) or 4 .* Received: data.shape"):
        RandomMirror()(images[0, 0])
    with pytest.raises(ValueError, match="'images' key"):
        RandomMirror()({"labels": np.arange(2)})


def test_segmentation_masks_use_nearest(images):
    seen = []

    class Recorder(RandomMirror):
        def _transform_images(self, images, transformation, interpolation):
            seen.append(interpolation)
            return images

    Recorder()({"images": images, "segmentation_masks": images[..., :1]})
    assert seen == ["bilinear", "nearest"]


def test_symbolic_shape_equals_eager(images):
    layer = RandomMirror()
    assert layer(lamina.Input((3, 5, 2))).shape == (None, 3, 5, 2)
    out = layer({"images": lamina.Input((3, 5, 2)), "segmentation_masks": lamina.Input((3, 5, 1))})
    assert out["images"].shape == (None, 3, 5, 2)
    assert out["segmentation_masks"].shape == (None, 3, 5, 1)
    assert tuple(layer(images).shape) == images.shape


def test_config_round_trip():
    layer = RandomMirror(seed=2, bounding_box_format="yxyx", data_format="channels_first")
    config = check_config_roundtrip(layer).get_config()
    assert config["data_format"] == "channels_first"
    assert config["bounding_box_format"] == "yxyx"
    assert "bounding_box_format" not in RandomMirror().get_config()


def affine_reference(center_x, center_y, angle, tx, ty, scale, shx, shy, height, width):
    """Scale * shear * rotation about the centre, then a translation (output -> input)."""
    result = []
    for i in range(len(angle)):
        theta, sx, sy = np.deg2rad([angle[i], shx[i], shy[i]])
        rotation = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
        linear = scale[i] * np.array([[1, np.tan(sx)], [np.tan(sy), 1]]) @ rotation
        center = np.array([center_x[i] * (width - 1), center_y[i] * (height - 1)])
        offset = center - linear @ center + np.array([tx[i], ty[i]])
        result.append([*linear[0], offset[0], *linear[1], offset[1], 0, 0])
    return np.array(result)


def test_compute_affine_matrix_matches_numpy(rng):
    values = [rng.uniform(0.2, 0.8, 2), rng.uniform(0.2, 0.8, 2), rng.uniform(-40, 40, 2),
              rng.uniform(-3, 3, 2), rng.uniform(-3, 3, 2), rng.uniform(0.5, 1.5, 2),
              rng.uniform(-20, 20, 2), rng.uniform(-20, 20, 2)]  # fmt: skip
    tensors = [ops.convert_to_tensor(v.astype("float32")) for v in values]
    matrix = BaseImagePreprocessingLayer()._compute_affine_matrix(*tensors, 6, 8)
    assert_close(matrix, affine_reference(*values, 6, 8), rtol=1e-4, atol=1e-4)


def test_transform_value_range(rng):
    x = rng.uniform(0, 1, (2, 3)).astype("float32")
    layer = BaseImagePreprocessingLayer()
    assert_close(layer._transform_value_range(x, (0, 1), (0, 255)), x * 255, rtol=1e-5)
    assert_close(layer._transform_value_range(x, (0, 1), (-1, 1)), x * 2 - 1, rtol=1e-5)
    assert layer._transform_value_range(x, (0, 1), [0, 1]) is x
