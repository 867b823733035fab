import numpy as np
import pytest

import lamina
from lamina import backend, layers, saving
from lamina.layers import FlaxLayer, JaxLayer
from tests.harness import assert_close, engine_gradients, numeric_gradients

jax_only = pytest.mark.engine("jax")


@saving.register_keras_serializable(package="LaminaTest")
def dense_init(rng, inputs):
    import jax

    kernel_key, _ = jax.random.split(rng)
    features = inputs.shape[-1]
    params = {"kernel": jax.random.normal(kernel_key, (features, 2)) * 0.5,
              "bias": jax.numpy.zeros((2,)), "activation": "tanh"}  # fmt: skip
    return params, {"calls": np.zeros((), "int32")}


@saving.register_keras_serializable(package="LaminaTest")
def dense_call(params, state, rng, inputs, training):
    import jax

    outputs = jax.numpy.tanh(inputs @ params["kernel"] + params["bias"])
    if training:  # noise that the loss can ignore: proves an rng arrives in training
        outputs = outputs + 0.0 * jax.random.uniform(rng, outputs.shape)
    return outputs, {"calls": state["calls"] + 1}


def plain_call(params, inputs):
    return inputs @ params["w"] + params["b"]


def dense_reference(x, kernel, bias):
    return np.tanh(x @ kernel + bias)


@jax_only
def test_given_params_match_numpy(rng):
    w, b = rng.standard_normal((3, 2)), rng.standard_normal((2,))
    layer = JaxLayer(plain_call, params={"w": w, "b": b})
    assert layer.built
    x = rng.standard_normal((4, 3)).astype("float32")
    assert_close(layer(x), x.astype(np.float64) @ w + b, rtol=1e-5)
    # Leaves in JAX's pytree order (sorted keys); floats take the layer's dtype.
    assert [v.shape for v in layer.weights] == [(2,), (3, 2)]
    assert [v.dtype for v in layer.weights] == ["float32", "float32"]
    assert layer.params["w"] is layer.weights[1]


@jax_only
def test_init_fn_builds_weights_state_and_passes_other_leaves(rng):
    layer = JaxLayer(dense_call, dense_init, seed=5)
    x = rng.standard_normal((3, 4)).astype("float32")
    outputs = layer(x, training=True)
    assert [v.shape for v in layer.trainable_weights] == [(2,), (4, 2)]
    assert [(v.shape, v.dtype) for v in layer.non_trainable_weights] == [((), "int32")]
    assert layer.params["activation"] == "tanh"  # not an array: handed to call_fn as it is
    bias, kernel = (w.astype(np.float64) for w in layer.get_weights()[:2])
    assert_close(outputs, dense_reference(x.astype(np.float64), kernel, bias), rtol=1e-5)
    layer(x)
    assert int(layer.state["calls"].numpy()) == 2  # call_fn's new state is assigned


@jax_only
def test_rng_in_training_only():
    seen = []

    def call_fn(rng, inputs):
        seen.append(rng)
        return inputs

    layer = JaxLayer(call_fn, seed=1)
    x = np.ones((2, 3), "float32")
    layer(x, training=True)
    layer(x, training=True)
    layer(x, training=False)
    assert seen[0] is not None
    assert seen[2] is None
    assert not np.array_equal(np.asarray(seen[0]), np.asarray(seen[1]))


@jax_only
def test_gradients_match_numeric(rng):
    layer = JaxLayer(dense_call, dense_init)
    x = rng.standard_normal((2, 4))
    layer(x.astype("float32"))
    bias, kernel = (w.astype(np.float64) for w in layer.get_weights()[:2])
    actual = engine_gradients(lambda t: layer(t), [x.astype("float32")], layer.trainable_weights)
    expected = numeric_gradients(
        lambda x, bias, kernel: dense_reference(x, kernel, bias), [x, bias, kernel]
    )
    for got, want in zip(actual, expected):
        assert_close(got, want, rtol=1e-3, atol=1e-4)


@jax_only
def test_symbolic_shape_equals_eager(rng):
    inputs = lamina.Input((4,))
    outputs = JaxLayer(dense_call, dense_init)(inputs)
    assert outputs.shape == (None, 2)
    model = lamina.Model(inputs, outputs)
    assert tuple(model(rng.standard_normal((3, 4)).astype("float32")).shape) == (3, 2)


@pytest.mark.training
@jax_only
def test_model_trains_with_falling_loss_and_round_trips_through_a_file(tmp_path, rng):
    inputs = lamina.Input((4,))
    model = lamina.Model(inputs, JaxLayer(dense_call, dense_init, seed=2, name="jax")(inputs))
    x = rng.standard_normal((32, 4)).astype("float32")
    y = np.tanh(x[:, :2] - x[:, 2:]).astype("float32")
    model.compile(optimizer=lamina.optimizers.Adam(0.05), loss="mse")
    losses = model.fit(x, y, batch_size=8, epochs=4, verbose=0).history["loss"]
    assert losses[-1] < losses[0]
    assert int(model.get_layer("jax").state["calls"].numpy()) >= 16  # state updated in steps
    model.save(tmp_path / "jax_layer.keras")
    loaded = saving.load_model(tmp_path / "jax_layer.keras")
    assert loaded.get_layer("jax").get_config() == model.get_layer("jax").get_config()
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), 1e-6)


