import weakref

import numpy as np
import pytest

import lamina as keras
from lamina import layers, ops
from tests.harness import assert_close


def two_in_two_out():
    image = keras.Input(shape=(8,), name="image")
    meta = keras.Input(shape=(3,), name="meta")
    shared = layers.Dense(5, activation="tanh", name="shared")
    a = shared(layers.Dense(5, name="proj")(image))
    b = shared(layers.Dense(5, name="meta_proj")(meta))
    tower = keras.Sequential([layers.Dense(4, activation="relu"), layers.Dense(4)], name="tower")
    merged = layers.Concatenate()([tower(a), b])
    out_class = layers.Dense(3, activation="softmax", name="label")(merged)
    out_value = layers.Dense(1, name="score")(merged)
    return keras.Model([image, meta], [out_class, out_value], name="two_by_two")


def test_graph_runs_and_matches_manual_replay(rng):
    model = two_in_two_out()
    x1 = rng.standard_normal((4, 8)).astype("float32")
    x2 = rng.standard_normal((4, 3)).astype("float32")
    label, score = model([x1, x2])
    assert tuple(label.shape) == (4, 3)
    assert tuple(score.shape) == (4, 1)
    assert model.output_names == ["label", "score"]
    shared = model.get_layer("shared")
    assert len(shared._inbound_nodes) == 2  # a shared layer: one node per call


def compiled_two_in_two_out():
    model = two_in_two_out()
    model.compile(
        optimizer=keras.optimizers.Adam(0.01),
        loss={"label": "sparse_categorical_crossentropy", "score": "mse"},
        loss_weights={"label": 1.0, "score": 0.5},
        metrics={"label": ["accuracy"], "score": ["mae"]},
    )
    return model


def two_in_two_out_data(rng):
    x1 = rng.standard_normal((64, 8)).astype("float32")
    x2 = rng.standard_normal((64, 3)).astype("float32")
    labels = (x1[:, 0] > 0).astype("int64") + (x2[:, 0] > 0).astype("int64")
    score = (x1[:, :1] * 2.0).astype("float32")
    return [x1, x2], [labels, score]


