"""The RNN base and what SimpleRNN, LSTM and GRU share: weights layout, configs, symbolic
shapes and masks, dropout, saving, training."""

import numpy as np
import pytest

import lamina as keras
from lamina.layers.rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, SimpleRNN, SimpleRNNCell
from tests.harness import assert_close, check_config_roundtrip, to_numpy
from tests.layers.rnn.numpy_reference import lstm_step, run_rnn

WEIGHT_LAYOUT = [  # Keras 3's paths, order and shapes for input_dim=3, units=4
    (SimpleRNN, {}, "simple_rnn/simple_rnn_cell", [(3, 4), (4, 4), (4,)]),
    (LSTM, {}, "lstm/lstm_cell", [(3, 16), (4, 16), (16,)]),
    (GRU, {}, "gru/gru_cell", [(3, 12), (4, 12), (2, 12)]),
    (GRU, {"reset_after": False}, "gru/gru_cell", [(3, 12), (4, 12), (12,)]),
]


@pytest.mark.parametrize(("layer_cls", "kwargs", "prefix", "shapes"), WEIGHT_LAYOUT)
def test_weights_live_on_the_cell_in_keras_order(layer_cls, kwargs, prefix, shapes):
    layer = layer_cls(4, **kwargs)
    layer.build((None, 7, 3))
    names = ["kernel", "recurrent_kernel", "bias"]
    assert [v.path for v in layer.weights] == [f"{prefix}/{name}" for name in names]
    assert [v.path for v in layer.cell.weights] == [v.path for v in layer.weights]
    assert [w.shape for w in layer.get_weights()] == shapes
    assert layer.count_params() == sum(int(np.prod(s)) for s in shapes)


@pytest.mark.parametrize("layer_cls", [SimpleRNN, LSTM, GRU])
def test_use_bias_false_has_no_bias(layer_cls):
    layer = layer_cls(2, use_bias=False)
    layer.build((None, 3, 5))
    assert [v.path.rsplit("/", 1)[-1] for v in layer.weights] == ["kernel", "recurrent_kernel"]


@pytest.mark.parametrize("unit_forget_bias", [True, False])
def test_lstm_unit_forget_bias_initialises_the_forget_gate_to_one(unit_forget_bias):
    layer = LSTM(3, unit_forget_bias=unit_forget_bias)
    layer.build((None, 2, 4))
    bias = to_numpy(layer.cell.bias)
    want = np.zeros(12)
    if unit_forget_bias:
        want[3:6] = 1.0  # gate order i, f, c, o
    np.testing.assert_array_equal(bias, want)


def test_keras_weights_load_and_reproduce_a_known_lstm(rng):
    """Weights in Keras's layout (a Keras file's order) give the reference LSTM's output."""
    kernel, recurrent, bias = (rng.standard_normal(s) for s in [(3, 8), (2, 8), (8,)])
    layer = LSTM(2)
    layer.build((None, 4, 3))
    layer.set_weights([kernel, recurrent, bias])
    x = rng.standard_normal((2, 4, 3))
    _, last, _ = run_rnn(
        lambda x_t, s: lstm_step(x_t, s, kernel, recurrent, bias), x, [np.zeros((2, 2))] * 2
    )
    assert_close(layer(x.astype("float32")), last, atol=1e-5)


CONFIGS = [
    (SimpleRNN, {"activation": "relu", "dropout": 0.25, "go_backwards": True}),
    (LSTM, {"unit_forget_bias": False, "recurrent_activation": "hard_sigmoid", "seed": 3}),
    (LSTM, {"return_sequences": True, "return_state": True, "kernel_regularizer": "l2"}),
    (GRU, {"reset_after": False, "recurrent_constraint": "non_neg", "use_bias": False}),
    (GRU, {"recurrent_dropout": 0.5, "zero_output_for_mask": True, "unroll": True}),
]


@pytest.mark.parametrize(("layer_cls", "kwargs"), CONFIGS)
def test_config_roundtrip(layer_cls, kwargs):
    layer = layer_cls(5, **kwargs)
    config = layer.get_config()
    assert "cell" not in config
    for key, value in kwargs.items():
        if isinstance(value, (bool, int, float)):
            assert config[key] == value
    clone = check_config_roundtrip(layer)
    for built in (layer, clone):
        built.build((None, 3, 2))
    assert [w.shape for w in clone.get_weights()] == [w.shape for w in layer.get_weights()]


