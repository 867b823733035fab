import numpy as np
import pytest

from lamina import losses, ops
from lamina.losses.lookup import LOSS_CLASSES
from tests.harness import assert_close, check_config_roundtrip
from tests.losses.reference import reduce_reference


class SquaredError(losses.Loss):
    """A subclass the Keras way: call returns one value per entry, no reduction."""

    def call(self, y_true, y_pred):
        return ops.square(y_pred - y_true)


@pytest.mark.parametrize(
    "weight_shape", [(5,), (5, 1), (5, 3)], ids=["per-sample", "column", "per-entry"]
)
@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "mean_with_sample_weight"])
def test_sample_weight_broadcasts_over_trailing_axes(weight_shape, reduction, rng):
    y_true, y_pred = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))
    sample_weight = rng.uniform(0.1, 2.0, size=weight_shape)
    expected = reduce_reference((y_pred - y_true) ** 2, sample_weight.reshape(5, -1), reduction)
    assert_close(SquaredError(reduction=reduction)(y_true, y_pred, sample_weight), expected)


def test_scalar_sample_weight_scales(rng):
    y_true, y_pred = rng.standard_normal((4, 2)), rng.standard_normal((4, 2))
    assert_close(SquaredError()(y_true, y_pred, 2.5), 2.5 * ((y_pred - y_true) ** 2).mean())


def test_bad_sample_weight_shape_is_a_clear_error(rng):
    with pytest.raises(ValueError, match=r"sample_weight.*\(4,\).*\(5, 3\)"):
        SquaredError()(rng.standard_normal((5, 3)), rng.standard_normal((5, 3)), np.ones(4))


def test_unknown_reduction_lists_valid_ones():
    with pytest.raises(ValueError, match="sum_over_batch_size"):
        losses.MeanSquaredError(reduction="average")


def test_dtype_sets_the_computation_dtype(rng):
    loss = losses.MeanSquaredError(dtype="float64")
    assert loss.dtype == "float64"
    assert ops.dtype(loss(rng.standard_normal(3), rng.standard_normal(3))) == "float64"


def test_names_are_unique_and_snake_case():
    assert SquaredError().name == "squared_error"
    assert SquaredError().name == "squared_error_1"
    assert losses.MeanSquaredError().name == "mean_squared_error"


def test_loss_function_wrapper_passes_arguments_and_round_trips(rng):
    loss = losses.LossFunctionWrapper(losses.huber, name="h", delta=0.5)
    y_true, y_pred = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    assert_close(loss(y_true, y_pred), losses.Huber(delta=0.5)(y_true, y_pred))
    config = loss.get_config()
    assert config == {"name": "h", "reduction": "sum_over_batch_size", "delta": 0.5, "fn": "huber"}
    assert losses.LossFunctionWrapper.from_config(config).fn is losses.huber


@pytest.mark.parametrize(
    "loss_class", [c for c in LOSS_CLASSES if c not in (losses.Loss, losses.LossFunctionWrapper)]
)
def test_config_round_trips(loss_class):
    clone = check_config_roundtrip(loss_class(reduction="sum", name="custom"))
    assert clone.reduction == "sum"
    assert clone.name == "custom"


def test_configs_hold_keras_arguments():
    config = losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1).get_config()
    assert config == {
        "name": "categorical_crossentropy",
        "reduction": "sum_over_batch_size",
        "from_logits": True,
        "label_smoothing": 0.1,
        "axis": -1,
    }
    assert (
        losses.SparseCategoricalCrossentropy(ignore_class=255).get_config()["ignore_class"] == 255
    )
    assert losses.MeanSquaredError().get_config() == {
        "name": "mean_squared_error",
        "reduction": "sum_over_batch_size",
    }
