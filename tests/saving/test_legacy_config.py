"""Keras 2 configs rewritten in Keras 3's schema: each package comes back from where an
object sat, Keras 2's call lists become ``{args, kwargs}``, code stays marked as code."""

import pytest

from lamina.saving.errors import SavedFileError
from lamina.saving.legacy_config import convert_layer, convert_model_config, convert_node
from lamina.serialization import allow_list


def test_layer_arguments_get_their_packages():
    entry = convert_layer(
        {
            "class_name": "Conv2D",
            "config": {
                "kernel_initializer": {"class_name": "HeNormal", "config": {"seed": 3}},
                "bias_regularizer": {"class_name": "L1", "config": {"l1": 0.1}},
                "kernel_constraint": {"class_name": "MaxNorm", "config": {"max_value": 2}},
                "dtype": {"class_name": "Policy", "config": {"name": "mixed_float16"}},
                "something_else": {"class_name": "Mystery", "config": {}},
            },
        }
    )
    config = entry["config"]
    assert entry["module"] == "keras.layers"
    assert config["kernel_initializer"]["module"] == "keras.initializers"
    assert config["bias_regularizer"]["module"] == "keras.regularizers"
    assert config["kernel_constraint"]["module"] == "keras.constraints"
    assert config["dtype"] == "mixed_float16"
    assert "module" not in config["something_else"]  # unknown place: the allow-list decides
    with pytest.raises(ValueError, match="Mystery"):
        allow_list.check_config(entry)


def test_wrapped_layers_and_nested_models_are_converted():
    inner = {"class_name": "Dense", "config": {"units": 2, "name": "d"}}
    wrapper = convert_layer(
        {"class_name": "TimeDistributed", "config": {"layer": inner}, "inbound_nodes": []}
    )
    assert wrapper["config"]["layer"]["module"] == "keras.layers"
    nested = convert_layer(
        {
            "class_name": "Sequential",
            "config": {"name": "inner", "layers": [inner]},
            "name": "inner",
            "inbound_nodes": [[["input_1", 0, 0, {}]]],
        }
    )
    assert nested["module"] == "keras"
    assert nested["config"]["layers"][0]["module"] == "keras.layers"
    assert nested["inbound_nodes"][0]["args"][0]["config"]["keras_history"] == ["input_1", 0, 0]


def test_nodes_become_args_and_kwargs():
    one = convert_node([["a", 0, 1, {"training": False}]])
    assert one == {
        "args": [{"class_name": "__keras_tensor__", "config": {"keras_history": ["a", 0, 1]}}],
        "kwargs": {"training": False},
    }
    two = convert_node([["a", 0, 0], ["b", 1, 0]])
    assert [t["config"]["keras_history"] for t in two["args"][0]] == [["a", 0, 0], ["b", 1, 0]]
    keras3 = {"args": [], "kwargs": {}}
    assert convert_node(keras3) is keras3
    for bad in ([["a", 0]], [[1, 0, 0]], "a", []):
        with pytest.raises(SavedFileError, match="layer call"):
            convert_node(bad)


def test_lambda_code_is_marked_so_the_allow_list_refuses_it():
    entry = convert_layer(
        {
            "class_name": "Lambda",
            "config": {
                "function": ["code", None, None],
                "function_type": "lambda",
                "output_shape": ["code", None, None],
                "output_shape_type": "lambda",
            },
        }
    )
    assert entry["config"]["function"]["class_name"] == "__lambda__"
    assert entry["config"]["output_shape"]["class_name"] == "__lambda__"
    with pytest.raises(ValueError, match="Lambda"):
        allow_list.check_config(entry, safe_mode=False)


def test_model_config_is_not_modified_and_bad_configs_are_named():
    original = {"class_name": "Sequential", "config": [{"class_name": "Dense", "config": {}}]}
    converted = convert_model_config(original)
    assert converted["config"]["layers"][0]["module"] == "keras.layers"
    assert original["config"][0] == {"class_name": "Dense", "config": {}}
    custom = {"class_name": "MyModel", "config": {}}
    assert convert_model_config(custom) == custom  # only a registered class may load it
    with pytest.raises(SavedFileError, match="not a Keras config"):
        convert_model_config(["layers"])
    with pytest.raises(SavedFileError, match="not a dict"):
        convert_model_config({"class_name": "Functional", "config": "x"})
