"""timeseries_dataset_from_array: exact windows against a NumPy reference, and training."""

import numpy as np
import pytest

import lamina
from lamina.utils import timeseries_dataset_from_array


def _reference(data, targets, sequence_length, stride, rate, start, end):
    """Keras's windows, spelled out: starts every ``stride`` steps from ``start``, each
    window ``sequence_length`` steps ``rate`` apart, all within ``data[start:end]``."""
    windows, window_targets = [], []
    position = start
    while position + (sequence_length - 1) * rate < end and (
        targets is None or position < len(targets)
    ):
        windows.append(data[position : position + sequence_length * rate : rate])
        if targets is not None:
            window_targets.append(targets[position])
        position += stride
    return np.asarray(windows, dtype="float64"), np.asarray(window_targets, dtype="float64")


@pytest.mark.parametrize(
    ("sequence_length", "stride", "rate", "start", "end", "batch_size"),
    [(4, 1, 1, None, None, 5), (3, 2, 3, None, None, 4), (5, 3, 2, 4, 27, 3),
     (2, 1, 1, 10, None, None)],
)  # fmt: skip
def test_windows_and_targets_match_the_reference(rng, sequence_length, stride, rate, start,
                                                 end, batch_size):  # fmt: skip
    data = rng.standard_normal((30, 2))
    targets = rng.standard_normal(30)
    dataset = timeseries_dataset_from_array(
        data, targets, sequence_length, sequence_stride=stride, sampling_rate=rate,
        batch_size=batch_size, start_index=start, end_index=end,
    )  # fmt: skip
    expected_windows, expected_targets = _reference(
        data, targets, sequence_length, stride, rate, start or 0, end or len(data)
    )
    samples = list(dataset)
    if batch_size is None:
        windows = np.stack([window for window, _ in samples])
        window_targets = np.stack([target for _, target in samples])
    else:
        windows = np.concatenate([window for window, _ in samples])
        window_targets = np.concatenate([target for _, target in samples])
        assert max(len(window) for window, _ in samples) <= batch_size
    np.testing.assert_array_equal(windows, expected_windows)
    np.testing.assert_array_equal(window_targets, expected_targets)


def test_keras_documented_example():
    steps = np.arange(99)  # Keras's example: indices 0 ... 98
    dataset = timeseries_dataset_from_array(
        steps, None, sequence_length=10, sampling_rate=2, sequence_stride=3
    )
    windows = dataset[0]
    np.testing.assert_array_equal(windows[0], np.arange(0, 20, 2))
    np.testing.assert_array_equal(windows[1], np.arange(3, 23, 2))
    np.testing.assert_array_equal(windows[-1], np.arange(78, 98, 2))
    assert len(windows) == 27


def test_shorter_targets_limit_the_windows(rng):
    data = rng.standard_normal(20)
    dataset = timeseries_dataset_from_array(data, data[:8], sequence_length=3, batch_size=None)
    assert len(dataset) == 8


def test_shuffle_draws_all_windows_repeatably(rng):
    data = rng.standard_normal((40, 1))
    plain = np.concatenate(list(timeseries_dataset_from_array(data, None, 5, batch_size=8)))
    runs = [
        np.concatenate(list(timeseries_dataset_from_array(
            data, None, 5, batch_size=8, shuffle=True, seed=6
        )))
        for _ in range(2)
    ]  # fmt: skip
    np.testing.assert_array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], plain)
    np.testing.assert_array_equal(np.sort(runs[0][:, 0, 0]), np.sort(plain[:, 0, 0]))


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"sampling_rate": 0}, ValueError, "sampling_rate must be 1 or more"),
        ({"sequence_stride": 20}, ValueError, r"sequence_stride must be 1 or more and below 20"),
        ({"start_index": 25}, ValueError, "start_index must be 0 or more and below 20"),
        ({"start_index": 5, "end_index": 4}, ValueError, "end_index must be above start_index"),
        ({"end_index": 20}, ValueError, "end_index must be 1 or more and below 20"),
        ({"sequence_length": 2.5}, TypeError, "sequence_length must be an integer"),
        ({"format": "pandas"}, ValueError, "format must be one of"),
    ],
)
def test_bad_arguments_are_named(rng, kwargs, error, message):
    arguments = {"sequence_length": 3, **kwargs}
    with pytest.raises(error, match=message):
        timeseries_dataset_from_array(rng.standard_normal(20), None, **arguments)


@pytest.mark.training
def test_feeds_an_lstm_forecaster_whose_loss_falls():
    steps = np.arange(143, dtype="float32")
    series = np.sin(steps * 0.3)[:, None]  # (143, 1): 128 windows, 4 full batches (one compile)
    dataset = timeseries_dataset_from_array(
        series[:-8], series[8:, 0], sequence_length=8, batch_size=32, shuffle=True, seed=0
    )
    model = lamina.Sequential([
        lamina.Input((8, 1)), lamina.layers.LSTM(8), lamina.layers.Dense(1),
    ])  # fmt: skip
    model.compile(lamina.optimizers.Adam(0.02), "mse")
    history = model.fit(dataset, epochs=6, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < 0.5 * losses[0]
