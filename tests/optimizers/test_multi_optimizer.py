"""MultiOptimizer / OptimizerMap: each variable is updated by its own optimizer."""

from __future__ import annotations

import numpy as np
import pytest

import lamina
from lamina import backend, layers, optimizers
from tests.harness import assert_close, to_numpy

RNG = np.random.default_rng(4)


def _model():
    inputs = lamina.Input((3,))
    hidden = layers.Dense(4, name="encoder")(inputs)
    return lamina.Model(inputs, layers.Dense(1, name="head")(hidden))


def test_optimizer_map_matches_exact_keys_then_patterns():
    adam, sgd, rms = optimizers.Adam(), optimizers.SGD(), optimizers.RMSprop()
    mapping = optimizers.OptimizerMap(rms, {"encoder/layer_0/dense": adam})
    mapping["encoder/.*"] = sgd
    mapping["decoder"] = adam
    assert mapping["decoder"] is adam
    assert mapping["encoder/layer_0/dense"] is adam
    assert mapping["encoder/layer_0/attention/query"] is sgd
    assert mapping["decoder/layer_0/dense"] is rms
    with pytest.raises(ValueError, match="already mapped"):
        mapping["decoder"] = sgd
    mapping["enc.*"] = sgd
    with pytest.raises(ValueError, match="several keys"):
        _ = mapping["encoder/x"]
    with pytest.raises(ValueError, match="MultiOptimizer"):
        mapping["other"] = optimizers.MultiOptimizer(optimizers.OptimizerMap(optimizers.SGD()))


def test_each_group_follows_its_own_optimizer():
    model = _model()
    weights = model.get_weights()
    grads = [RNG.normal(size=w.shape).astype("float32") for w in weights]
    multi = optimizers.MultiOptimizer(
        optimizers.OptimizerMap(optimizers.SGD(0.1), {"encoder/.*": optimizers.Adam(0.01)})
    )
    for _ in range(3):
        multi.apply([backend.convert_to_tensor(g) for g in grads], model.trainable_variables)
    # The same updates made by the two optimizers on their own variables.
    reference = _model()
    reference.set_weights(weights)
    variables = reference.trainable_variables
    adam, sgd = optimizers.Adam(0.01), optimizers.SGD(0.1)
    for _ in range(3):
        adam.apply([backend.convert_to_tensor(g) for g in grads[:2]], variables[:2])
        sgd.apply([backend.convert_to_tensor(g) for g in grads[2:]], variables[2:])
    for got, want in zip(model.get_weights(), reference.get_weights()):
        assert_close(got, want, rtol=1e-6, atol=1e-7)
    assert int(to_numpy(multi.iterations)) == 3
    # Its own step counter and (unused) rate, then each inner optimizer's variables.
    assert len(multi.variables) == 2 + len(adam.variables) + len(sgd.variables)
    with pytest.raises(AttributeError, match="no single learning rate"):
        _ = multi.learning_rate


@pytest.mark.training
def test_fit_and_save_with_a_multi_optimizer(tmp_path):
    x = RNG.normal(size=(64, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    model = _model()
    model.compile(
        optimizer=optimizers.MultiOptimizer(
            optimizers.OptimizerMap(optimizers.SGD(0.05), {"head/.*": optimizers.Adam(0.01)})
        ),
        loss="mse",
    )
    history = model.fit(x, y, epochs=4, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    path = tmp_path / "multi.keras"
    model.save(path)
    loaded = lamina.saving.load_model(path)
    assert isinstance(loaded.optimizer, optimizers.MultiOptimizer)
    inner = loaded.optimizer.optimizers
    assert sorted(type(o).__name__ for o in inner) == ["Adam", "SGD"]
    assert_close(to_numpy(loaded.predict(x, verbose=0)), to_numpy(model.predict(x, verbose=0)))
    for saved, restored in zip(model.optimizer.variables, loaded.optimizer.variables):
        assert_close(to_numpy(restored), to_numpy(saved))