@pytest.mark.training
def test_two_inputs_two_outputs_trains_with_per_output_losses(rng):
    model = compiled_two_in_two_out()
    x, y = two_in_two_out_data(rng)
    history = model.fit(x, y, epochs=30, batch_size=16, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < losses[0] * 0.7
    assert {"label_loss", "score_loss", "label_accuracy", "score_mae"} <= set(history.history)
    results = model.evaluate(x, y, return_dict=True, verbose=0)
    total = results["label_loss"] + 0.5 * results["score_loss"]  # Keras 3 logs them unweighted
    assert results["loss"] == pytest.approx(total, rel=1e-4)


def test_two_inputs_two_outputs_evaluate_logs_unweighted_per_output_losses(rng):
    model = compiled_two_in_two_out()
    x, (labels, score) = two_in_two_out_data(rng)
    results = model.evaluate(x, [labels, score], return_dict=True, verbose=0)
    assert {"loss", "label_loss", "score_loss", "label_accuracy", "score_mae"} <= set(results)
    total = results["label_loss"] + 0.5 * results["score_loss"]  # Keras 3 logs them unweighted
    assert results["loss"] == pytest.approx(total, rel=1e-4)
    label_probabilities, score_pred = model.predict(x, verbose=0)
    squared_error = np.mean((score_pred.astype(np.float64) - score) ** 2)
    assert results["score_loss"] == pytest.approx(squared_error, rel=1e-4)
    chosen = label_probabilities[np.arange(64), labels].astype(np.float64)
    assert results["label_loss"] == pytest.approx(-np.mean(np.log(chosen)), rel=1e-4)


def test_ops_on_symbolic_tensors_become_nodes(rng):
    inputs = keras.Input(shape=(3,))
    x = ops.relu(inputs * 2.0 + 1.0)
    outputs = layers.Dense(2)(x)
    model = keras.Model(inputs, outputs)
    data = rng.standard_normal((5, 3)).astype("float32")
    kernel, bias = model.get_weights()
    assert_close(model(data), np.maximum(data * 2 + 1, 0) @ kernel + bias, atol=1e-5)


def test_config_roundtrip(rng):
    model = two_in_two_out()
    clone = keras.Model.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    x1 = rng.standard_normal((2, 8)).astype("float32")
    x2 = rng.standard_normal((2, 3)).astype("float32")
    for got, want in zip(clone([x1, x2]), model([x1, x2])):
        assert_close(got, keras.ops.convert_to_numpy(want), atol=1e-6)


def test_dict_inputs_and_outputs(rng):
    a = keras.Input(shape=(2,), name="a")
    b = keras.Input(shape=(2,), name="b")
    model = keras.Model({"a": a, "b": b}, {"sum": layers.Add()([a, b])})
    out = model({"a": np.ones((1, 2), "float32"), "b": np.full((1, 2), 2.0, "float32")})
    assert_close(out["sum"], np.full((1, 2), 3.0))


def test_disconnected_graph_is_a_clear_error():
    a = keras.Input(shape=(2,))
    b = keras.Input(shape=(2,))
    out = layers.Dense(1)(b)
    with pytest.raises(ValueError, match="not connected|disconnected"):
        keras.Model(a, out)


def test_inputs_must_be_symbolic():
    with pytest.raises(TypeError, match="symbolic tensors"):
        keras.Model(np.ones((1, 2)), keras.Input(shape=(2,)))


def test_list_of_named_inputs_fed_a_dict_matches_by_name():
    # Keys sort as ("b_first", "z_last"), the opposite of the model's input order.
    z_last = keras.Input(shape=(1,), name="z_last")
    b_first = keras.Input(shape=(3,), name="b_first")
    model = keras.Model([z_last, b_first], layers.Concatenate()([z_last, b_first]))
    out = model({"b_first": np.ones((1, 3), "float32"), "z_last": np.zeros((1, 1), "float32")})
    assert_close(out, np.array([[0.0, 1.0, 1.0, 1.0]]))


def test_input_and_output_are_the_model_structures():
    a = keras.Input(shape=(2,))
    b = keras.Input(shape=(2,))
    out = layers.Add()([a, b])
    model = keras.Model([a, b], out)
    assert model.input == [a, b]
    assert model.output is out


def test_from_config_passes_custom_objects_to_the_layers():
    class Doubler(layers.Layer):
        def call(self, inputs):
            return inputs * 2

    inputs = keras.Input(shape=(2,))
    model = keras.Model(inputs, Doubler()(inputs))
    clone = keras.Model.from_config(model.get_config(), custom_objects={"Doubler": Doubler})
    assert isinstance(clone.layers[-1], Doubler)


def _keras_op_entry(class_name, config, *sources):
    """A Functional config entry as Keras 3.15.1 writes an op called on symbolic tensors."""
    tensors = [
        {"class_name": "__keras_tensor__", "config": {"keras_history": [s, 0, 0]}} for s in sources
    ]
    return {
        "module": "keras.src.ops.numpy",
        "class_name": class_name,
        "config": config,
        "registered_name": class_name,
        "name": config["name"],
        "inbound_nodes": [{"args": tensors, "kwargs": {}}],
    }


def _keras_ops_config(mean_config):
    source = {"module": "keras.layers", "class_name": "InputLayer", "registered_name": None}
    source.update(name="x", inbound_nodes=[], config={"batch_shape": [None, 3], "name": "x"})
    return {
        "name": "ops_model",
        "layers": [
            source,
            _keras_op_entry("Add", {"name": "add"}, "x", "x"),
            _keras_op_entry("Mean", mean_config, "add"),
        ],
        "input_layers": ["x", 0, 0],
        "output_layers": ["mean", 0, 0],
    }


def test_keras_saved_ops_replay_with_their_arguments(rng):
    """Keras saves ``ops.mean(x + x, axis=-1, keepdims=True)`` as op classes (Add, Mean
    with its arguments in the config); they replay as Lamina's ops and survive a re-save."""
    config = _keras_ops_config({"name": "mean", "axis": -1, "keepdims": True})
    model = keras.Model.from_config(config)
    data = rng.standard_normal((4, 3)).astype("float32")
    assert_close(model(data), (2 * data.astype("float64")).mean(axis=-1, keepdims=True))
    clone = keras.Model.from_config(model.get_config())
    assert_close(clone(data), model(data))


def test_keras_saved_op_with_an_unknown_argument_is_refused():
    config = _keras_ops_config({"name": "mean", "axis": -1, "bogus": 1})
    with pytest.raises(ValueError, match=r"ops.mean takes no argument \['bogus'\]"):
        keras.Model.from_config(config)


class _Log:
    """What the probe layers saw (a plain object: a Layer would track a list attribute)."""

    def __init__(self):
        self.seen, self.alive = [], []


class _Remember(layers.Layer):
    """Doubles its input and keeps a weak reference to the result."""

    def __init__(self, log, **kwargs):
        super().__init__(**kwargs)
        self.log = log

    def call(self, inputs):
        outputs = inputs * 2.0
        self.log.seen.append(weakref.ref(outputs))
        return outputs


class _IsAlive(layers.Layer):
    """Adds one, and notes whether the value _Remember kept a reference to still exists."""

    def __init__(self, log, **kwargs):
        super().__init__(**kwargs)
        self.log = log

    def call(self, inputs):
        if self.log.seen:  # building the model traces the layers symbolically first
            self.log.alive.append(self.log.seen[-1]() is not None)
        return inputs + 1.0


@pytest.mark.parametrize("read_again_later", [False, True])
def test_call_drops_each_activation_after_its_last_reader(rng, read_again_later):
    # A forward must not hold every layer's output until the end (memory grows with depth).
    log = _Log()
    inputs = keras.Input(shape=(3,))
    remembered = _Remember(log)(inputs)
    # Rescaling keeps no reference to its input (a Dense would, for its kernel's gradient).
    outputs = _IsAlive(log)(layers.Rescaling(0.5, offset=0.25)(remembered))
    if read_again_later:
        outputs = layers.Concatenate()([outputs, remembered])
    model = keras.Model(inputs, outputs)
    x = rng.standard_normal((2, 3)).astype("float32")
    log.seen.clear()
    log.alive.clear()
    y = model(x)
    expected = (2.0 * x) * 0.5 + 0.25 + 1.0
    if read_again_later:
        expected = np.concatenate([expected, 2.0 * x], axis=-1)
    assert_close(y, expected)
    assert log.alive == [read_again_later]
