"""DTypePolicy, its global default, get/serialize/deserialize and the quantized names."""

import numpy as np
import pytest

import lamina
from lamina import backend, dtype_policies, layers, mixed_precision
from lamina.dtype_policies import DTypePolicy, DTypePolicyMap, FloatDTypePolicy

# (name, compute dtype, variable dtype), as Keras 3 parses them.
POLICIES = [
    ("float32", "float32", "float32"),
    ("float16", "float16", "float16"),
    ("bfloat16", "bfloat16", "bfloat16"),
    ("mixed_float16", "float16", "float32"),
    ("mixed_bfloat16", "bfloat16", "float32"),
]


@pytest.mark.parametrize(("name", "compute", "variable"), POLICIES)
def test_policy_names_give_keras_dtypes(name, compute, variable):
    policy = DTypePolicy(name)
    assert (policy.name, policy.compute_dtype, policy.variable_dtype) == (name, compute, variable)
    assert policy.quantization_mode is None
    assert repr(policy) == f'<DTypePolicy "{name}">'


def test_policy_equality_and_float_alias():
    assert DTypePolicy("mixed_bfloat16") == FloatDTypePolicy("mixed_bfloat16")
    assert DTypePolicy("float32") != DTypePolicy("mixed_float16")
    assert repr(FloatDTypePolicy("float16")) == '<DTypePolicy "float16">'
    assert lamina.DTypePolicy is DTypePolicy
    assert mixed_precision.Policy is DTypePolicy


@pytest.mark.parametrize(
    ("name", "error", "match"),
    [(3, TypeError, "name.*string.*Received: name=3"), ("mixed_int8", ValueError, "mixed_int8")],
)
def test_policy_rejects_bad_names(name, error, match):
    with pytest.raises(error, match=match):
        DTypePolicy(name)


@pytest.mark.parametrize("policy", ["float32", "mixed_bfloat16", "mixed_float16", "float64"])
def test_serialize_writes_what_keras_writes_and_round_trips(policy):
    config = dtype_policies.serialize(DTypePolicy(policy))
    # Keras 3.15.1's own dict for a layer's policy (module "keras").
    assert config == {
        "module": "keras",
        "class_name": "DTypePolicy",
        "config": {"name": policy},
        "registered_name": None,
    }
    assert dtype_policies.deserialize(config) == DTypePolicy(policy)
    assert dtype_policies.get(config) == DTypePolicy(policy)
    assert DTypePolicy.from_config(DTypePolicy(policy).get_config()) == DTypePolicy(policy)


def test_get_accepts_none_names_policies_and_dtypes():
    policy = DTypePolicy("mixed_float16")
    assert dtype_policies.get(policy) is policy
    assert dtype_policies.get("bfloat16") == DTypePolicy("bfloat16")
    assert dtype_policies.get(np.float16) == DTypePolicy("float16")
    assert dtype_policies.get(None) == DTypePolicy(backend.floatx())
    with pytest.raises(ValueError, match="Cannot interpret `dtype`.*Received: dtype=<object"):
        dtype_policies.get(object())


def test_global_policy_sets_new_layers_and_clear_session_resets_it():
    mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        assert mixed_precision.global_policy() == DTypePolicy("mixed_bfloat16")
        assert lamina.config.dtype_policy() is mixed_precision.dtype_policy()
        dense = layers.Dense(2)
        assert (dense.compute_dtype, dense.variable_dtype, dense.dtype) == (
            "bfloat16", "float32", "float32",
        )  # fmt: skip
        assert layers.Dense(2, dtype="float32").dtype_policy == DTypePolicy("float32")
    finally:
        backend.clear_session(free_memory=False)
    assert mixed_precision.global_policy() == DTypePolicy("float32")
    with pytest.raises(ValueError, match="Invalid `policy`.*Received: policy=3"):
        mixed_precision.set_global_policy(3)


