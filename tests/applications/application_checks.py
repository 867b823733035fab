"""One set of checks for every application constructor: Keras 3.15's facts (parameter
counts with and without the classifier, layer names in order) and a forward pass."""

import contextlib
import hashlib
import re

import numpy as np
import pytest

from lamina import backend
from tests.harness import to_numpy


def normalized_names(model) -> list:
    """Layer names, generated ones (``max_pooling2d_3``) reduced to the class's snake-case
    name, as tools/keras_interop/application_facts.py does for Keras's."""
    names = []
    for layer in model.layers:
        # Keras's generated-name rule: "_" before each capitalized word, and between a
        # lower-case letter and a capital (ReLU -> re_lu, Conv2D -> conv2d).
        snake = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", type(layer).__name__)
        snake = re.sub(r"([a-z])([A-Z])", r"\1_\2", snake).lower()
        names.append(re.sub(rf"^{re.escape(snake)}(_\d+)?$", snake, layer.name))
    return names


def names_digest(model) -> str:
    return hashlib.sha256("\n".join(normalized_names(model)).encode()).hexdigest()[:16]


def build_without_initializing(constructor, **kwargs):
    """The model with storage for its weights but no initializer run: counting parameters
    and names of a 100M-parameter model stays cheap."""
    with backend.global_state.deferred_initializers():
        return constructor(weights=None, **kwargs)


def check_keras_facts(constructor, facts, notop_input_shape=None) -> None:
    """``facts``: (count_params with the classifier, without it, number of layers, digest
    of the layer names) as Keras 3.15.1 reports them. ``notop_input_shape`` (no effect on
    the count) spares the NumPy engine's shape inference, which computes every op for real
    with unknown sizes filled in, from large stand-in images."""
    params_top, params_notop, num_layers, digest = facts
    model = build_without_initializing(constructor)
    assert model.count_params() == params_top
    assert (len(model.layers), names_digest(model)) == (num_layers, digest)
    notop = build_without_initializing(
        constructor, include_top=False, input_shape=notop_input_shape
    )
    assert notop.count_params() == params_notop


def seeded_weights(model, rng) -> None:
    """Fills the model's variables with seeded random values scaled by fan-in (variances
    positive), without running the initializers: on JAX each initializer of a new shape
    compiles a program of its own."""
    values = []
    for weight in model.weights:
        shape = tuple(weight.shape)
        if "variance" in weight.path:
            values.append(rng.uniform(0.5, 1.5, shape).astype("float32"))
        else:
            fan_in = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
            values.append(rng.standard_normal(shape, dtype="float32") / np.sqrt(fan_in))
    model.set_weights([v.astype(w.dtype, copy=False) for v, w in zip(values, model.weights)])


def check_forward(constructor, rng, size=32, pooling="avg", classes=None, **kwargs) -> np.ndarray:
    """A forward pass on a small random image batch (seeded random weights); returns the
    outputs."""
    if classes is None:
        kwargs.update(include_top=False, pooling=pooling)
    else:
        kwargs.update(classes=classes)
    model = build_without_initializing(constructor, input_shape=(size, size, 3), **kwargs)
    seeded_weights(model, rng)
    images = rng.uniform(0, 255, (2, size, size, 3)).astype("float32")
    outputs = to_numpy(model(images, training=False))
    assert outputs.shape[0] == 2
    assert np.all(np.isfinite(outputs))
    assert np.ptp(outputs) > 0  # not a constant output
    return outputs


class _Fetched(Exception):
    pass


def fetched_files(monkeypatch, build) -> list:
    """The ``utils.get_file`` calls ``build()`` makes for published weights, as
    ``(fname, origin, cache_subdir, file_hash)``; nothing is downloaded or loaded."""
    import lamina

    calls = []

    def fake_get_file(fname, origin, cache_subdir, file_hash=None):
        calls.append((fname, origin, cache_subdir, file_hash))
        raise _Fetched

    monkeypatch.setattr(lamina.utils, "get_file", fake_get_file)
    with backend.global_state.deferred_initializers(), contextlib.suppress(_Fetched):
        build()
    return calls


# On JAX, building a model traces every layer's abstract evaluation, and an eager forward
# pass compiles every op once (tens of seconds on CI's two cores for a 400-layer model):
# there, all but the smallest models' tests run with the slow set.
ON_JAX = backend.backend() == "jax"
SLOW_ON_JAX_MARKS = [pytest.mark.slow] if ON_JAX else []


def slow_on_jax(test):
    return pytest.mark.slow(test) if ON_JAX else test


def variants(names, fast):
    """``names`` as pytest params: ``fast`` in the fast set (except on JAX), the rest slow."""
    return [
        pytest.param(n, marks=SLOW_ON_JAX_MARKS if n == fast else [pytest.mark.slow]) for n in names
    ]
