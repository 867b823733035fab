import pytest

from lamina import backend
from lamina.callbacks import Callback, CallbackList, History, LambdaCallback, ProgbarLogger
from tests.callbacks.fake_model import FakeModel

HOOKS = [
    ("on_train_begin", ()),
    ("on_epoch_begin", (0,)),
    ("on_train_batch_begin", (0,)),
    ("on_train_batch_end", (0,)),
    ("on_test_begin", ()),
    ("on_test_batch_begin", (0,)),
    ("on_test_batch_end", (0,)),
    ("on_test_end", ()),
    ("on_epoch_end", (0,)),
    ("on_train_end", ()),
    ("on_predict_begin", ()),
    ("on_predict_batch_begin", (0,)),
    ("on_predict_batch_end", (0,)),
    ("on_predict_end", ()),
]


class Recorder(Callback):
    def __init__(self):
        super().__init__()
        self.calls = []

    def __getattribute__(self, name):
        if name.startswith("on_") and name not in ("on_batch_begin", "on_batch_end"):
            calls = object.__getattribute__(self, "calls")
            return lambda *args, **kwargs: calls.append(name)
        return object.__getattribute__(self, name)


def test_dispatches_every_hook_in_order():
    first, second = Recorder(), Recorder()
    callbacks = CallbackList([first, [second]])
    for hook, args in HOOKS:
        getattr(callbacks, hook)(*args, logs={})
    expected = [hook for hook, _ in HOOKS]
    assert first.calls == expected
    assert second.calls == expected


def test_defaults_are_added_once_and_last():
    model = FakeModel()
    user = Callback()
    callbacks = CallbackList(
        [user], add_history=True, add_progbar=True, model=model, verbose=0, epochs=2, steps=3
    )
    assert callbacks.callbacks[0] is user
    assert isinstance(callbacks.callbacks[1], History)
    assert isinstance(callbacks.callbacks[2], ProgbarLogger)
    assert model.history is callbacks.callbacks[1]
    assert user.model is model
    assert user.params == {"verbose": 0, "epochs": 2, "steps": 3}

    own_history = History()
    callbacks = CallbackList([own_history], add_history=True)
    assert callbacks.callbacks == [own_history]


def test_rejects_non_callbacks():
    with pytest.raises(TypeError, match="lamina.callbacks.Callback"):
        CallbackList([print])


def test_train_batch_hooks_default_to_batch_aliases():
    seen = []

    class Old(Callback):
        def on_batch_end(self, batch, logs=None):
            seen.append(batch)

    CallbackList([Old()]).on_train_batch_end(3, logs={})
    assert seen == [3]


def test_history_records_epochs_as_floats():
    model = FakeModel()
    callbacks = CallbackList([], add_history=True, model=model)
    callbacks.on_train_begin()
    callbacks.on_epoch_end(0, {"loss": backend.convert_to_tensor(0.5)})
    callbacks.on_epoch_end(1, {"loss": 0.25})
    assert model.history.epoch == [0, 1]
    assert model.history.history == {"loss": [0.5, 0.25]}
    assert isinstance(model.history.history["loss"][0], float)


def test_lambda_callback_installs_given_hooks():
    events = []
    callback = LambdaCallback(
        on_epoch_end=lambda epoch, logs: events.append(("epoch", epoch)),
        on_train_batch_end=lambda batch, logs: events.append(("batch", batch)),
        on_test_end=lambda logs: events.append("test"),
    )
    callbacks = CallbackList([callback])
    callbacks.on_train_batch_end(0, {})
    callbacks.on_epoch_end(1, {})
    callbacks.on_test_end({})
    callbacks.on_train_begin({})  # not given: the no-op of the base class
    assert events == [("batch", 0), ("epoch", 1), "test"]
    with pytest.raises(ValueError, match="unknown hook"):
        LambdaCallback(on_epoch_ends=print)


def test_hooks_called_without_logs_hand_callbacks_an_empty_dict():
    seen = []

    class KeysCallback(Callback):
        def on_train_begin(self, logs=None):
            seen.append(list(logs.keys()))

        def on_train_batch_begin(self, batch, logs=None):
            seen.append(list(logs.keys()))

        def on_epoch_begin(self, epoch, logs=None):
            seen.append(list(logs.keys()))

    callback_list = CallbackList([KeysCallback()])
    callback_list.on_train_begin()
    callback_list.on_epoch_begin(0)
    callback_list.on_train_batch_begin(0)
    assert seen == [[], [], []]
