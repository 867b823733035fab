"""Quantizer and AbsMaxQuantizer: calls, configs (Keras 3.15.1's dicts), and the
get / serialize / deserialize lookup."""

import json

import numpy as np
import pytest

import lamina
from lamina import backend, ops, quantizers
from tests.harness import assert_close, check_config_roundtrip

X = np.array(
    [[0.001, 0.299, -0.274, -0.891], [-0.455, -0.992, 0.06, 1.34], [-0.492, -0.62, 0.49, 0.357]],
    "float32",
)


def test_top_level_export():
    assert lamina.Quantizer is quantizers.Quantizer


def test_base_quantizer():
    quantizer = quantizers.Quantizer()
    assert quantizer.output_dtype == "int8"
    assert quantizer(X) is X
    with pytest.raises(NotImplementedError, match="get_config"):
        quantizer.get_config()


def test_abs_max_quantizer_call_matches_function(rng):
    x = rng.standard_normal((4, 6)).astype("float32")
    quantizer = quantizers.AbsMaxQuantizer(axis=0, value_range=(-100, 100), output_dtype="int16")
    quantized, scale = quantizer(ops.convert_to_tensor(x))
    expected_q, expected_s = quantizers.abs_max_quantize(
        ops.convert_to_tensor(x), 0, (-100, 100), "int16"
    )
    assert backend.standardize_dtype(quantized.dtype) == "int16"
    np.testing.assert_array_equal(ops.convert_to_numpy(quantized), ops.convert_to_numpy(expected_q))
    assert_close(scale, expected_s)
    quantized, _ = quantizer(ops.convert_to_tensor(x), axis=-1)  # the call's axis wins
    assert tuple(quantized.shape) == (4, 6)


def test_abs_max_quantizer_keras_facts():
    # Keras 3.15.1: AbsMaxQuantizer()(X) reduces the last axis.
    quantized, scale = quantizers.AbsMaxQuantizer()(ops.convert_to_tensor(X))
    np.testing.assert_array_equal(
        ops.convert_to_numpy(quantized),
        [[0, 43, -39, -127], [-43, -94, 6, 127], [-101, -127, 100, 73]],
    )
    assert_close(scale, [[142.53646850585938], [94.77610778808594], [204.8386688232422]])
    # Keras 3.15.1's configs, with and without an axis.
    assert quantizers.AbsMaxQuantizer(axis=-1).get_config() == {
        "value_range": (-127, 127), "epsilon": 1e-07, "output_dtype": "int8", "axis": (-1,),
    }  # fmt: skip
    assert quantizers.AbsMaxQuantizer().get_config() == {
        "value_range": (-127, 127), "epsilon": 1e-07, "output_dtype": "int8",
    }  # fmt: skip


@pytest.mark.parametrize(
    "quantizer",
    [
        quantizers.AbsMaxQuantizer(),
        quantizers.AbsMaxQuantizer(axis=(0, 1), value_range=(-8, 7), epsilon=1e-5),
        quantizers.AbsMaxQuantizer(axis=-1, value_range=(-1000, 1000), output_dtype="int16"),
    ],
)
def test_config_round_trip(quantizer):
    clone = check_config_roundtrip(quantizer)
    # Through JSON as a saved file holds it: tuples come back as lists.
    config = json.loads(json.dumps(quantizers.serialize(quantizer)))
    rebuilt = quantizers.deserialize(config)
    assert type(rebuilt) is quantizers.AbsMaxQuantizer
    assert rebuilt.axis == clone.axis
    assert list(rebuilt.value_range) == list(quantizer.value_range)
    assert (rebuilt.epsilon, rebuilt.output_dtype) == (quantizer.epsilon, quantizer.output_dtype)


def test_serialize_schema():
    # Keras 3.15.1 writes the same (tuples as lists once JSON-ready).
    config = quantizers.serialize(quantizers.AbsMaxQuantizer(axis=-1))
    assert config == {
        "module": "keras.quantizers",
        "class_name": "AbsMaxQuantizer",
        "config": {"value_range": [-127, 127], "epsilon": 1e-07, "output_dtype": "int8",
                   "axis": [-1]},
        "registered_name": None,
    }  # fmt: skip


def test_deserialize_keras_written_config():
    # What Keras 3.15.1's keras.quantizers.serialize(AbsMaxQuantizer(axis=-1)) writes.
    keras_config = {
        "module": "keras.quantizers",
        "class_name": "AbsMaxQuantizer",
        "config": {"value_range": [-127, 127], "epsilon": 1e-07, "output_dtype": "int8",
                   "axis": [-1]},
        "registered_name": None,
    }  # fmt: skip
    quantizer = quantizers.deserialize(keras_config)
    assert isinstance(quantizer, quantizers.AbsMaxQuantizer)
    assert quantizer.axis == (-1,)


def test_get():
    assert quantizers.get(None) is None
    assert type(quantizers.get("abs_max_quantizer")) is quantizers.AbsMaxQuantizer
    assert type(quantizers.get("AbsMaxQuantizer", axis=0)).__name__ == "AbsMaxQuantizer"
    assert quantizers.get("AbsMaxQuantizer", axis=0).axis == (0,)
    assert type(quantizers.get("quantizer")) is quantizers.Quantizer
    instance = quantizers.AbsMaxQuantizer(axis=1)
    assert quantizers.get(instance) is instance
    rebuilt = quantizers.get(quantizers.serialize(instance))
    assert isinstance(rebuilt, quantizers.AbsMaxQuantizer)
    assert rebuilt.axis == (1,)
    assert quantizers.get(quantizers.AbsMaxQuantizer).axis is None


def test_get_rejects_unknown():
    with pytest.raises(ValueError, match="Unknown quantizer: 'abs_max'"):
        quantizers.get("abs_max")
    with pytest.raises(ValueError, match="Could not interpret quantizer identifier"):
        quantizers.get(42)
    with pytest.raises(ValueError, match="Unknown quantizer"):
        quantizers.deserialize({"module": "keras.quantizers", "class_name": "Nope", "config": {}})


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"value_range": (-200, 127)}, ValueError, r"within \[-128, 127\]"),
        ({"value_range": (-127, 300)}, ValueError, r"within \[-128, 127\]"),
        ({"value_range": (5, -5)}, ValueError, "value_range"),
        ({"value_range": 127}, ValueError, "value_range"),
        ({"axis": "last"}, TypeError, "axis"),
        ({"axis": 1.5}, TypeError, "axis"),
    ],
)
def test_abs_max_quantizer_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        quantizers.AbsMaxQuantizer(**kwargs)


def test_int16_allows_wider_range():
    quantizer = quantizers.AbsMaxQuantizer(value_range=(-1000, 1000), output_dtype="int16")
    quantized, _ = quantizer(ops.convert_to_tensor(X))
    assert int(np.max(np.abs(ops.convert_to_numpy(quantized)))) == 1000
