"""The argument checks every engine shares: each message names the op, what it expected and
what it received, and the active engine raises it through the public op."""

import numpy as np
import pytest

from lamina import ops
from lamina.backend.common.argument_checks import (
    check_pad_mode,
    check_same_shape,
    check_sparse_target_rank,
    check_split_sections,
)


def test_split_into_sections_that_do_not_divide_the_axis(rng):
    x = rng.standard_normal((3, 5))
    with pytest.raises(ValueError, match=r"split: axis 1 of size 5 does not divide into 2"):
        ops.split(x, 2, axis=1)
    check_split_sections(None, 2, 0)  # an unknown size (graph mode) is left to the engine


@pytest.mark.parametrize(
    ("mode", "constant_values", "message"),
    [
        (
            "wrap",
            None,
            r"pad: mode must be 'constant', .* or 'edge'; received 'wrap'",
        ),
        ("reflect", 1.0, r"constant_values is only used with mode='constant'; got 'reflect'"),
    ],
)
def test_pad_rejects_bad_mode_arguments(rng, mode, constant_values, message):
    x = rng.standard_normal((3, 4))
    with pytest.raises(ValueError, match=message):
        ops.pad(x, ((1, 1), (0, 2)), mode=mode, constant_values=constant_values)


def test_pad_check_accepts_each_mode():
    for mode in ("constant", "reflect", "symmetric", "edge"):
        check_pad_mode(mode, None)
    check_pad_mode("constant", 2.0)


def test_crossentropy_messages_name_both_shapes(rng):
    target, output = rng.random((2, 3)), rng.random((2, 4))
    with pytest.raises(ValueError, match=r"target\.shape=\(2, 3\), output\.shape=\(2, 4\)"):
        ops.categorical_crossentropy(target, output)
    with pytest.raises(ValueError, match=r"^binary_crossentropy: target and output"):
        check_same_shape("binary_crossentropy", (2, 3), (3, 2))
    ids = np.array([[0, 1], [2, 0]])
    with pytest.raises(ValueError, match=r"target\.shape=\(2, 2\), output\.shape=\(2, 4\)"):
        ops.sparse_categorical_crossentropy(ids, output)
    check_sparse_target_rank((2,), (2, 4))
