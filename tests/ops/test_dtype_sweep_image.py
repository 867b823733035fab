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
    SAME,
    check_dtype,
    first_cases,
    public_ops,
    sweep_params,
)
from tests.ops.op_harness import OpCase, uncovered
from tests.ops.test_image_extra import CASES as IMAGE_CASES

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
]  # fmt: skip

# name: (dtypes, result rule). Keras keeps integer and boolean images in their dtype where
# the op moves pixels without arithmetic. Interpolating and filtering ops run on floats here:
# Keras truncates their integer results, which no float64 reference reproduces.
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
    **dict.fromkeys(
        ["rgb_to_hsv", "hsv_to_rgb", "rgb_to_grayscale", "gaussian_blur",
         "ssim", "perspective_transform"],
        (FLOATS, SAME),
    ),
    "scale_and_translate": (FULL_FLOATS, SAME),
}  # fmt: skip
CASES = first_cases(EXACT_CASES + IMAGE_CASES, TABLE)
NUMPY_FLOAT64_DOWNCASTS = {
    "crop_images", "pad_images", "affine_transform", "map_coordinates", "extract_patches",
    "extract_patches_3d", "rgb_to_hsv", "hsv_to_rgb", "rgb_to_grayscale", "gaussian_blur",
    "sobel_edges", "ssim", "perspective_transform", "scale_and_translate",
}  # fmt: skip
PARAMS = sweep_params(TABLE, CASES, NUMPY_FLOAT64_DOWNCASTS)


@pytest.mark.parametrize(("case", "dtype", "rule"), PARAMS)
def test_dtype_class(case, dtype, rule, rng):
    check_dtype(case, dtype, rule, rng)


UNSWEPT = {
    "elastic_transform": "random displacements: no NumPy reference for its values",
}


def test_every_image_op_is_swept_or_listed():
    assert uncovered(public_ops(ops.image), CASES.values(), UNSWEPT) == set()
