"""Model.get_state_tree / set_state_tree: Keras 3.15's four groups, nested by variable path."""

import numpy as np
import pytest

import lamina as keras
from lamina import layers
from tests.harness import assert_close


def _model(name="stack"):
    return keras.Sequential(
        [keras.Input(shape=(2,)), layers.Dense(3, name="dense"),
         layers.BatchNormalization(name="norm")],
        name=name,
    )  # fmt: skip


def _trained(rng):
    model = _model()
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    model.fit(rng.standard_normal((8, 2)), rng.standard_normal((8, 3)), batch_size=4, verbose=0)
    return model


@pytest.mark.training
def test_tree_groups_and_paths_follow_the_variables(rng):
    model = _trained(rng)
    tree = model.get_state_tree(value_format="numpy_array")
    assert list(tree) == ["trainable_variables", "non_trainable_variables",
                          "optimizer_variables", "metrics_variables"]  # fmt: skip
    kernel = tree["trainable_variables"]["dense"]["kernel"]
    assert isinstance(kernel, np.ndarray)
    assert_close(kernel, model.get_layer("dense").kernel.numpy())
    assert set(tree["non_trainable_variables"]["norm"]) == {"moving_mean", "moving_variance"}
    optimizer_paths = {v.path for v in model.optimizer.variables}
    assert {f"adam/{key}" for key in tree["optimizer_variables"]["adam"]} == optimizer_paths
    assert set(tree["metrics_variables"]) == {"loss", "mean_absolute_error"}
    assert set(tree["metrics_variables"]["loss"]) == {"total", "count"}
    backend_tree = model.get_state_tree()
    assert keras.ops.is_tensor(backend_tree["trainable_variables"]["dense"]["bias"])


@pytest.mark.training
def test_set_state_tree_assigns_every_group(rng):
    model = _trained(rng)
    tree = model.get_state_tree(value_format="numpy_array")
    expected = {}

    def shifted(nested, prefix=""):
        for key, value in nested.items():
            if isinstance(value, dict):
                shifted(value, f"{prefix}{key}/")
            else:
                nested[key] = value + rng.uniform(1.0, 2.0, np.shape(value)).astype(value.dtype)
                expected[f"{prefix}{key}"] = nested[key]

    for group in tree.values():
        shifted(group)
    model.set_state_tree(tree)
    variables = [*model.trainable_variables, *model.non_trainable_variables,
                 *model.optimizer.variables, *model.metrics_variables]  # fmt: skip
    assert len(variables) == len(expected)
    for variable in variables:
        assert_close(variable.numpy(), expected[variable.path], err_msg=variable.path)


def test_uncompiled_model_has_empty_optimizer_and_metric_groups(rng):
    model = _model()
    tree = model.get_state_tree()
    assert tree["optimizer_variables"] == {}
    assert tree["metrics_variables"] == {}
    new_kernel = rng.standard_normal((2, 3)).astype("float32")
    # Groups may be left out; groups the model has no variables for are skipped, as Keras.
    model.set_state_tree({"trainable_variables": {"dense": {"kernel": new_kernel}},
                          "optimizer_variables": {"adam": {"iteration": 3}}})  # fmt: skip
    assert_close(model.get_layer("dense").kernel.numpy(), new_kernel)


def test_bad_trees_raise_before_any_change(rng):
    model = _model()
    before = model.get_layer("dense").kernel.numpy()
    good = rng.standard_normal((2, 3))
    with pytest.raises(ValueError, match="unknown group 'weights'"):
        model.set_state_tree({"weights": {}})
    model.set_state_tree({"trainable_variables": {"dense": {"kernal": good}}})  # ignored, as Keras
    with pytest.raises(ValueError, match=r"'dense/bias' has shape \(3,\); received .*\(4,\)"):
        model.set_state_tree({"trainable_variables": {"dense": {"kernel": good,
                                                                "bias": np.ones(4)}}})  # fmt: skip
    with pytest.raises(TypeError, match="dict"):
        model.set_state_tree([good])
    with pytest.raises(ValueError, match="value_format"):
        model.get_state_tree(value_format="list")
    assert_close(model.get_layer("dense").kernel.numpy(), before)


# ---- get_layer ----------------------------------------------------------------------------


def test_get_layer_by_name_or_index_only():
    model = _model()
    assert model.get_layer("norm") is model.get_layer(index=1) is model.get_layer(index=-1)
    with pytest.raises(ValueError, match="only a layer name or a layer index"):
        model.get_layer("dense", index=0)
    with pytest.raises(ValueError, match="received neither"):
        model.get_layer()
    with pytest.raises(ValueError, match="index=2"):
        model.get_layer(index=2)
    with pytest.raises(TypeError, match="index must be an int"):
        model.get_layer(index="0")
    with pytest.raises(ValueError, match="No such layer: 'missing'"):
        model.get_layer("missing")