def test_layer_takes_a_name_a_policy_a_dtype_or_keras_config():
    keras_config = dtype_policies.serialize(DTypePolicy("mixed_float16"))
    for dtype in ("mixed_float16", DTypePolicy("mixed_float16"), keras_config):
        layer = layers.Dense(2, dtype=dtype)
        assert layer.dtype_policy == DTypePolicy("mixed_float16")
        assert layer.get_config()["dtype"] == keras_config
    assert layers.Dense(2, dtype=np.float64).dtype_policy == DTypePolicy("float64")
    layer = layers.Dense(2)
    layer.dtype_policy = "mixed_bfloat16"
    assert (layer.compute_dtype, layer.dtype) == ("bfloat16", "float32")
    with pytest.raises(ValueError, match="Cannot convert 'mixed_int4'"):
        layers.Dense(2, dtype="mixed_int4")


def test_policy_map_looks_up_exact_then_regex_paths():
    policies = DTypePolicyMap("float32", {"encoder/dense": "bfloat16", "encoder/.*": "float16"})
    assert policies["encoder/dense"].name == "bfloat16"
    assert policies["encoder/attention"].name == "float16"
    assert policies["decoder"].name == "float32"
    assert (policies.name, policies.compute_dtype, len(policies)) == ("map_float32", "float32", 2)
    policies["encoder/att.*"] = "mixed_bfloat16"
    with pytest.raises(ValueError, match="matches multiple dtype policy"):
        policies["encoder/attention"]
    policies["decoder"] = "float32"
    with pytest.raises(ValueError, match="already in the DTypePolicyMap"):
        policies["decoder"] = "float16"
    with pytest.raises(ValueError, match="cannot be a `DTypePolicyMap`"):
        DTypePolicyMap(DTypePolicyMap())
    with pytest.raises(TypeError, match="policy_map.*must be a dict"):
        DTypePolicyMap(policy_map=[("a", "float32")])


def test_policy_map_config_is_keras_schema_and_round_trips():
    policies = DTypePolicyMap("mixed_bfloat16", {"block/.*": DTypePolicy("float32")})
    config = dtype_policies.serialize(policies)
    assert config["module"] == "keras.dtype_policies"
    assert config["config"] == {
        "default_policy": "mixed_bfloat16",
        "policy_map": {"block/.*": dtype_policies.serialize(DTypePolicy("float32"))},
    }
    restored = dtype_policies.deserialize(config)
    assert restored == policies
    assert restored["block/x"].name == "float32"
    layer = layers.Dense(2, dtype=policies)  # a layer applies the map's default
    assert (layer.compute_dtype, layer.variable_dtype) == ("bfloat16", "float32")


@pytest.mark.parametrize(
    "make",
    [
        lambda: dtype_policies.QuantizedDTypePolicy("int8", "float32"),
        lambda: dtype_policies.QuantizedFloat8DTypePolicy("float8", "float32"),
        lambda: dtype_policies.Int4DTypePolicy("int4/128", "float32"),
        lambda: dtype_policies.GPTQDTypePolicy("gptq/4/128", "float32"),
        lambda: dtype_policies.AWQDTypePolicy("awq/4/128", "float32"),
        lambda: dtype_policies.get("int8_from_float32"),
        lambda: layers.Dense(2, dtype="int8_from_mixed_bfloat16"),
        lambda: dtype_policies.deserialize(
            {
                "module": "keras.dtype_policies",
                "class_name": "QuantizedDTypePolicy",
                "config": {"mode": "int8", "source_name": "float32"},
                "registered_name": None,
            }
        ),
    ],
)
def test_quantized_policies_exist_by_name_and_refuse_clearly(make):
    with pytest.raises(NotImplementedError, match="not supported by Lamina"):
        make()


def test_deserialize_refuses_classes_outside_the_allow_list():
    evil = {"module": "os", "class_name": "system", "config": {}, "registered_name": None}
    with pytest.raises(ValueError, match="Unknown dtype policy"):
        dtype_policies.deserialize(evil)