@pytest.mark.parametrize("layer_cls", [SimpleRNN, LSTM, GRU])
def test_config_has_keras_keys(layer_cls):
    config = layer_cls(3).get_config()
    for key in ("units", "activation", "use_bias", "kernel_initializer", "recurrent_initializer",
                "bias_initializer", "dropout", "recurrent_dropout", "seed", "return_sequences",
                "return_state", "go_backwards", "stateful", "unroll", "zero_output_for_mask",
                "activity_regularizer"):  # fmt: skip
        assert key in config
    assert config["recurrent_initializer"]["class_name"] == "Orthogonal"
    assert config["kernel_initializer"]["class_name"] == "GlorotUniform"


@pytest.mark.parametrize("cell_cls", [SimpleRNNCell, LSTMCell, GRUCell])
def test_generic_rnn_over_a_cell_roundtrips(rng, cell_cls):
    layer = RNN(cell_cls(3), return_sequences=True)
    x = rng.standard_normal((2, 4, 2)).astype("float32")
    y = layer(x)
    clone = RNN.from_config(layer.get_config())
    clone(x)
    clone.set_weights(layer.get_weights())
    assert_close(clone(x), y)


def test_generic_rnn_runs_a_user_cell(rng):
    class Accumulator(keras.layers.Layer):
        state_size = 2

        def call(self, inputs, states):
            total = states[0] + inputs
            return total, [total]

    x = rng.standard_normal((3, 5, 2)).astype("float32")
    assert_close(RNN(Accumulator())(x), x.astype(np.float64).sum(axis=1), atol=1e-5)


@pytest.mark.parametrize("layer_cls", [SimpleRNN, LSTM, GRU])
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("return_state", [False, True])
def test_symbolic_shapes(layer_cls, return_sequences, return_state):
    inputs = keras.Input((None, 3))
    outputs = layer_cls(4, return_sequences=return_sequences, return_state=return_state)(inputs)
    output_shape = (None, None, 4) if return_sequences else (None, 4)
    if not return_state:
        assert outputs.shape == output_shape
        return
    num_states = 2 if layer_cls is LSTM else 1
    assert [t.shape for t in outputs] == [output_shape] + [(None, 4)] * num_states


def test_symbolic_mask_follows_return_sequences():
    ids = keras.Input((7,), dtype="int32")
    embedded = keras.layers.Embedding(10, 3, mask_zero=True)(ids)
    sequences = LSTM(4, return_sequences=True)(embedded)
    assert sequences._keras_mask.shape == (None, 7)
    assert getattr(LSTM(4)(embedded), "_keras_mask", None) is None


@pytest.mark.parametrize("return_sequences", [False, True])
def test_compute_mask(return_sequences):
    mask = np.array([[True, False]])
    layer = GRU(2, return_sequences=return_sequences)
    assert (layer.compute_mask(None, mask) is mask) is return_sequences
    masks = GRU(2, return_sequences=return_sequences, return_state=True).compute_mask(None, mask)
    assert masks[1] is None
    assert (masks[0] is mask) is return_sequences


def test_functional_model_with_initial_state(rng):
    sequences, state = keras.Input((5, 3)), keras.Input((4,))
    outputs = GRU(4)(sequences, initial_state=[state])
    model = keras.Model([sequences, state], outputs)
    x, h0 = rng.standard_normal((2, 5, 3)).astype("float32"), rng.standard_normal((2, 4))
    gru = model.layers[-1]
    assert_close(model([x, h0.astype("float32")]), gru(x, initial_state=h0.astype("float32")))


@pytest.mark.parametrize("layer_cls", [SimpleRNN, LSTM, GRU])
def test_dropout_only_in_training(rng, layer_cls):
    x = rng.standard_normal((4, 6, 3)).astype("float32")
    layer = layer_cls(5, dropout=0.5, recurrent_dropout=0.5, seed=1)
    plain = layer_cls(5)
    plain(x)
    y = layer(x)
    plain.set_weights(layer.get_weights())
    assert_close(y, plain(x))  # inference: no dropout
    dropped = to_numpy(layer(x, training=True))
    assert np.all(np.isfinite(dropped))
    assert not np.allclose(dropped, to_numpy(y))


