"""torch engine: batch normalization through torch's one-pass inference kernel when the
statistics are fixed (a layer's moving averages), the composite when they are trained; per
channel moments of a channels_last batch as E[x^2] - E[x]^2 (Keras's torch formula)."""

from __future__ import annotations

import numpy as np
import pytest

from lamina import ops
from tests.harness import assert_close, check_gradients, engine_gradients, numeric_gradients

pytestmark = pytest.mark.engine("torch")


def _reference(x, mean, variance, scale, offset, axis, epsilon=1e-3):
    shape = [1] * x.ndim
    shape[axis] = -1
    mean, variance, scale, offset = (np.reshape(v, shape) for v in (mean, variance, scale, offset))
    return (x - mean) / np.sqrt(variance + epsilon) * scale + offset


def _statistics(rng, channels):
    return (
        rng.standard_normal(channels),
        rng.uniform(0.5, 1.5, channels),
        rng.standard_normal(channels),
        rng.standard_normal(channels),
    )


@pytest.fixture
def native_calls(monkeypatch):
    """How many times torch's own batch_norm kernel ran."""
    import torch.nn.functional as F

    calls = []
    original = F.batch_norm

    def counting(*args, **kwargs):
        calls.append(args[0].shape)
        return original(*args, **kwargs)

    monkeypatch.setattr(F, "batch_norm", counting)
    return calls


@pytest.mark.parametrize(("shape", "axis"), [((2, 4, 5, 3), -1), ((2, 3, 4), 1), ((4, 3), -1)])
def test_fixed_statistics_use_the_native_kernel(rng, native_calls, shape, axis):
    x = rng.standard_normal(shape).astype("float32")
    stats = [s.astype("float32") for s in _statistics(rng, shape[axis])]
    mean, variance, scale, offset = stats
    y = ops.batch_normalization(x, mean, variance, axis, offset=offset, scale=scale)
    assert len(native_calls) == 1
    assert tuple(y.shape) == shape
    expected = _reference(x.astype(np.float64), *(s.astype(np.float64) for s in stats), axis)
    assert_close(y, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.training
def test_native_kernel_gradients(rng, native_calls):
    x = rng.standard_normal((2, 3, 3, 2))
    mean, variance, scale, offset = _statistics(rng, 2)

    def fn(x, scale, offset):
        return ops.batch_normalization(x, mean, variance, -1, offset=offset, scale=scale)

    def reference(x, scale, offset):
        return _reference(x, mean, variance, scale, offset, -1)

    check_gradients(fn, reference, [x, scale, offset])
    assert native_calls  # the gradients above are the native kernel's


@pytest.mark.training
def test_trained_statistics_keep_their_gradients(rng, native_calls):
    x = rng.standard_normal((3, 2))
    mean, variance, scale, offset = _statistics(rng, 2)

    def fn(mean, variance):
        return ops.batch_normalization(x, mean, variance, -1, offset=offset, scale=scale)

    def reference(mean, variance):
        return _reference(x, mean, variance, scale, offset, -1)

    got = engine_gradients(fn, [mean, variance])
    expected = numeric_gradients(reference, [mean, variance])
    assert not native_calls  # the composite: its graph reaches mean and variance
    for actual, wanted in zip(got, expected):
        assert_close(actual, wanted, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("axes", [(0, 1, 2), (1,), (0, 1, 2, 3)])
def test_moments_match_float64(rng, axes):
    x = (3.0 + rng.standard_normal((3, 4, 5, 2))).astype("float32")  # a mean away from 0
    mean, variance = ops.moments(x, axes)
    assert_close(mean, x.astype(np.float64).mean(axes), rtol=1e-5, atol=1e-6)
    assert_close(variance, x.astype(np.float64).var(axes), rtol=1e-4, atol=1e-5)


@pytest.mark.training
def test_channel_moments_gradients(rng):
    weights = rng.standard_normal(2)  # sum(mean * w1 + variance * w2) reaches both

    def fn(x):
        mean, variance = ops.moments(x, (0, 1))
        return mean * weights[0] + variance * weights[1]

    def reference(x):
        return x.mean((0, 1)) * weights[0] + x.var((0, 1)) * weights[1]

    check_gradients(fn, reference, [rng.standard_normal((3, 4, 2))])


def _training_reference(x, scale, offset, axis=-1, epsilon=1e-3):
    axes = tuple(a for a in range(x.ndim) if a != axis % x.ndim)
    return _reference(x, x.mean(axes), x.var(axes), scale, offset, axis, epsilon)


def test_fused_training_kernel_matches_float64(rng):
    from lamina.backend.torch.nn import batch_normalization_training

    x = (2.0 + rng.standard_normal((2, 4, 3, 3))).astype("float32")
    _, _, scale, offset = (s.astype("float32") for s in _statistics(rng, 3))
    outputs, mean, variance = batch_normalization_training(x, -1, offset, scale, 1e-3)
    x64 = x.astype(np.float64)
    assert_close(outputs, _training_reference(x64, scale, offset), rtol=1e-4, atol=1e-5)
    assert_close(mean, x64.mean((0, 1, 2)), rtol=1e-5, atol=1e-6)
    assert_close(variance, x64.var((0, 1, 2)), rtol=1e-4, atol=1e-6)
    assert not mean.requires_grad
    assert not variance.requires_grad


@pytest.mark.training
def test_fused_training_kernel_gradients(rng):
    from lamina.backend.torch.nn import batch_normalization_training

    weights = rng.standard_normal((3, 2, 2))  # a weighted sum: the gradient is not all zero

    def fn(x, scale, offset):
        return ops.multiply(batch_normalization_training(x, 1, offset, scale, 1e-3)[0], weights)

    def reference(x, scale, offset):
        return _training_reference(x, scale, offset, axis=1) * weights

    _, _, scale, offset = _statistics(rng, 2)
    check_gradients(fn, reference, [rng.standard_normal((3, 2, 2)), scale, offset])


@pytest.mark.training
def test_fit_with_the_fused_kernel_equals_the_composite(rng, monkeypatch):
    import lamina as keras
    from lamina.layers.normalization import batch_normalization

    x = rng.standard_normal((16, 6, 6, 2)).astype("float32")
    y = rng.integers(0, 3, 16)
    results = []
    for fused in (batch_normalization._FUSED_TRAINING, None):
        monkeypatch.setattr(batch_normalization, "_FUSED_TRAINING", fused)
        keras.utils.set_random_seed(0)
        model = keras.Sequential(
            [
                keras.Input((6, 6, 2)),
                keras.layers.Conv2D(4, 3, use_bias=False),
                keras.layers.BatchNormalization(momentum=0.5),
                keras.layers.GlobalAveragePooling2D(),
                keras.layers.Dense(3),
            ]
        )
        model.compile(
            optimizer=keras.optimizers.SGD(0.1),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        )
        model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
        results.append(model.get_weights())  # gamma, beta, moving mean and variance included
    assert batch_normalization._FUSED_TRAINING is None  # the second model ran the composite
    for fused_value, composite_value in zip(*results):
        assert np.all(np.isfinite(fused_value))
        assert_close(fused_value, composite_value, rtol=1e-4, atol=1e-5)
