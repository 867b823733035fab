"""Resolve metrics by name, config or object, as ``keras.metrics.get``."""

from __future__ import annotations

from lamina import losses
from lamina.backend.common.global_state import to_snake_case
from lamina.metrics import (
    accuracy_metrics,
    confusion_metrics,
    correlation_metrics,
    f_score_metrics,
    hinge_metrics,
    iou_metrics,
    operating_point_metrics,
    probabilistic_metrics,
    reduction_metrics,
    regression_metrics,
)
from lamina.metrics.metric import Metric
from lamina.serialization import deserialize_keras_object, serialize_keras_object
from lamina.serialization.lookup import get_object, unknown_name_error

METRIC_CLASSES = (
    Metric,
    reduction_metrics.Sum, reduction_metrics.Mean, reduction_metrics.MeanMetricWrapper,
    accuracy_metrics.Accuracy, accuracy_metrics.BinaryAccuracy,
    accuracy_metrics.CategoricalAccuracy, accuracy_metrics.SparseCategoricalAccuracy,
    accuracy_metrics.TopKCategoricalAccuracy, accuracy_metrics.SparseTopKCategoricalAccuracy,
    regression_metrics.MeanSquaredError, regression_metrics.MeanAbsoluteError,
    regression_metrics.RootMeanSquaredError, regression_metrics.MeanAbsolutePercentageError,
    regression_metrics.MeanSquaredLogarithmicError,
    confusion_metrics.TruePositives, confusion_metrics.FalsePositives,
    confusion_metrics.TrueNegatives, confusion_metrics.FalseNegatives,
    confusion_metrics.Precision, confusion_metrics.Recall, confusion_metrics.AUC,
    probabilistic_metrics.BinaryCrossentropy, probabilistic_metrics.CategoricalCrossentropy,
    probabilistic_metrics.SparseCategoricalCrossentropy, probabilistic_metrics.KLDivergence,
    probabilistic_metrics.Poisson,
    regression_metrics.CosineSimilarity, regression_metrics.LogCoshError,
    regression_metrics.R2Score,
    operating_point_metrics.PrecisionAtRecall, operating_point_metrics.RecallAtPrecision,
    operating_point_metrics.SensitivityAtSpecificity,
    operating_point_metrics.SpecificityAtSensitivity,
    correlation_metrics.ConcordanceCorrelation, correlation_metrics.PearsonCorrelation,
    hinge_metrics.Hinge, hinge_metrics.SquaredHinge, hinge_metrics.CategoricalHinge,
    f_score_metrics.F1Score, f_score_metrics.FBetaScore,
    iou_metrics.IoU, iou_metrics.BinaryIoU, iou_metrics.MeanIoU, iou_metrics.OneHotIoU,
    iou_metrics.OneHotMeanIoU,
)  # fmt: skip
METRIC_FUNCTIONS = (
    accuracy_metrics.accuracy, accuracy_metrics.binary_accuracy,
    accuracy_metrics.categorical_accuracy, accuracy_metrics.sparse_categorical_accuracy,
    accuracy_metrics.top_k_categorical_accuracy,
    accuracy_metrics.sparse_top_k_categorical_accuracy,
    correlation_metrics.pearson_correlation, correlation_metrics.concordance_correlation,
    *losses.lookup.LOSS_FUNCTIONS,
)  # fmt: skip
# A name gives the class (instantiated by get) by its class name or its snake_case name;
# Keras's short names give the matching class too.
ALL_OBJECTS = {
    **{cls.__name__: cls for cls in METRIC_CLASSES},
    **{to_snake_case(cls.__name__): cls for cls in METRIC_CLASSES},
    "mse": regression_metrics.MeanSquaredError, "MSE": regression_metrics.MeanSquaredError,
    "mae": regression_metrics.MeanAbsoluteError, "MAE": regression_metrics.MeanAbsoluteError,
    "mape": regression_metrics.MeanAbsolutePercentageError,
    "MAPE": regression_metrics.MeanAbsolutePercentageError,
    "msle": regression_metrics.MeanSquaredLogarithmicError,
    "MSLE": regression_metrics.MeanSquaredLogarithmicError,
    "rmse": regression_metrics.RootMeanSquaredError,
    "auc": confusion_metrics.AUC,
}  # fmt: skip
FUNCTIONS = {fn.__name__: fn for fn in METRIC_FUNCTIONS}


def get(identifier):
    """None → None; a name → a new metric of that class (or the function); a config dict →
    the rebuilt metric; a class is instantiated; a callable is returned as it is."""
    return get_object(identifier, {**FUNCTIONS, **ALL_OBJECTS}, deserialize, "metric", "Metric")


def get_function(identifier):
    """A per-sample metric or loss function by name (used to rebuild MeanMetricWrapper)."""
    if callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier in FUNCTIONS:
        return FUNCTIONS[identifier]
    return losses.get(identifier)


def serialize(metric):
    """The metric's Keras config dict, or a metric function's name (``deserialize`` reverses it)."""
    return serialize_keras_object(metric)


def deserialize(config, custom_objects=None):
    """The metric a config dict or name describes, found through the safe loader: built-in,
    registered or in ``custom_objects``.
    """
    if isinstance(config, str) and config not in ALL_OBJECTS and not custom_objects:
        raise unknown_name_error("metric", config, {**FUNCTIONS, **ALL_OBJECTS})
    return deserialize_keras_object(
        config, module_objects=ALL_OBJECTS, custom_objects=custom_objects, kind="metric"
    )
