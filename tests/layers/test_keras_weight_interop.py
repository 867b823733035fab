"""Weights taken from real Keras 3.15.1 give Keras's outputs in Lamina.

Each ``keras_fixtures/<case>.npz`` (made by tools/keras_interop/layer_fixtures.py, see the
README there) holds a layer's Keras config, its weights in ``get_weights()`` order, inputs
and Keras's outputs. Lamina rebuilds the layer from Keras's config (so Keras configs load),
sets those weights and must reproduce the outputs to float32 precision.
"""

from __future__ import annotations

import inspect
import json
import pathlib

import numpy as np
import pytest

import lamina
from lamina import layers, ops, saving

FIXTURES = pathlib.Path(__file__).parent / "keras_fixtures"
CASES = sorted(path.stem for path in FIXTURES.glob("*.npz"))

# Keras behaviour Lamina does not reproduce yet: case -> the precise difference.
KNOWN_DIFFERENCES: dict[str, str] = {}

# Layer families whose classes own no weights (pooling, reshaping, merging, dropout-like).
WEIGHTLESS_FAMILIES = ("pooling", "reshaping", "merging", "regularization", "preprocessing")

# Classes in the other families that need no Keras fixture, and why.
NO_FIXTURE = {
    "ELU": "no weights",
    "LeakyReLU": "no weights",
    "ReLU": "no weights",
    "Softmax": "no weights",
    "Activation": "no weights",
    "Identity": "no weights",
    "InputLayer": "no weights",
    "Masking": "no weights",
    "Lambda": "no weights of its own (a Python function)",
    "UnitNormalization": "no weights",
    "Layer": "the base class",
    "TFSMLayer": "its weights are a SavedModel's variables (see test_tfsm_layer.py)",
    "Wrapper": "abstract base of TimeDistributed and Bidirectional (both covered)",
    "GRUCell": "covered through RNN(StackedRNNCells([SimpleRNNCell, GRUCell]))",
    "LSTMCell": "covered through RNN(LSTMCell)",
    "SimpleRNNCell": "covered through RNN(StackedRNNCells([SimpleRNNCell, GRUCell]))",
    "TorchModuleWrapper": "weights are a torch module's, not Keras-portable",
    "JaxLayer": "weights are a JAX function's params, not Keras-portable",
    "FlaxLayer": "weights are a Flax module's, not Keras-portable",
}


def load_case(name):
    with np.load(FIXTURES / f"{name}.npz") as data:
        arrays = {key: data[key] for key in data.files}
    config = json.loads(str(arrays.pop("config")))
    calls = json.loads(str(arrays.pop("calls")))
    weights = [arrays[f"weight{k}"] for k in range(sum(key.startswith("weight") for key in arrays))]
    return config, calls, weights, arrays


def decode_kwargs(value, arrays):
    if isinstance(value, dict) and set(value) == {"array"}:
        return ops.convert_to_tensor(arrays[value["array"]])
    if isinstance(value, dict):
        return {key: decode_kwargs(item, arrays) for key, item in value.items()}
    if isinstance(value, list):
        return [decode_kwargs(item, arrays) for item in value]
    return value


def flatten(outputs):
    if isinstance(outputs, (list, tuple)):
        return [leaf for item in outputs for leaf in flatten(item)]
    return [outputs]


def call_layer(layer, spec, index, arrays):
    inputs = [
        ops.convert_to_tensor(arrays[f"call{index}_input{j}"]) for j in range(spec["num_inputs"])
    ]
    kwargs = decode_kwargs(spec["kwargs"], arrays)
    if spec["style"] == "single":
        return layer(inputs[0], **kwargs)
    if spec["style"] == "list":
        return layer(inputs, **kwargs)
    return layer(*inputs, **kwargs)


def case_param(name):
    reason = KNOWN_DIFFERENCES.get(name)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(name, marks=marks, id=name)


@pytest.mark.parametrize("name", [case_param(name) for name in CASES])
def test_keras_weights_give_keras_outputs(name):
    config, calls, weights, arrays = load_case(name)
    layer = saving.deserialize_keras_object(config)
    assert type(layer).__name__ == config["class_name"]
    if not layer.built:  # no build_config: the first call builds it
        call_layer(layer, calls[0], 0, arrays)
    layer.set_weights(weights)
    for index, spec in enumerate(calls):
        outputs = flatten(call_layer(layer, spec, index, arrays))
        assert len(outputs) == spec["num_outputs"]
        for j, actual in enumerate(outputs):
            expected = arrays[f"call{index}_output{j}"].astype(np.float64)
            actual = np.asarray(lamina.backend.convert_to_numpy(actual), np.float64)
            scale = max(1.0, float(np.max(np.abs(expected), initial=0.0)))
            np.testing.assert_allclose(
                actual, expected, rtol=1e-5, atol=1e-5 * scale,
                err_msg=f"{name}: call {index}, output {j}",
            )  # fmt: skip


def test_every_layer_with_weights_has_a_keras_fixture():
    covered = set()
    for name in CASES:
        config = load_case(name)[0]
        covered.add(config["class_name"])
        inner = config["config"]
        for key in ("layer", "cell"):  # wrapped layers and RNN cells are covered too
            if isinstance(inner.get(key), dict):
                covered.add(inner[key]["class_name"])
    missing = set()
    for public_name in layers.__all__:
        cls = getattr(layers, public_name)
        if not inspect.isclass(cls) or not issubclass(cls, layers.Layer):
            continue
        family = cls.__module__.split(".")[2] if cls.__module__.count(".") >= 3 else ""
        if family in WEIGHTLESS_FAMILIES or cls.__name__ in NO_FIXTURE:
            continue
        if cls.__name__ not in covered:
            missing.add(cls.__name__)
    assert not missing, f"layers with weights but no Keras fixture: {sorted(missing)}"
