"""lamina.ops.nn in every dtype class Keras 3.15 accepts for each op (see dtype_sweep)."""

import numpy as np
import pytest

from lamina import backend, ops
from tests.ops.dtype_sweep import (
    FLOAT,
    FLOAT32,
    FLOATS,
    FULL_FLOATS,
    INTS,
    SAME,
    check_dtype,
    check_refused,
    first_cases,
    public_ops,
    refusal_params,
    sweep_params,
)
from tests.ops.op_harness import OpCase, uncovered
from tests.ops.test_activations import CASES as ACTIVATION_CASES
from tests.ops.test_adaptive_pooling_and_separable_conv import CASES as WINDOW_CASES
from tests.ops.test_attention import CASES as ATTENTION_CASES
from tests.ops.test_ctc import CASES as CTC_CASES
from tests.ops.test_nn import CASES as NN_CASES
from tests.ops.test_normalization import CASES as NORMALIZATION_CASES
from tests.ops.test_patches import CASES as PATCHES_CASES
from tests.ops.test_signals import CASES as SIGNALS_CASES

# Ops Keras computes in floatx on integer and boolean input (sigmoid, the squashing family).
_TO_FLOAT = ("bool", *INTS)
# name: (dtypes, result rule). Floats everywhere; integers where Keras gives a result.
TABLE = {
    "relu": ((*INTS, *FLOATS), SAME),
    "relu6": ((*INTS, *FLOATS), SAME),
    "sigmoid": ((*_TO_FLOAT, *FLOATS), FLOAT),
    "softsign": ((*INTS, *FLOATS), FLOAT),
    "sparse_plus": ((*_TO_FLOAT, *FLOATS), FLOAT),
    "sparse_sigmoid": ((*_TO_FLOAT, *FLOATS), FLOAT),
    "sparsemax": ((*INTS, *FLOATS), FLOAT),
    "squareplus": ((*_TO_FLOAT, *FLOATS), FLOAT),
    "tanh_shrink": ((*INTS, *FLOATS), FLOAT),
    "normalize": ((*_TO_FLOAT, *FLOATS), FLOAT),
    "hard_tanh": (("int32", "int64", *FLOATS), SAME),
    "threshold": (("int32", "int64", *FLOATS), SAME),  # its case's default_value is < 0
    "depth_to_space": (("bool", *INTS, *FLOATS), SAME),
    "space_to_depth": (("bool", *INTS, *FLOATS), SAME),
    "max_pool": ((*INTS, *FLOATS), SAME),
    "conv": ((*INTS, *FLOATS), SAME),
    "conv_transpose": ((*INTS, *FLOATS), SAME),  # Keras: booleans refused (REFUSED)
    # Losses and scores in float32 for every input, as Keras (tf.nn.ctc_loss's rule).
    "ctc_loss": (("bool", *INTS, *FLOATS), FLOAT32),
    "ctc_decode": (("bool", *INTS, *FLOATS), FLOAT32),
    "polar": (("bool", *INTS, *FULL_FLOATS), FLOAT),  # half floats refused: no complex32
    "depthwise_conv": ((*INTS, *FLOATS), SAME),
    "separable_conv": ((*INTS, *FLOATS), SAME),
    **dict.fromkeys(
        [
            "softplus",
            "silu",
            "swish",
            "gelu",
            "elu",
            "selu",
            "leaky_relu",
            "hard_sigmoid",
            "hard_silu",
            "log_sigmoid",
            "softmax",
            "log_softmax",
            "celu",
            "glu",
            "hard_shrink",
            "hard_swish",
            "soft_shrink",
            "moments",
            "batch_normalization",
            "layer_normalization",
            "rms_normalization",
            "categorical_crossentropy",
            "sparse_categorical_crossentropy",
            "binary_crossentropy",
            "average_pool",
            "adaptive_average_pool",
            "adaptive_max_pool",
            "unfold",
            "fold",
            "dot_product_attention",
            "psnr",
        ],
        (FLOATS, SAME),
    ),
}
# test_nn's relu6 case scales its input by a float, which would hide the input's dtype.
_RELU6 = OpCase("relu6", ops.relu6, lambda x: np.clip(x, 0, 6), ((4, 5),))


def _polar_parts(abs_, angle):  # the complex result as (real, imag) floats
    out = ops.polar(abs_, angle)
    return ops.real(out), ops.imag(out)


_POLAR = OpCase("polar", _polar_parts, lambda r, t: (r * np.cos(t), r * np.sin(t)),
                ((3, 4), (3, 4)), ("positive", "normal"))  # fmt: skip
CASES = first_cases(
    [_RELU6, _POLAR] + CTC_CASES + NN_CASES + ACTIVATION_CASES + WINDOW_CASES + ATTENTION_CASES
    + NORMALIZATION_CASES + PATCHES_CASES + SIGNALS_CASES,
    TABLE,
)  # fmt: skip
PARAMS = sweep_params(TABLE, CASES)


@pytest.mark.parametrize(("case", "dtype", "rule"), PARAMS)
def test_dtype_class(case, dtype, rule, rng):
    check_dtype(case, dtype, rule, rng)


@pytest.mark.parametrize("dtype", ["uint8", "int16", "int64"])
def test_one_hot_and_multi_hot_take_every_index_dtype(dtype, rng):
    ids = rng.integers(0, 4, size=(3, 2))
    tensor = ops.cast(ids, dtype)
    one_hot, multi_hot = ops.one_hot(tensor, 4), ops.multi_hot(tensor, 4)
    assert (ops.dtype(one_hot), ops.dtype(multi_hot)) == ("float32", "float32")
    expected = np.eye(4)[ids]
    np.testing.assert_array_equal(ops.convert_to_numpy(one_hot), expected)
    np.testing.assert_array_equal(ops.convert_to_numpy(multi_hot), expected.max(axis=1))
    symbolic = backend.KerasTensor((None, 2), dtype=dtype)
    assert ops.one_hot(symbolic, 4).shape == (None, 2, 4)
    assert ops.multi_hot(symbolic, 4).shape == (None, 4)


# name: the dtypes Keras 3.15 refuses (its engines have no kernel for them), refused here too.
REFUSED = {
    "dot_product_attention": ("bool", *INTS),
    "average_pool": ("bool", *INTS),  # Keras's torch engine takes int64 alone
    "adaptive_average_pool": ("bool", *INTS),
    "adaptive_max_pool": ("bool", *INTS),
    "conv_transpose": ("bool",),
    "polar": ("float16", "bfloat16"),
}


@pytest.mark.parametrize(("case", "dtype"), refusal_params(REFUSED, CASES))
def test_refused_dtype_class(case, dtype, rng):
    check_refused(case, dtype, rng)


UNSWEPT = {
    "one_hot": "integer ids only: test_one_hot_and_multi_hot_take_every_index_dtype",
    "multi_hot": "integer ids only: test_one_hot_and_multi_hot_take_every_index_dtype",
}


def test_every_nn_op_is_swept_or_listed():
    assert uncovered(public_ops(ops.nn), CASES.values(), UNSWEPT) == set()
