"""depth_to_space, space_to_depth, unfold and fold (ops/patches.py) against NumPy loops."""

import numpy as np
import pytest

from lamina import backend, ops
from tests.harness import assert_close, engine_gradients
from tests.ops.op_harness import OpCase, case_ids, check_eager, check_symbolic


def _depth_to_space(x, r, data_format="channels_last"):
    if data_format == "channels_first":
        x = np.transpose(x, (0, 2, 3, 1))
    n, h, w, c = x.shape
    depth = c // (r * r)
    out = np.empty((n, h * r, w * r, depth), x.dtype)
    for i in range(h * r):
        for j in range(w * r):
            if data_format == "channels_last":  # channel (i * r + j) * depth + d
                channels = ((i % r) * r + j % r) * depth + np.arange(depth)
            else:  # channel d * r * r + i * r + j
                channels = np.arange(depth) * r * r + (i % r) * r + j % r
            out[:, i, j] = x[:, i // r, j // r, channels]
    return out if data_format == "channels_last" else np.transpose(out, (0, 3, 1, 2))


def _space_to_depth(x, r, data_format="channels_last"):
    """The inverse permutation of _depth_to_space, found by moving indices through it."""
    c_axis = -1 if data_format == "channels_last" else 1
    n = x.shape[0]
    spatial = [s // r for s in (x.shape[1:3] if c_axis == -1 else x.shape[2:])]
    c = x.shape[c_axis] * r * r
    shape = (n, *spatial, c) if c_axis == -1 else (n, c, *spatial)
    positions = _depth_to_space(np.arange(np.prod(shape)).reshape(shape), r, data_format)
    out = np.empty(np.prod(shape), x.dtype)
    out[positions.ravel()] = x.ravel()
    return out.reshape(shape)


def _unfold(x, kernel, dilation=(1, 1), padding=(0, 0), stride=(1, 1)):
    (kh, kw), (dh, dw), (ph, pw), (sh, sw) = kernel, dilation, padding, stride
    x = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    n, c, h, w = x.shape
    nh, nw = (h - dh * (kh - 1) - 1) // sh + 1, (w - dw * (kw - 1) - 1) // sw + 1
    out = np.zeros((n, c * kh * kw, nh * nw), x.dtype)
    for channel, i, j, bh, bw in np.ndindex(c, kh, kw, nh, nw):
        out[:, (channel * kh + i) * kw + j, bh * nw + bw] = x[:, channel, bh * sh + i * dh,
                                                              bw * sw + j * dw]  # fmt: skip
    return out


def _fold(cols, output_size, kernel, dilation=(1, 1), padding=(0, 0), stride=(1, 1)):
    """Every column entry added back where _unfold read it from."""
    (kh, kw), (dh, dw), (ph, pw), (sh, sw) = kernel, dilation, padding, stride
    oh, ow = output_size
    n, ckk, _ = cols.shape
    c = ckk // (kh * kw)
    nh, nw = (
        (oh + 2 * ph - dh * (kh - 1) - 1) // sh + 1,
        (ow + 2 * pw - dw * (kw - 1) - 1) // sw + 1,
    )
    out = np.zeros((n, c, oh + 2 * ph, ow + 2 * pw), cols.dtype)
    for channel, i, j, bh, bw in np.ndindex(c, kh, kw, nh, nw):
        out[:, channel, bh * sh + i * dh, bw * sw + j * dw] += cols[:, (channel * kh + i) * kw + j,
                                                                    bh * nw + bw]  # fmt: skip
    return out[:, :, ph : ph + oh, pw : pw + ow]


CF = "channels_first"
UNFOLD_ARGUMENTS = {"kernel_size": (2, 3), "dilation": (2, 1), "padding": 1, "stride": (1, 2)}
UNFOLD_PAIRS = {"kernel": (2, 3), "dilation": (2, 1), "padding": (1, 1), "stride": (1, 2)}

CASES = [
    OpCase("depth_to_space", lambda x: ops.depth_to_space(x, 2),
           lambda x: _depth_to_space(x, 2), ((2, 2, 3, 8),)),
    OpCase("depth_to_space", lambda x: ops.depth_to_space(x, 3, data_format=CF),
           lambda x: _depth_to_space(x, 3, CF), ((2, 18, 2, 1),), label="channels_first"),
    OpCase("depth_to_space", lambda x: ops.depth_to_space(x, 2),
           lambda x: _depth_to_space(x, 2), ((1, 2, 2, 4),), "int", label="int"),
    OpCase("space_to_depth", lambda x: ops.space_to_depth(x, 2),
           lambda x: _space_to_depth(x, 2), ((2, 4, 6, 3),)),
    OpCase("space_to_depth", lambda x: ops.space_to_depth(x, 2, data_format=CF),
           lambda x: _space_to_depth(x, 2, CF), ((2, 3, 4, 2),), label="channels_first"),
    OpCase("unfold", lambda x: ops.unfold(x, 2), lambda x: _unfold(x, (2, 2)), ((2, 3, 4, 5),)),
    OpCase("unfold", lambda x: ops.unfold(x, **UNFOLD_ARGUMENTS),
           lambda x: _unfold(x, **UNFOLD_PAIRS), ((2, 2, 5, 6),), label="arguments"),
    OpCase("fold", lambda x: ops.fold(x, (4, 5), 2), lambda x: _fold(x, (4, 5), (2, 2)),
           ((2, 12, 12),)),
    OpCase("fold", lambda x: ops.fold(x, (5, 6), **UNFOLD_ARGUMENTS),
           lambda x: _fold(x, (5, 6), **UNFOLD_PAIRS), ((2, 12, 15),), label="arguments"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_matches_numpy(case, rng):
    check_eager(case, rng)


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_symbolic_shape_and_dtype(case, rng):
    check_symbolic(case, rng)


@pytest.mark.parametrize("data_format", ["channels_last", CF])
def test_space_to_depth_inverts_depth_to_space(data_format, rng):
    x = rng.standard_normal((2, 8, 3, 4) if data_format == CF else (2, 3, 4, 8))
    back = ops.space_to_depth(ops.depth_to_space(x, 2, data_format), 2, data_format)
    assert_close(back, x)


def test_fold_is_the_adjoint_of_unfold(rng):
    # <unfold(x), y> == <x, fold(y)>: fold adds every column entry back where unfold read it.
    x = ops.convert_to_tensor(rng.standard_normal((1, 2, 5, 6)), "float64")
    y = ops.convert_to_tensor(rng.standard_normal((1, 12, 15)), "float64")
    unfolded = ops.unfold(x, **UNFOLD_ARGUMENTS)
    folded = ops.fold(y, (5, 6), **UNFOLD_ARGUMENTS)
    assert_close(ops.sum(ops.multiply(unfolded, y)), ops.sum(ops.multiply(folded, x)), rtol=1e-10)


@pytest.mark.training
def test_unfold_gradient_counts_how_often_each_pixel_is_read(rng):
    x = rng.standard_normal((1, 2, 4, 5))
    (grad,) = engine_gradients(lambda t: ops.unfold(t, 2, padding=1), [x])
    ones = np.ones((1, 8, _unfold(x, (2, 2), padding=(1, 1)).shape[-1]))
    assert_close(grad, _fold(ones, (4, 5), (2, 2), padding=(1, 1)))


def test_unknown_batch_symbolic():
    assert ops.unfold(backend.KerasTensor((None, 3, 4, 4)), 2, stride=2).shape == (None, 12, 4)
    assert ops.fold(backend.KerasTensor((None, 12, 4)), 4, 2, stride=2).shape == (None, 3, 4, 4)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: ops.depth_to_space(np.ones((1, 2, 2, 6)), 2), "divisible by block_size"),
        (lambda: ops.depth_to_space(np.ones((1, 2, 2, 8)), 1), "block_size must be an int >= 2"),
        (lambda: ops.space_to_depth(np.ones((1, 3, 4, 1)), 2), "divisible by block_size"),
        (lambda: ops.space_to_depth(np.ones((2, 4, 1)), 2), "4D input"),
        (lambda: ops.unfold(np.ones((2, 4, 4)), 2), "4D tensor"),
        (lambda: ops.unfold(np.ones((1, 1, 4, 4)), (2, 2, 2)), "kernel_size must be"),
        (lambda: ops.fold(np.ones((1, 7, 9)), 4, 2), "divisible by kernel_size"),
    ],
)
def test_bad_arguments_raise(call, message):
    with pytest.raises(ValueError, match=message):
        call()
