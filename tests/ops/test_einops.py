"""ops.rearrange (einops patterns) against NumPy reshapes and transposes."""

import numpy as np
import pytest

from lamina import backend, ops
from tests.ops.op_harness import OpCase, case_ids, check_eager, check_symbolic

CASES = [
    OpCase("rearrange", lambda x: ops.rearrange(x, "b h w c -> b c h w"),
           lambda x: x.transpose(0, 3, 1, 2), ((2, 3, 4, 5),)),
    OpCase("rearrange", lambda x: ops.rearrange(x, "b h w c -> b (c h w)"),
           lambda x: x.transpose(0, 3, 1, 2).reshape(len(x), -1), ((2, 3, 4, 5),), label="merge"),
    OpCase("rearrange", lambda x: ops.rearrange(x, "b (h1 h) (w1 w) c -> (b h1 w1) h w c",
                                                h1=2, w1=2),
           lambda x: x.reshape(2, 2, 2, 2, 3, 1).transpose(0, 1, 3, 2, 4, 5).reshape(8, 2, 3, 1),
           ((2, 4, 6, 1),), batch=False, label="split"),
    OpCase("rearrange", lambda x: ops.rearrange(x, "b (h h1) w -> b h (w h1)", h1=3),
           lambda x: x.reshape(-1, 2, 3, 4).transpose(0, 1, 3, 2).reshape(-1, 2, 12),
           ((2, 6, 4),), label="space-to-depth"),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_matches_numpy(case, rng):
    check_eager(case, rng)


@pytest.mark.parametrize("case", CASES, ids=case_ids(CASES))
def test_symbolic_shape_and_dtype(case, rng):
    check_symbolic(case, rng)


def test_exported_at_the_top_level():
    assert "rearrange" in ops.__all__
    assert ops.rearrange(backend.KerasTensor((None, 4)), "b (c d) -> d b c", d=2).shape == (
        2, None, 2,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("pattern", "lengths", "match"),
    [
        ("b c", {}, "inputs -> outputs"),
        ("b c d -> b c d", {}, "input axes"),
        ("b c -> b", {}, "once on each side"),
        ("b (c d e) -> b c d e", {"c": 2}, "all but one"),
        ("b (c d) -> b c d", {"c": 2, "d": 3}, "do not divide"),
    ],
)
def test_bad_patterns_raise(pattern, lengths, match):
    with pytest.raises(ValueError, match=match):
        ops.rearrange(np.ones((2, 4), "float32"), pattern, **lengths)