@jax_only
def test_config_names_registered_functions_only():
    config = JaxLayer(dense_call, dense_init, native_serialization_platforms=["cpu"]).get_config()
    assert config["call_fn"]["registered_name"] == "LaminaTest>dense_call"
    assert config["native_serialization_platforms"] == ["cpu"]
    assert set(config) == {"name", "trainable", "dtype", "call_fn", "init_fn",
                           "native_serialization_platforms"}  # fmt: skip
    clone = JaxLayer.from_config(config)
    assert clone.call_fn is dense_call
    assert clone.init_fn is dense_init
    layer = JaxLayer(plain_call, params={"w": np.ones((2, 2)), "b": np.ones(2)}, name="plain")
    with pytest.raises(ValueError, match="Cannot save JaxLayer 'plain'.*`call_fn`"):
        layer.get_config()


@jax_only
def test_bad_functions_name_the_argument():
    with pytest.raises(ValueError, match="`call_fn` takes the argument 'x'"):
        JaxLayer(lambda params, x: x, params={})
    with pytest.raises(ValueError, match="`init_fn` must take an argument named 'inputs'"):
        JaxLayer(dense_call, init_fn=lambda rng: None)
    with pytest.raises(ValueError, match="cannot all be None"):
        JaxLayer(dense_call)
    with pytest.raises(TypeError, match="'call_fn' must be callable"):
        JaxLayer("dense_call")


@pytest.mark.engine("torch", "numpy")
def test_other_engines_refuse_with_the_engine_named():
    active = backend.backend()
    with pytest.raises(ValueError, match=f"needs the jax engine; the active engine is '{active}'"):
        JaxLayer(plain_call, params={})
    with pytest.raises(ValueError, match="needs the jax engine"):
        FlaxLayer(object())
    with pytest.raises(NotImplementedError, match=f"active engine is '{active}'"):
        backend.engine.interop.pytree_map(lambda leaf: leaf, {})


def _has_flax() -> bool:
    try:
        import flax  # noqa: F401
    except ImportError:
        return False
    return True


@jax_only
@pytest.mark.skipif(_has_flax(), reason="flax is installed: the ImportError cannot happen")
def test_flax_layer_without_flax_says_how_to_install_it():
    with pytest.raises(ImportError, match="pip install flax"):
        FlaxLayer(object())


@jax_only
@pytest.mark.skipif(not _has_flax(), reason="flax is not installed (pip install flax)")
def test_flax_module_runs_and_trains_its_params(rng):
    import flax.linen

    module = flax.linen.Dense(3)
    layer = FlaxLayer(module)
    x = rng.standard_normal((2, 4)).astype("float32")
    outputs = layer(x)
    kernel = layer.params["params"]["kernel"].numpy().astype(np.float64)
    bias = layer.params["params"]["bias"].numpy().astype(np.float64)
    assert_close(outputs, x.astype(np.float64) @ kernel + bias, rtol=1e-5)


class FakeFlaxModule:
    """Flax's Module protocol (init / apply with collections), for FlaxLayer's wiring where
    flax itself is absent: params trainable, batch_stats state updated by apply."""

    def __call__(self, inputs, training=False):
        raise NotImplementedError  # only its signature is read

    def init(self, rng, inputs, method=None, training=None):
        kernel = np.linspace(-1.0, 1.0, inputs.shape[-1] * 2).reshape(-1, 2)
        return {"params": {"kernel": kernel}, "batch_stats": {"count": np.zeros((), "int32")}}

    def apply(self, variables, inputs, rngs=None, method=None, mutable=None, training=None):
        assert mutable == "all but params"
        assert set(rngs) == ({"dropout"} if training else set())
        outputs = inputs @ variables["params"]["kernel"]
        return outputs, {"batch_stats": {"count": variables["batch_stats"]["count"] + 1}}


@jax_only
def test_flax_layer_splits_params_from_state(monkeypatch, rng):
    monkeypatch.setattr(backend.engine.interop, "flax_apply_mutable", lambda: "all but params")
    layer = FlaxLayer(FakeFlaxModule())
    x = rng.standard_normal((3, 4)).astype("float32")
    outputs = layer(x, training=True)
    kernel = layer.params["params"]["kernel"]
    assert layer.trainable_weights == [kernel]
    assert_close(outputs, x.astype(np.float64) @ kernel.numpy().astype(np.float64), rtol=1e-5)
    layer(x, training=False)
    assert int(layer.state["batch_stats"]["count"].numpy()) == 2
    with pytest.raises(ValueError, match="module's class 'FakeFlaxModule' is not registered"):
        layer.get_config()


def test_layers_namespace_exports_them():
    assert layers.JaxLayer is JaxLayer
    assert layers.FlaxLayer is FlaxLayer
