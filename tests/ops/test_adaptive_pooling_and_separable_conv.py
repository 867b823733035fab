"""ops.separable_conv, ops.adaptive_average_pool, ops.adaptive_max_pool, and the 3-D forms of
conv, depthwise_conv, conv_transpose and the pools, against float64 NumPy references."""

import numpy as np
import pytest

from lamina import ops
from tests.layers.convolutional.conv_reference import conv_reference
from tests.layers.convolutional.conv_transpose_reference import (
    conv_transpose_reference,
    depthwise_conv_reference,
    separable_conv_reference,
)
from tests.layers.pooling.pool_reference import adaptive_pool_reference, pool_reference
from tests.ops.op_harness import OpCase, case_ids, check_eager, check_symbolic

TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}
KERNELS = {"batch_inputs": (0,)}  # only the first input has a batch axis


def _adaptive(name, mode, shape, output_size, data_format="channels_last", label=""):
    public = getattr(ops, name)
    return OpCase(
        name,
        lambda x: public(x, output_size, data_format=data_format),
        lambda x: adaptive_pool_reference(x, output_size, mode, data_format),
        (shape,),
        label=label,
    )


CASES = [
    OpCase("separable_conv", ops.separable_conv, separable_conv_reference,
           ((2, 6, 5, 3), (3, 2, 3, 2), (1, 1, 6, 4)), **TOLERANCE, **KERNELS),
    OpCase("separable_conv",
           lambda x, d, p: ops.separable_conv(x, d, p, strides=2, padding="same"),
           lambda x, d, p: separable_conv_reference(x, d, p, strides=2, padding="same"),
           ((2, 9, 3), (3, 3, 1), (1, 3, 2)), **TOLERANCE, **KERNELS, label="1d-same"),
    OpCase("separable_conv",
           lambda x, d, p: ops.separable_conv(x, d, p, dilation_rate=2,
                                              data_format="channels_first"),
           lambda x, d, p: separable_conv_reference(x, d, p, dilation_rate=2,
                                                    data_format="channels_first"),
           ((2, 2, 6, 6), (2, 2, 2, 2), (1, 1, 4, 3)), **TOLERANCE, **KERNELS,
           label="channels_first-dilated"),
    _adaptive("adaptive_average_pool", "mean", (2, 7, 3), 3, label="1d"),
    _adaptive("adaptive_max_pool", "max", (2, 7, 3), 3, label="1d"),
    _adaptive("adaptive_average_pool", "mean", (2, 7, 5, 3), (3, 2), label="2d"),
    _adaptive("adaptive_max_pool", "max", (2, 4, 5, 3), (6, 2), label="2d-upsampling"),
    _adaptive("adaptive_average_pool", "mean", (2, 3, 5, 4, 3), (2, 3, 2), "channels_first",
              label="3d-channels_first"),
    _adaptive("adaptive_max_pool", "max", (2, 5, 3, 4, 2), 2, label="3d"),
    OpCase("conv", lambda x, k: ops.conv(x, k, strides=(1, 2, 1), padding="same"),
           lambda x, k: conv_reference(x, k, strides=(1, 2, 1), padding="same"),
           ((2, 3, 4, 3, 2), (2, 2, 2, 2, 3)), **TOLERANCE, **KERNELS, label="3d"),
    OpCase("depthwise_conv", lambda x, k: ops.depthwise_conv(x, k, data_format="channels_first"),
           lambda x, k: depthwise_conv_reference(x, k, data_format="channels_first"),
           ((2, 2, 3, 4, 3), (2, 2, 2, 2, 2)), **TOLERANCE, **KERNELS, label="3d-channels_first"),
    OpCase("conv_transpose", lambda x, k: ops.conv_transpose(x, k, strides=2, padding="same"),
           lambda x, k: conv_transpose_reference(x, k, strides=2, padding="same"),
           ((2, 2, 3, 2, 2), (2, 3, 2, 3, 2)), **TOLERANCE, **KERNELS, label="3d"),
    OpCase("max_pool", lambda x: ops.max_pool(x, 2, strides=1, padding="same"),
           lambda x: pool_reference(x, 2, 1, "same", "max"), ((2, 3, 4, 3, 2),), label="3d"),
    OpCase("average_pool", lambda x: ops.average_pool(x, (2, 1, 2), data_format="channels_first"),
           lambda x: pool_reference(x, (2, 1, 2), None, "valid", "mean", "channels_first"),
           ((2, 2, 4, 3, 4),), label="3d-channels_first"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_matches_numpy(case, rng):
    check_eager(case, rng)


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_symbolic_shape_and_dtype(case, rng):
    check_symbolic(case, rng)


def test_ops_are_exported_at_both_levels():
    for name in ("separable_conv", "adaptive_average_pool", "adaptive_max_pool"):
        assert getattr(ops, name) is getattr(ops.nn, name)


@pytest.mark.parametrize("name", ["adaptive_average_pool", "adaptive_max_pool"])
def test_adaptive_pool_rejects_bad_output_size_and_rank(name, rng):
    x = rng.standard_normal((2, 5, 5, 3)).astype("float32")
    for bad in (0, (2, 2, 2), (2, -1), 1.5):
        with pytest.raises(ValueError, match=f"{name}: output_size must be a positive int"):
            getattr(ops, name)(x, bad)
    with pytest.raises(ValueError, match=f"{name} expects inputs of rank 3, 4 or 5"):
        getattr(ops, name)(x[0, 0], 2)


def test_separable_conv_rejects_mismatched_kernels(rng):
    x = rng.standard_normal((1, 5, 5, 3)).astype("float32")
    depthwise = rng.standard_normal((3, 3, 3, 2)).astype("float32")
    with pytest.raises(ValueError, match="separable_conv needs depthwise_kernel"):
        ops.separable_conv(x, depthwise[..., :2, :], np.ones((1, 1, 4, 2), "float32"))
    with pytest.raises(ValueError, match="separable_conv needs depthwise_kernel"):
        ops.separable_conv(x, depthwise, np.ones((1, 1, 5, 2), "float32"))
