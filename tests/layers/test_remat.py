"""Rematerialization: ``lamina.remat`` and ``RematScope`` recompute activations in the
backward pass and leave values and gradients unchanged."""

from __future__ import annotations

import numpy as np
import pytest

import lamina
from lamina import backend, layers, ops
from tests.harness import assert_close, engine_gradients, to_numpy

RNG = np.random.default_rng(21)
X = RNG.normal(size=(4, 6)).astype("float32")


class CountingDense(layers.Dense):
    calls = 0

    def call(self, inputs):
        CountingDense.calls += 1
        return super().call(inputs)


def _gradients(layer):
    if not layer.built:
        layer.build((None, 6))
    return engine_gradients(lambda x: ops.square(layer(x)), [X], layer.trainable_weights)


def test_remat_scope_keeps_values_and_gradients():
    plain = layers.Dense(5, activation="tanh")
    with lamina.RematScope(mode="full"):
        rematerialized = layers.Dense(5, activation="tanh")
    plain.build((None, 6))
    rematerialized.build((None, 6))
    rematerialized.set_weights(plain.get_weights())
    assert rematerialized._remat_mode.mode == "full"
    assert plain._remat_mode is None
    assert_close(to_numpy(rematerialized(X)), to_numpy(plain(X)))
    for a, b in zip(_gradients(rematerialized), _gradients(plain)):
        assert_close(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.engine("torch")
def test_torch_recomputes_the_forward_pass_in_backward():
    with lamina.RematScope(mode="full"):
        layer = CountingDense(3)
    layer.build((None, 6))
    CountingDense.calls = 0
    _gradients(layer)
    assert CountingDense.calls == 2  # the forward, then its recomputation in backward
    plain = CountingDense(3)
    CountingDense.calls = 0
    _gradients(plain)
    assert CountingDense.calls == 1


@pytest.mark.engine("jax")
def test_jax_gradient_program_holds_a_checkpoint():
    import jax

    block = lamina.remat(lambda x: ops.sin(ops.sin(x)))
    program = str(jax.make_jaxpr(jax.grad(lambda x: block(x).sum()))(X))
    assert "checkpoint" in program or "remat" in program


def test_remat_function_passes_non_tensor_arguments_through():
    def scaled(x, factor, *, square=False):
        y = x * factor
        return y * y if square else y

    block = lamina.remat(scaled)
    x = ops.convert_to_tensor(X)
    assert_close(to_numpy(block(x, 3.0, square=True)), (3.0 * X) ** 2, rtol=1e-5)
    symbolic = block(lamina.KerasTensor((None, 6)), 2.0)
    assert tuple(symbolic.shape) == (None, 6)


def test_modes_select_the_layers(monkeypatch):
    import lamina.ops.core_extra as core_extra

    wrapped = []
    real = core_extra.remat

    def spy(f):
        wrapped.append(getattr(f, "__self__", f))
        return real(f)

    monkeypatch.setattr(core_extra, "remat", spy)
    with lamina.RematScope(mode="list_of_layers", layer_names=["chosen"]):
        chosen, other = layers.Dense(2, name="chosen"), layers.Dense(2, name="other")
    with lamina.RematScope(mode="larger_than", output_size_threshold=4 * 10):
        small, large = layers.Dense(5), layers.Dense(20)
    with lamina.RematScope(mode="activations"):
        with_activation, linear = layers.Dense(2, activation="relu"), layers.Dense(2)
    with lamina.RematScope(mode=None):
        off = layers.Dense(2)
    for layer in (chosen, other, small, large, with_activation, linear, off):
        layer(X)
    assert chosen in wrapped
    assert other not in wrapped
    assert large in wrapped
    assert small not in wrapped
    assert linear not in wrapped
    assert off not in wrapped
    assert with_activation not in wrapped  # only its activation function is
    assert len(wrapped) == 3
    with pytest.raises(ValueError, match="mode must be one of"):
        lamina.RematScope(mode="some")


@pytest.mark.training
def test_fit_under_remat_scope_learns():
    with lamina.RematScope(mode="full"):
        model = lamina.Sequential(
            [lamina.Input((6,)), layers.Dense(8, activation="relu"), layers.Dense(1)]
        )
    y = X.sum(axis=1, keepdims=True)
    model.compile(optimizer=lamina.optimizers.Adam(0.05), loss="mse")
    history = model.fit(X, y, epochs=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert backend.backend() in ("torch", "jax", "tensorflow")
