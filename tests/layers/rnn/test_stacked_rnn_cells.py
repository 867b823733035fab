"""StackedRNNCells: cells chained per step, against the float64 NumPy loop."""

import numpy as np
import pytest

import lamina as keras
from lamina.layers.rnn import RNN, GRUCell, LSTMCell, SimpleRNNCell, StackedRNNCells
from tests.harness import assert_close, check_config_roundtrip
from tests.layers.rnn.numpy_reference import gru_step, lstm_step, run_rnn


def test_stack_matches_numpy(rng):
    x = rng.standard_normal((2, 4, 3)).astype("float32")
    layer = RNN(StackedRNNCells([LSTMCell(5), GRUCell(2)]), return_sequences=True,
                return_state=True)  # fmt: skip
    output, lstm_states, gru_states = layer(x)
    lstm_w = [np.asarray(w, np.float64) for w in layer.cell.cells[0].get_weights()]
    gru_w = [np.asarray(w, np.float64) for w in layer.cell.cells[1].get_weights()]

    def step(x_t, states):
        hidden, lstm_new = lstm_step(x_t, states[:2], *lstm_w)
        out, gru_new = gru_step(hidden, states[2:], *gru_w)
        return out, lstm_new + gru_new

    zeros = [np.zeros((2, 5)), np.zeros((2, 5)), np.zeros((2, 2))]
    sequence, _, states = run_rnn(step, x, zeros)
    assert_close(output, sequence, atol=1e-5)
    assert (len(lstm_states), len(gru_states)) == (2, 1)
    for got, want in zip([*lstm_states, *gru_states], states):
        assert_close(got, want, atol=1e-5)


def test_a_list_of_cells_makes_a_stack_and_shapes_agree(rng):
    layer = RNN([SimpleRNNCell(3), LSTMCell(4)], return_state=True)
    assert isinstance(layer.cell, StackedRNNCells)
    assert layer.cell.state_size == [3, [4, 4]]
    assert layer.cell.output_size == 4
    symbolic = layer(keras.Input((6, 2)))
    eager = layer(rng.standard_normal((2, 6, 2)).astype("float32"))
    assert symbolic[0].shape == (None, 4)
    assert [t.shape for t in symbolic[2]] == [(None, 4), (None, 4)]
    assert tuple(eager[1][0].shape) == (2, 3)


def test_config_and_file_roundtrip(rng, tmp_path):
    cells = StackedRNNCells([GRUCell(3, dropout=0.2), LSTMCell(2)])
    check_config_roundtrip(cells)
    model = keras.Sequential([keras.Input((4, 3)), RNN(cells)])
    path = str(tmp_path / "stacked.keras")
    model.save(path)
    x = rng.standard_normal((2, 4, 3)).astype("float32")
    assert_close(keras.models.load_model(path)(x), model(x), atol=1e-6)


def test_dropout_masks_for_each_cell_in_training(rng):
    x = rng.standard_normal((3, 4, 2)).astype("float32")
    layer = RNN(StackedRNNCells([LSTMCell(3, dropout=0.5, recurrent_dropout=0.5, seed=1),
                                 GRUCell(2, recurrent_dropout=0.5, seed=2)]))  # fmt: skip
    trained = keras.ops.convert_to_numpy(layer(x, training=True))
    assert np.all(np.isfinite(trained))
    assert not np.allclose(trained, keras.ops.convert_to_numpy(layer(x)))


def test_rejects_a_cell_without_state_size():
    with pytest.raises(ValueError, match="state_size"):
        StackedRNNCells([keras.layers.Dense(2)])
