import numpy as np
import pytest

from lamina import ops
from lamina.optimizers import gradient_clipping
from tests.harness import assert_close


@pytest.mark.parametrize("clipnorm", [0.5, 100.0])
def test_clip_by_norm_matches_numpy(rng, clipnorm):
    gradient = rng.standard_normal((4, 3))
    expected = gradient * clipnorm / max(np.linalg.norm(gradient), clipnorm)
    assert_close(
        gradient_clipping.clip_by_norm(ops.convert_to_tensor(gradient), clipnorm), expected
    )


def test_clip_by_norm_keeps_a_zero_gradient_zero():
    zero = ops.zeros((3,))
    assert_close(gradient_clipping.clip_by_norm(zero, 1.0), np.zeros(3))


@pytest.mark.parametrize("clipnorm", [0.5, 100.0])
def test_clip_by_global_norm_matches_numpy(rng, clipnorm):
    gradients = [rng.standard_normal((2, 3)), rng.standard_normal((5,))]
    norm = np.sqrt(sum(np.sum(g**2) for g in gradients))
    clipped = gradient_clipping.clip_by_global_norm(
        [ops.convert_to_tensor(g) for g in gradients], clipnorm
    )
    for actual, gradient in zip(clipped, gradients):
        assert_close(actual, gradient * clipnorm / max(norm, clipnorm))


def test_clip_by_global_norm_makes_non_finite_norms_visible():
    gradients = [ops.convert_to_tensor(np.array([np.inf, 1.0], "float32"))]
    (clipped,) = gradient_clipping.clip_by_global_norm(gradients, 1.0)
    assert np.all(np.isnan(ops.convert_to_numpy(clipped)))


def test_clip_by_value_matches_numpy(rng):
    gradient = rng.standard_normal((4, 3))
    assert_close(
        gradient_clipping.clip_by_value(ops.convert_to_tensor(gradient), 0.3),
        np.clip(gradient, -0.3, 0.3),
    )
