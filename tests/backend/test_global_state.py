"""clear_session resets auto-naming and, with free_memory (Keras's default), collects garbage."""

import gc

import lamina
from lamina import backend, utils


def test_clear_session_restarts_layer_names():
    lamina.layers.Dense(2)
    assert lamina.layers.Dense(2).name == "dense_1"
    utils.clear_session()
    assert lamina.layers.Dense(2).name == "dense"


def test_free_memory_runs_the_garbage_collector(monkeypatch):
    calls = []
    monkeypatch.setattr(gc, "collect", lambda *args: calls.append(args) or 0)
    backend.clear_session(free_memory=False)
    assert calls == []
    backend.clear_session()
    assert len(calls) == 1
