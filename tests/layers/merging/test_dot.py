import numpy as np
import pytest

import lamina as keras
from lamina import layers, ops
from lamina.layers import Dot
from tests.harness import assert_close, check_config_roundtrip, engine_gradients, numeric_gradients


def batch_dot(x, y, axes):
    """Keras's batch_dot in float64: per sample, tensordot over the two axes."""
    out = np.stack([np.tensordot(a, b, axes=(axes[0] - 1, axes[1] - 1)) for a, b in zip(x, y)])
    return out[:, None] if out.ndim == 1 else out


def l2(x, axis):
    return x / np.maximum(np.sqrt(np.sum(x * x, axis=axis, keepdims=True)), 1e-7)


@pytest.mark.parametrize(
    ("shapes", "axes", "expected_shape"),
    [(((2, 4), (2, 4)), 1, (2, 1)),
     (((2, 3, 5), (2, 10, 3)), (1, 2), (2, 5, 10)),
     (((2, 3, 4), (2, 3, 4)), -1, (2, 3, 3)),
     (((2, 4), (2, 5, 4)), (1, 2), (2, 5))],
)  # fmt: skip
@pytest.mark.parametrize("normalize", [False, True])
def test_dot_matches_numpy(rng, shapes, axes, expected_shape, normalize):
    x, y = (rng.standard_normal(s) for s in shapes)
    layer = Dot(axes=axes, normalize=normalize, dtype="float64")
    pair = [axes, axes] if isinstance(axes, int) else list(axes)
    pair = [a % len(s) for a, s in zip(pair, shapes)]
    if normalize:
        x, y = l2(x, pair[0]), l2(y, pair[1])
    out = layer([x if not normalize else x, y])
    assert tuple(out.shape) == expected_shape
    assert_close(out, batch_dot(x, y, pair))
    symbolic = Dot(axes=axes)([keras.Input(s[1:]) for s in shapes])
    assert symbolic.shape == (None, *expected_shape[1:])


def test_dot_gradients(rng):
    x, y = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    layer = Dot(axes=1, normalize=True, dtype="float64")
    got = engine_gradients(lambda a, b: layer([a, b]), [x, y])
    want = numeric_gradients(lambda a, b: batch_dot(l2(a, 1), l2(b, 1), (1, 1)), [x, y])
    for g, w in zip(got, want):
        assert_close(g, w, rtol=1e-5, atol=1e-7)


def test_functional_dot_config_and_errors(rng):
    a, b = keras.Input((3,)), keras.Input((3,))
    assert layers.dot([a, b], axes=1, normalize=True).shape == (None, 1)
    config = check_config_roundtrip(Dot(axes=(1, 2), normalize=True)).get_config()
    assert config["axes"] == [1, 2]
    assert config["normalize"] is True
    with pytest.raises(TypeError, match="'axes'"):
        Dot(axes="last")
    with pytest.raises(ValueError, match="'axes'.*two ints"):
        Dot(axes=(1, 2, 3))
    with pytest.raises(ValueError, match="incompatible sizes 3.*4"):
        Dot(axes=1)([rng.standard_normal((2, 3)), rng.standard_normal((2, 4))])
    with pytest.raises(ValueError, match="batch axis 0"):
        Dot(axes=0)([rng.standard_normal((2, 3)), rng.standard_normal((2, 3))])
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        Dot(axes=1)([rng.standard_normal((2, 3))] * 3)
    assert Dot(axes=1).compute_mask([a, b], [None, None]) is None
    assert ops.shape(layers.dot([np.ones((2, 3)), np.ones((2, 3))], axes=-1)) == (2, 1)