@pytest.mark.parametrize("layer_cls", [SimpleRNN, LSTM, GRU])
def test_stateful_carries_states_across_calls_until_reset(rng, layer_cls):
    x = rng.standard_normal((2, 6, 3)).astype("float32")
    whole = layer_cls(4, return_sequences=True)
    stateful = layer_cls(4, return_sequences=True, stateful=True)
    want = whole(x)
    stateful(x[:, :3])
    stateful.set_weights(whole.get_weights())  # the weights only: states are not weights
    assert len(stateful.weights) == len(whole.weights)
    stateful.reset_state()
    first, second = stateful(x[:, :3]), stateful(x[:, 3:])
    assert_close(np.concatenate([to_numpy(first), to_numpy(second)], axis=1), want, atol=1e-5)
    assert [v.path.rsplit("/", 1)[-1] for v in stateful.states] == ["rnn_state"] * len(
        stateful.state_size
    )
    stateful.reset_states()
    assert all(np.all(to_numpy(v) == 0) for v in stateful.states)
    assert_close(stateful(x[:, :3]), first, atol=1e-6)


def test_stateful_checks_the_batch_size(rng):
    layer = GRU(2, stateful=True)
    layer(rng.standard_normal((3, 2, 2)).astype("float32"))
    with pytest.raises(ValueError, match="batch size of 3"):
        layer(rng.standard_normal((4, 2, 2)).astype("float32"))
    with pytest.raises(ValueError, match="fixed batch size"):
        GRU(2, stateful=True).build((None, 2, 2))


@pytest.mark.training
def test_stateful_layer_trains(rng):
    x = rng.standard_normal((8, 4, 2)).astype("float32")
    y = x.sum(axis=(1, 2))[:, None]
    model = keras.Sequential(
        [keras.Input((4, 2), batch_size=8), LSTM(6, stateful=True), keras.layers.Dense(1)]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    losses = model.fit(x, y, epochs=8, batch_size=8, verbose=0, shuffle=False).history["loss"]
    assert losses[-1] < losses[0]


@pytest.mark.parametrize("layer_cls", [SimpleRNN, LSTM, GRU])
def test_unroll_gives_the_loop_result(rng, layer_cls):
    x = rng.standard_normal((2, 4, 3)).astype("float32")
    rolled = layer_cls(3, return_sequences=True, return_state=True, go_backwards=True)
    unrolled = layer_cls(3, return_sequences=True, return_state=True, go_backwards=True,
                         unroll=True)  # fmt: skip
    rolled(x)
    unrolled(x)
    unrolled.set_weights(rolled.get_weights())
    keep = np.array([[True, True, False, False], [False, True, True, True]])
    for got, want in zip(unrolled(x, mask=keep), rolled(x, mask=keep)):
        assert_close(got, want, atol=1e-5)


@pytest.mark.parametrize("units", [0, -2, 1.5])
def test_rejects_bad_units(units):
    with pytest.raises(ValueError, match="units must be a positive integer"):
        SimpleRNN(units)


def test_rejects_bad_input_rank_and_state_count(rng):
    with pytest.raises(ValueError, match="ndim"):
        LSTM(2)(rng.standard_normal((3, 4)).astype("float32"))
    with pytest.raises(ValueError, match="expects 2 initial state"):
        LSTM(2)(rng.standard_normal((1, 3, 4)).astype("float32"), initial_state=[np.zeros((1, 2))])


@pytest.mark.parametrize("layer_cls", [LSTM, GRU])
def test_survives_a_saved_file(rng, tmp_path, layer_cls):
    model = keras.Sequential([keras.Input((4, 3)), layer_cls(5, return_sequences=True)])
    path = str(tmp_path / "rnn.keras")
    model.save(path)
    restored = keras.models.load_model(path, custom_objects={layer_cls.__name__: layer_cls})
    x = rng.standard_normal((2, 4, 3)).astype("float32")
    assert_close(restored(x), model(x))


@pytest.mark.training
@pytest.mark.parametrize("layer_cls", [SimpleRNN, LSTM, GRU])
def test_loss_falls_in_fit(rng, layer_cls):
    x = rng.standard_normal((64, 6, 2)).astype("float32")
    y = x[:, :, :1].sum(axis=1)  # the running sum of the first feature
    model = keras.Sequential([keras.Input((6, 2)), layer_cls(8), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="mse")
    history = model.fit(x, y, epochs=15, batch_size=16, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < 0.5 * losses[0]
