import pytest

from lamina import losses, metrics


@pytest.mark.parametrize(
    ("identifier", "expected_class"),
    [
        ("AUC", metrics.AUC),
        ("auc", metrics.AUC),
        ("binary_accuracy", metrics.BinaryAccuracy),
        ("CategoricalAccuracy", metrics.CategoricalAccuracy),
        ("sparse_top_k_categorical_accuracy", metrics.SparseTopKCategoricalAccuracy),
        ("mse", metrics.MeanSquaredError),
        ("mae", metrics.MeanAbsoluteError),
        ("precision", metrics.Precision),
        ("root_mean_squared_error", metrics.RootMeanSquaredError),
    ],
)
def test_get_a_name_gives_a_new_metric(identifier, expected_class):
    metric = metrics.get(identifier)
    assert type(metric) is expected_class
    assert metrics.get(identifier) is not metric


def test_get_passes_objects_and_functions_through():
    metric = metrics.Mean()
    assert metrics.get(metric) is metric
    assert metrics.get(metrics.binary_accuracy) is metrics.binary_accuracy
    assert metrics.get(None) is None


def test_serialize_round_trips():
    config = metrics.serialize(metrics.BinaryAccuracy(threshold=0.3, name="acc"))
    assert config["module"] == "keras.metrics"
    clone = metrics.deserialize(config)
    assert type(clone) is metrics.BinaryAccuracy
    assert clone.get_config() == {"name": "acc", "dtype": "float32", "threshold": 0.3}


def test_metric_and_loss_classes_of_one_name_stay_apart():
    config = metrics.serialize(metrics.MeanSquaredError())
    assert type(metrics.deserialize(config)) is metrics.MeanSquaredError
    assert type(losses.deserialize(losses.serialize(losses.MeanSquaredError()))) is (
        losses.MeanSquaredError
    )


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [("acuracy", "accuracy"), ("Precison", "Precision"), ("binary_acc", "binary_accuracy")],
)
def test_unknown_name_suggests_close_names(name, suggestion):
    with pytest.raises(ValueError, match=f"Unknown metric: '{name}'.*'{suggestion}'"):
        metrics.get(name)
