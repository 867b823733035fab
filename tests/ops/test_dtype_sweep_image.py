"""lamina.ops.image in every dtype class Keras 3.15 accepts for each op (see dtype_sweep).

The ops without an ``OpCase`` table elsewhere get small exact cases here: nearest resizing by
2, crops, pads, integer shifts and gathers, whose results stay in the input's dtype.
"""

import colorsys

import numpy as np
import pytest

from lamina import ops
from tests.ops.dtype_sweep import (
    FLOATS,
    FULL_FLOATS,
    INTS,
    ROUND,
    SAME,
    TRUNCATE,
    check_dtype,
    check_refused,
    first_cases,
    public_ops,
    refusal_params,
    sweep_params,
)
from tests.ops.op_harness import OpCase, uncovered
from tests.ops.test_image_extra import (
    CASES as IMAGE_CASES,
    _scale_reference,
    _ssim_reference,
    _triangle,
)
from tests.ops.test_image_sampling import _affine_reference

image = ops.image
SHIFT = np.array([[1, 0, 1, 0, 1, 0, 0, 0]], "float32")  # output (y, x) reads input (y, x + 1)
COORDINATES = np.array([[[0, 1, 3], [2, 2, 0]], [[1, 0, 2], [3, 1, 1]]], "float32")


def _shift_left(x):
    out = np.zeros_like(x)
    out[:, :, :-1] = x[:, :, 1:]
    return out


def _rgb_to_hsv(x):
    return np.asarray([colorsys.rgb_to_hsv(*p) for p in x.reshape(-1, 3)]).reshape(x.shape)


def _hsv_to_rgb(x):
    return np.asarray([colorsys.hsv_to_rgb(*p) for p in x.reshape(-1, 3)]).reshape(x.shape)


EXACT_CASES = [
    OpCase("resize", lambda x: image.resize(x, (4, 6), interpolation="nearest"),
           lambda x: np.repeat(np.repeat(x, 2, axis=1), 2, axis=2), ((1, 2, 3, 2),)),
    OpCase("crop_images",
           lambda x: image.crop_images(x, 1, 1, target_height=2, target_width=2),
           lambda x: x[:, 1:3, 1:3], ((1, 4, 4, 2),)),
    OpCase("pad_images", lambda x: image.pad_images(x, 1, 1, target_height=5, target_width=5),
           lambda x: np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0))), ((1, 3, 3, 2),)),
    OpCase("affine_transform",
           lambda x: image.affine_transform(x, SHIFT, interpolation="nearest"),
           _shift_left, ((1, 3, 4, 2),), batch=False),
    OpCase("map_coordinates", lambda x: image.map_coordinates(x, COORDINATES, 0),
           lambda x: x[COORDINATES[0].astype(int), COORDINATES[1].astype(int)], ((4, 4),),
           batch=False),
    OpCase("rgb_to_hsv", image.rgb_to_hsv, _rgb_to_hsv, ((1, 2, 3, 3),), "open01"),
    OpCase("hsv_to_rgb", image.hsv_to_rgb, _hsv_to_rgb, ((1, 2, 3, 3),), "open01"),
    OpCase("rgb_to_grayscale", image.rgb_to_grayscale,
           lambda x: x @ np.array([[0.2989], [0.5870], [0.1140]]), ((1, 2, 3, 3),)),
    # test_image_extra's ssim case draws [0, 1) images, which have no integer form.
    OpCase("ssim", lambda a, b: image.ssim(a, b, filter_size=5), _ssim_reference(filter_size=5),
           ((2, 8, 9, 3), (2, 8, 9, 3)), rtol=1e-4, atol=1e-5),
    # alpha=0 displaces nothing: the (random) elastic transform is then the identity.
    OpCase("elastic_transform", lambda x: image.elastic_transform(x, alpha=0.0, seed=1),
           lambda x: x, ((1, 5, 6, 2),)),
]  # fmt: skip

