"""A per-layer mixed policy on a layer made of sublayers, under a float32 global policy.

As Keras 3.15: a layer that makes its own sublayers (attention projections, softmax and
dropout; a recurrent layer's cell) hands them its dtype policy; a wrapper of a layer the user
made (RNN(cell), Bidirectional, TimeDistributed) leaves that layer's policy alone and returns
its results in its own compute dtype.
"""

import numpy as np
import pytest

import lamina
from lamina import backend, layers, ops
from tests.harness import assert_close, to_numpy

MIXED = "mixed_bfloat16"
BF16 = {"rtol": 5e-2, "atol": 5e-2}  # bfloat16 keeps 8 significant bits; a few ops in a row


def _sublayers(layer):
    found = []
    for sublayer in layer._layers:
        found.append(sublayer)
        found.extend(_sublayers(sublayer))
    return found


def _attention_call(layer, x):
    return layer(x, x)


def _plain_call(layer, x):
    return layer(x)


# (make(dtype), input shape, call, sublayers take the composite's policy)
CASES = {
    "MultiHeadAttention": (
        lambda dtype: layers.MultiHeadAttention(2, 3, dropout=0.1, dtype=dtype),
        (2, 3, 4), _attention_call, True,
    ),
    "GroupQueryAttention": (
        lambda dtype: layers.GroupQueryAttention(3, 4, 2, dropout=0.1, dtype=dtype),
        (2, 3, 4), _attention_call, True,
    ),
    # GRU and SimpleRNN make their cell as LSTM does.
    "LSTM": (lambda dtype: layers.LSTM(3, dtype=dtype), (2, 3, 4), _plain_call, True),
    "ConvLSTM1D": (
        lambda dtype: layers.ConvLSTM1D(2, 2, dtype=dtype), (2, 2, 4, 3), _plain_call, True,
    ),
    "RNN": (
        lambda dtype: layers.RNN(layers.GRUCell(3), return_sequences=True, dtype=dtype),
        (2, 3, 4), _plain_call, False,
    ),
    "Bidirectional": (
        lambda dtype: layers.Bidirectional(layers.LSTM(3), dtype=dtype),
        (2, 3, 4), _plain_call, False,
    ),
    "TimeDistributed": (
        lambda dtype: layers.TimeDistributed(layers.Dense(3), dtype=dtype),
        (2, 3, 4), _plain_call, False,
    ),
}  # fmt: skip


@pytest.fixture
def requires_bfloat16():
    if backend.backend() == "numpy":
        pytest.importorskip("ml_dtypes", reason="bfloat16 on the NumPy engine needs ml_dtypes")


@pytest.mark.parametrize("name", list(CASES))
def test_composite_passes_its_own_policy_on_as_keras_does(rng, requires_bfloat16, name):
    make, shape, call, passes_policy = CASES[name]
    assert lamina.mixed_precision.global_policy().name == "float32"
    x = rng.standard_normal(shape).astype("float32")
    mixed = make(MIXED)
    y = call(mixed, x)

    sublayers = _sublayers(mixed)
    assert sublayers, f"{name} has no sublayers"
    expected_policy = MIXED if passes_policy else "float32"
    assert {sublayer.dtype_policy.name for sublayer in sublayers} == {expected_policy}
    assert {v.dtype for v in mixed.weights} == {"float32"}
    assert ops.dtype(y) == "bfloat16"
    symbolic = call(make(MIXED), lamina.Input(shape[1:]))
    assert (symbolic.dtype, symbolic.shape[1:]) == ("bfloat16", tuple(y.shape[1:]))

    # The same weights under float32 give the same numbers, to bfloat16's precision.
    reference = make("float32")
    call(reference, x)
    reference.set_weights(mixed.get_weights())
    expected = to_numpy(call(reference, x)).astype(np.float64)
    assert_close(to_numpy(ops.cast(y, "float32")), expected, **BF16)


def test_rebuilt_attention_layer_passes_the_saved_policy_on(rng, requires_bfloat16):
    layer = layers.MultiHeadAttention(2, 3, dtype=MIXED)
    config = layer.get_config()
    assert config["dtype"]["config"]["name"] == MIXED
    rebuilt = layers.MultiHeadAttention.from_config(config)
    x = rng.standard_normal((2, 3, 4)).astype("float32")
    assert ops.dtype(rebuilt(x, x)) == "bfloat16"
    assert {sublayer.dtype_policy.name for sublayer in _sublayers(rebuilt)} == {MIXED}


@pytest.mark.training
# On JAX a fresh mixed attention step costs ~10 s of compiling on 2 cores; JAX's mixed training
# is covered by test_mixed_precision.py's fit test and this file's forward checks.
@pytest.mark.engine("torch", "tensorflow")
def test_mixed_attention_model_trains_with_float32_variables(rng):
    inputs = lamina.Input((3, 4))
    hidden = layers.MultiHeadAttention(2, 3, dropout=0.1, dtype=MIXED)(inputs, inputs)
    outputs = layers.Dense(1)(layers.Flatten()(hidden))
    model = lamina.Model(inputs, outputs)
    model.compile(optimizer="sgd", loss="mse")
    before = [np.array(w) for w in model.get_weights()]
    x = rng.standard_normal((8, 3, 4)).astype("float32")
    y = rng.standard_normal((8, 1)).astype("float32")
    loss = model.train_on_batch(x, y)
    assert np.isfinite(loss)
    assert {v.dtype for v in model.weights} == {"float32"}
    after = model.get_weights()
    assert all(not np.array_equal(b, a) for b, a in zip(before, after))
