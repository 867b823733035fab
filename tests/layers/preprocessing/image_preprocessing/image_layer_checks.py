"""Checks shared by the image preprocessing layer tests: symbolic shape equals eager, the
inference path, seeded repeatability, config and ``.keras`` round trips."""

from __future__ import annotations

import numpy as np

import lamina
from lamina import ops, saving
from lamina.utils import set_random_seed
from tests.harness import assert_close, check_config_roundtrip, to_numpy


def images(rng, shape=(2, 6, 7, 3)):
    return rng.uniform(0, 1, shape).astype("float32")


def as_tensors(transformation):
    """A transformation dict with its NumPy arrays as engine tensors."""
    return {
        key: ops.convert_to_tensor(value) if isinstance(value, np.ndarray) else value
        for key, value in transformation.items()
    }


def check_symbolic_shape(make, x):
    """The symbolic output shape of ``make()`` equals its eager output's (batch left open)."""
    eager = tuple(make()(x).shape)
    symbolic = make()(lamina.Input(x.shape[1:])).shape
    assert symbolic == (None, *eager[1:])
    single = tuple(make()(x[0]).shape)
    assert single == eager[1:]


def check_inference_is_identity(layer, x):
    assert_close(layer(x, training=False), x)


def check_seeded_repeat(make, x):
    """The same ``seed`` gives the same output; ``set_random_seed`` repeats unseeded layers;
    and training does change the images."""
    first = to_numpy(make(seed=11)(x, training=True))
    assert_close(make(seed=11)(x, training=True), first)
    assert not np.allclose(first, x)
    set_random_seed(4)
    unseeded = to_numpy(make()(x, training=True))
    set_random_seed(4)
    assert_close(make()(x, training=True), unseeded)


def check_round_trips(layer, x, tmp_path):
    """``from_config(get_config())`` and a ``.keras`` file give the same inference output."""
    clone = check_config_roundtrip(layer)
    assert_close(clone(x, training=False), layer(x, training=False), rtol=1e-5, atol=1e-5)
    inputs = lamina.Input(x.shape[1:])
    model = lamina.Model(inputs, layer(inputs))
    model.save(tmp_path / "layer.keras")
    loaded = saving.load_model(tmp_path / "layer.keras")
    assert loaded.layers[-1].get_config() == layer.get_config()
    assert_close(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-5, atol=1e-5)