# name: (dtypes, result rule). Keras keeps integer and boolean images in their dtype where
# the op moves pixels without arithmetic; ops that interpolate integer images round the
# result back (ROUND), rgb_to_grayscale and ssim truncate it (TRUNCATE).
_PIXEL_MOVES = ("bool", *INTS, *FLOATS)
TABLE = {
    "resize": (_PIXEL_MOVES, SAME),
    "crop_images": (_PIXEL_MOVES, SAME),
    "pad_images": (_PIXEL_MOVES, SAME),
    "affine_transform": (_PIXEL_MOVES, SAME),
    "map_coordinates": (_PIXEL_MOVES, SAME),
    "extract_patches": ((*INTS, *FLOATS), SAME),
    "extract_patches_3d": ((*INTS, *FLOATS), SAME),
    "sobel_edges": (("int32", "int64", *FLOATS), SAME),  # uint8 would wrap negative edges
    **dict.fromkeys(["rgb_to_hsv", "hsv_to_rgb", "gaussian_blur", "elastic_transform"],
                    (FLOATS, SAME)),
    "rgb_to_grayscale": (("bool", *INTS, *FLOATS), TRUNCATE),
    "ssim": (("bool", *INTS, *FLOATS), TRUNCATE),
    "perspective_transform": ((*INTS, *FLOATS), ROUND),
    "scale_and_translate": ((*INTS, *FULL_FLOATS), ROUND),
}  # fmt: skip
CASES = first_cases(EXACT_CASES + IMAGE_CASES, TABLE)


def _map_coordinates_reference(coordinates):
    ndimage = pytest.importorskip("scipy.ndimage", reason="SciPy's ndimage is the reference")
    return lambda x: ndimage.map_coordinates(x, coordinates, order=1, mode="grid-constant")


TRANSFORM = np.array([[0.9, 0.2, 0.3, -0.1, 1.1, 0.4, 0.0, 0.0]], "float32")
LINEAR_COORDINATES = np.array([[[0.3, 1.7, 2.2], [2.9, 0.6, 1.1]],
                               [[1.4, 0.2, 3.6], [2.3, 3.8, 0.9]]], "float32")  # fmt: skip
# The interpolating forms of the pixel-moving ops: integer images rounded back, as Keras.
LINEAR_CASES = [
    OpCase("resize", lambda x: image.resize(x, (5, 7)),
           _scale_reference((1, 5, 7, 2), (5 / 3, 7 / 4), (0, 0), (1, 2), _triangle, False),
           ((1, 3, 4, 2),), label="bilinear"),
    OpCase("affine_transform", lambda x: image.affine_transform(x, TRANSFORM),
           lambda x: _affine_reference(x, TRANSFORM, 1, "constant"), ((1, 4, 5, 2),),
           batch=False, label="bilinear"),
    OpCase("map_coordinates", lambda x: image.map_coordinates(x, LINEAR_COORDINATES, 1),
           lambda x: _map_coordinates_reference(LINEAR_COORDINATES)(x), ((4, 5),), batch=False,
           label="linear"),
]  # fmt: skip
LINEAR = {case.id: case for case in LINEAR_CASES}
# A boolean image is read back as True where the interpolated value is nonzero (resize) or
# rounds to nonzero (affine_transform, map_coordinates), as Keras's torch engine does.
LINEAR_TABLE = {
    **dict.fromkeys(LINEAR, ((*INTS, "float32"), ROUND)),
    "resize-bilinear-bool": (("bool",), TRUNCATE),
    "affine_transform-bilinear-bool": (("bool",), ROUND),
    "map_coordinates-linear-bool": (("bool",), ROUND),
}
LINEAR_CASES_BY_KEY = {key: LINEAR[key.removesuffix("-bool")] for key in LINEAR_TABLE}
PARAMS = sweep_params(TABLE, CASES) + sweep_params(LINEAR_TABLE, LINEAR_CASES_BY_KEY)


@pytest.mark.parametrize(("case", "dtype", "rule"), PARAMS)
def test_dtype_class(case, dtype, rule, rng):
    check_dtype(case, dtype, rule, rng)


# name: the dtypes Keras 3.15 refuses (float-only kernels, float noise drawn in the image's
# dtype, no boolean kernels), refused here too.
REFUSED = {
    "gaussian_blur": ("bool", *INTS),
    "elastic_transform": ("bool", *INTS),
    "perspective_transform": ("bool",),
    "scale_and_translate": ("bool",),
}


@pytest.mark.parametrize(("case", "dtype"), refusal_params(REFUSED, CASES))
def test_refused_dtype_class(case, dtype, rng):
    check_refused(case, dtype, rng)


UNSWEPT = {}


def test_every_image_op_is_swept_or_listed():
    assert uncovered(public_ops(ops.image), CASES.values(), UNSWEPT) == set()
