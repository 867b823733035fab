"""models.clone_model as Keras 3.15: new layers and weights, shared layers stay shared,
clone_function / call_function / input_tensors / recursive, compiled clones."""

from __future__ import annotations

import numpy as np
import pytest

import lamina
from lamina import layers, models
from tests.harness import assert_close, to_numpy

RNG = np.random.default_rng(3)
X = RNG.normal(size=(4, 5)).astype("float32")


def _functional():
    inputs = lamina.Input((5,), name="features")
    shared = layers.Dense(5, activation="tanh", name="shared")
    hidden = shared(shared(inputs))
    outputs = layers.Dense(2, name="head")(layers.Add()([hidden, inputs]))
    return lamina.Model(inputs, outputs, name="net")


def test_functional_clone_has_new_layers_same_architecture():
    model = _functional()
    clone = models.clone_model(model)
    assert clone.name == "net"
    assert [layer.name for layer in clone.layers] == [layer.name for layer in model.layers]
    assert all(a is not b for a, b in zip(clone.layers, model.layers))
    assert clone.count_params() == model.count_params()
    # The shared Dense is cloned once and still shared: one kernel, two calls.
    assert len(clone.get_layer("shared")._inbound_nodes) == 2
    clone.set_weights(model.get_weights())
    assert_close(to_numpy(clone(X)), to_numpy(model(X)), rtol=1e-5, atol=1e-5)
    # New weights by default (fresh initialisation), not copies.
    fresh = models.clone_model(model)
    assert not np.allclose(
        to_numpy(fresh.get_layer("head").kernel), to_numpy(model.get_layer("head").kernel)
    )


def test_clone_function_can_share_layers_and_call_function_wraps_calls():
    model = _functional()
    shared = models.clone_model(model, clone_function=lambda layer: layer)
    assert shared.get_layer("head") is model.get_layer("head")
    assert_close(to_numpy(shared(X)), to_numpy(model(X)))
    calls = []

    def call_function(layer, *args, **kwargs):
        calls.append(layer.name)
        out = layer(*args, **kwargs)
        return layers.Activation("relu")(out) if layer.name == "head" else out

    wrapped = models.clone_model(
        model, clone_function=lambda layer: layer, call_function=call_function
    )
    assert calls == ["shared", "shared", "add", "head"]
    assert_close(to_numpy(wrapped(X)), np.maximum(to_numpy(model(X)), 0))


def test_input_tensors_and_dict_inputs():
    a = lamina.Input((3,), name="a")
    b = lamina.Input((2,), name="b")
    merged = layers.Concatenate()([a, b])
    model = lamina.Model({"a": a, "b": b}, layers.Dense(1, name="out")(merged))
    clone = models.clone_model(model)
    clone.set_weights(model.get_weights())
    data = {"a": RNG.normal(size=(2, 3)), "b": RNG.normal(size=(2, 2))}
    assert_close(to_numpy(clone(data)), to_numpy(model(data)), rtol=1e-5, atol=1e-5)
    new_input = lamina.Input((5,), name="given")
    simple = _functional()
    on_given = models.clone_model(simple, input_tensors=new_input)
    assert on_given.inputs[0] is new_input
    with pytest.raises(ValueError, match="lamina.Input"):
        models.clone_model(simple, input_tensors=layers.Dense(5)(new_input))


def test_sequential_clone_keeps_input_and_compile():
    model = lamina.Sequential(
        [lamina.Input((5,)), layers.Dense(3), layers.Dropout(0.1)], name="seq"
    )
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    clone = models.clone_model(model)
    assert clone.name == "seq"
    assert clone.compiled
    assert clone.built
    assert [type(layer) for layer in clone.layers] == [type(layer) for layer in model.layers]
    assert to_numpy(clone.predict(X, verbose=0)).shape == (4, 3)
    with pytest.raises(ValueError, match="call_function"):
        models.clone_model(model, call_function=lambda layer, *a, **k: layer(*a, **k))


def test_recursive_clones_nested_models():
    inner = lamina.Sequential(
        [lamina.Input((5,)), layers.Dense(4, name="inner_dense")], name="inner"
    )
    outer = lamina.Sequential([lamina.Input((5,)), inner, layers.Dense(1)])
    seen = []

    def clone_function(layer):
        seen.append(layer.name)
        return type(layer).from_config(layer.get_config())

    models.clone_model(outer, clone_function=clone_function, recursive=True)
    assert "inner_dense" in seen
    assert "inner" not in seen  # the nested model was cloned layer by layer
    seen.clear()
    models.clone_model(outer, clone_function=clone_function)
    assert "inner" in seen


class _Subclassed(lamina.Model):
    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.dense = layers.Dense(units)

    def call(self, inputs):
        return self.dense(inputs)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_subclassed_model_is_rebuilt_from_its_config():
    clone = models.clone_model(_Subclassed(units=4, name="sub"))
    assert isinstance(clone, _Subclassed)
    assert clone.units == 4
    with pytest.raises(ValueError, match="Sequential and Functional"):
        models.clone_model(_Subclassed(), clone_function=lambda layer: layer)
    with pytest.raises(ValueError, match="unexpected keyword"):
        models.clone_model(_Subclassed(), cache_size=3)
