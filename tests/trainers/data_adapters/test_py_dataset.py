"""PyDataset as Keras 3: workers, use_multiprocessing and max_queue_size load batches in
parallel, in order (or shuffled), with epoch hooks between epochs and nothing left running
after a normal end, a worker's error, an early stop or a KeyboardInterrupt."""

import multiprocessing
import os

import numpy as np
import pytest

import lamina as keras
from lamina.trainers.data_adapters.py_dataset import PyDatasetAdapter
from lamina.trainers.epoch_iterator import EpochIterator

BATCH, NUM_BATCHES = 8, 4
WORKERS = [
    pytest.param({}, id="main-thread"),
    pytest.param({"workers": 2}, id="threads"),
    pytest.param({"workers": 2, "use_multiprocessing": True}, id="processes"),
]


def regression_data(n=BATCH * NUM_BATCHES):
    rng = np.random.default_rng(7)
    x = rng.standard_normal((n, 3)).astype("float32")
    return x, (x @ np.array([[1.0], [-2.0], [0.5]], "float32") + 0.3).astype("float32")


class Batches(keras.utils.PyDataset):
    """Batch ``i`` is rows ``[8i, 8i + 8)``; the first column of x numbers the rows."""

    def __init__(self, fail_at=None, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y = regression_data()
        self.x[:, 0] = np.arange(len(self.x))
        self.fail_at = fail_at
        self.epochs_begun = self.epochs_ended = 0

    def __len__(self):
        return NUM_BATCHES

    def __getitem__(self, index):
        if index == self.fail_at:
            raise ValueError(f"batch {index} is broken")
        rows = slice(index * BATCH, (index + 1) * BATCH)
        return self.x[rows], self.y[rows]

    def on_epoch_begin(self):
        self.epochs_begun += 1

    def on_epoch_end(self):
        self.epochs_ended += 1


def batch_ids(iterator):
    return [int(keras.ops.convert_to_numpy(data[0])[0, 0]) // BATCH for _, data in iterator]


def small_model():
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    return model


# ---- the class ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"workers": -1}, "workers"),
        ({"workers": 1.5}, "workers"),
        ({"max_queue_size": 0}, "max_queue_size"),
        ({"use_multiprocessing": "yes"}, "use_multiprocessing"),
    ],
)
def test_bad_arguments_are_named(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        keras.utils.PyDataset(**kwargs)


def test_keras_defaults_properties_and_the_sequence_alias():
    dataset = keras.utils.PyDataset()
    assert (dataset.workers, dataset.use_multiprocessing, dataset.max_queue_size) == (
        1,
        False,
        10,
    )
    dataset.workers = 3
    assert dataset.workers == 3
    assert keras.utils.Sequence is keras.utils.PyDataset


def test_a_subclass_that_skips_super_init_gets_the_defaults_and_a_warning():
    class NoSuper(keras.utils.PyDataset):
        def __init__(self):
            pass

    with pytest.warns(UserWarning, match="super"):
        assert NoSuper().workers == 1


def test_iterating_by_hand_gives_every_batch_in_order():
    batches = list(Batches())
    assert len(batches) == NUM_BATCHES
    np.testing.assert_array_equal(batches[2][0], Batches()[2][0])


def test_a_batch_of_the_wrong_form_is_refused():
    class Bad(Batches):
        def __getitem__(self, index):
            return "not a batch"

    with pytest.raises(ValueError, match="must return a tuple or a dict"):
        list(EpochIterator(Bad()))


# ---- epochs -------------------------------------------------------------------------------


@pytest.mark.usefixtures("nothing_left_running")
@pytest.mark.parametrize("kwargs", WORKERS)
def test_every_batch_once_per_epoch_in_order_or_shuffled(kwargs):
    dataset = Batches(**kwargs)
    assert batch_ids(EpochIterator(dataset, shuffle=False)) == [0, 1, 2, 3]
    np.random.seed(3)
    shuffled = [batch_ids(EpochIterator(dataset, shuffle=True)) for _ in range(2)]
    assert all(sorted(ids) == [0, 1, 2, 3] for ids in shuffled)
    assert any(ids != [0, 1, 2, 3] for ids in shuffled)
    assert dataset.epochs_begun == dataset.epochs_ended == 3


@pytest.mark.usefixtures("nothing_left_running")
def test_an_endless_dataset_continues_across_epochs_with_steps_per_epoch():
    class Endless(Batches):
        @property
        def num_batches(self):
            return None

        def __getitem__(self, index):
            return super().__getitem__(index % NUM_BATCHES)

    iterator = EpochIterator(Endless(workers=2), steps_per_epoch=3)
    assert batch_ids(iterator) == [0, 1, 2]
    assert batch_ids(iterator) == [3, 0, 1]
    iterator.close()


class PidBatches(Batches):
    """Column 1 of x holds the pid of the process that loaded the batch."""

    def __getitem__(self, index):
        x, y = super().__getitem__(index)
        x = x.copy()
        x[:, 1] = os.getpid()  # exact in float32 (pids < 2**24)
        return x, y


@pytest.mark.usefixtures("nothing_left_running")
def test_worker_processes_stay_across_epochs_until_released():
    iterator = EpochIterator(PidBatches(workers=2, use_multiprocessing=True))
    try:
        pids, pools = [], []
        for _ in range(2):
            batches = [keras.ops.convert_to_numpy(data[0]) for _, data in iterator]
            assert [int(x[0, 0]) // BATCH for x in batches] == [0, 1, 2, 3]
            pids.append({int(x[0, 1]) for x in batches})
            pools.append({process.pid for process in multiprocessing.active_children()})
    finally:
        iterator.release()  # what fit, evaluate and predict do when they end
    assert os.getpid() not in pids[0]
    assert pids[0] <= pools[0]  # the workers are alive after their epoch...
    assert pids[1] <= pools[0]  # ...and load the next one: one pool for both epochs
    assert pools[1] == pools[0]
    assert not multiprocessing.active_children()


def test_only_more_than_one_worker_or_processes_use_a_pool():
    assert PyDatasetAdapter(Batches())._prefetcher is None
    assert PyDatasetAdapter(Batches(workers=2))._prefetcher is not None
    assert PyDatasetAdapter(Batches(use_multiprocessing=True))._prefetcher is not None


# ---- fit ----------------------------------------------------------------------------------


@pytest.mark.training
@pytest.mark.usefixtures("nothing_left_running")
def test_fit_gives_the_weights_of_fit_on_arrays():
    model = small_model()
    initial = model.get_weights()
    x, y = Batches().x, Batches().y
    model.fit(x, y, batch_size=BATCH, epochs=2, shuffle=False, verbose=0)
    expected = model.get_weights()
    for kwargs in ({}, {"workers": 3}, {"workers": 2, "use_multiprocessing": True}):
        model.set_weights(initial)
        dataset = Batches(**kwargs)
        model.fit(dataset, epochs=2, shuffle=False, verbose=0)
        for actual, reference in zip(model.get_weights(), expected):
            np.testing.assert_allclose(actual, reference, rtol=1e-6, atol=1e-7, err_msg=kwargs)
        assert dataset.epochs_begun == dataset.epochs_ended == 2


@pytest.mark.usefixtures("nothing_left_running")
@pytest.mark.parametrize("kwargs", WORKERS[1:])
def test_a_worker_error_ends_evaluate_with_its_traceback(kwargs):
    model = small_model()
    with pytest.raises(ValueError, match="batch 2 is broken") as info:
        model.evaluate(Batches(fail_at=2, **kwargs), verbose=0)
    assert "__getitem__" in str(info.value.__cause__)


class Interrupt(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        if batch == 1:
            raise KeyboardInterrupt


class StopEarly(keras.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        self.model.stop_training = batch == 1


@pytest.mark.training
@pytest.mark.usefixtures("nothing_left_running")
@pytest.mark.parametrize("kwargs", WORKERS[1:])
def test_keyboard_interrupt_and_early_stop_mid_epoch_leave_nothing_running(kwargs):
    model = small_model()
    with pytest.raises(KeyboardInterrupt):
        model.fit(Batches(**kwargs), epochs=3, verbose=0, callbacks=[Interrupt()])
    history = model.fit(Batches(**kwargs), epochs=3, verbose=0, callbacks=[StopEarly()])
    assert len(history.history["loss"]) == 1


@pytest.mark.training
def test_class_weight_applies_as_with_arrays():
    class Labels(Batches):
        def __getitem__(self, index):
            x, y = super().__getitem__(index)
            return x, (y > 0).astype("float32")

    model = small_model()
    initial, weights = model.get_weights(), {0: 0.25, 1: 2.0}
    data = Labels()
    x, y = data.x, (data.y > 0).astype("float32")
    model.fit(x, y, batch_size=BATCH, shuffle=False, verbose=0, class_weight=weights)
    expected = model.get_weights()
    model.set_weights(initial)
    model.fit(Labels(workers=2), shuffle=False, verbose=0, class_weight=weights)
    for actual, reference in zip(model.get_weights(), expected):
        np.testing.assert_allclose(actual, reference, rtol=1e-6, atol=1e-7)
