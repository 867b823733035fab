"""Resolve losses by name, config or object, as ``keras.losses.get``."""

from __future__ import annotations

from lamina.losses import (
    focal,
    hinge_losses,
    metric_learning,
    noise_robust,
    probabilistic,
    regression,
    segmentation,
    sequence,
)
from lamina.losses.loss import Loss, LossFunctionWrapper
from lamina.serialization import deserialize_keras_object, serialize_keras_object
from lamina.serialization.lookup import get_object, unknown_name_error

LOSS_CLASSES = (
    Loss, LossFunctionWrapper,
    regression.MeanSquaredError, regression.MeanAbsoluteError,
    regression.MeanAbsolutePercentageError, regression.MeanSquaredLogarithmicError,
    regression.CosineSimilarity, regression.Huber, regression.LogCosh,
    probabilistic.CategoricalCrossentropy, probabilistic.SparseCategoricalCrossentropy,
    probabilistic.BinaryCrossentropy, probabilistic.KLDivergence, probabilistic.Poisson,
    hinge_losses.Hinge, hinge_losses.SquaredHinge, hinge_losses.CategoricalHinge,
    focal.BinaryFocalCrossentropy, focal.CategoricalFocalCrossentropy,
    noise_robust.CategoricalGeneralizedCrossEntropy, sequence.CTC, segmentation.Dice,
    segmentation.Tversky, metric_learning.Circle,
)  # fmt: skip
LOSS_FUNCTIONS = (
    regression.mean_squared_error, regression.mean_absolute_error,
    regression.mean_absolute_percentage_error, regression.mean_squared_logarithmic_error,
    regression.cosine_similarity, regression.huber, regression.log_cosh,
    probabilistic.categorical_crossentropy, probabilistic.sparse_categorical_crossentropy,
    probabilistic.binary_crossentropy, probabilistic.kl_divergence, probabilistic.poisson,
    hinge_losses.hinge, hinge_losses.squared_hinge, hinge_losses.categorical_hinge,
    focal.binary_focal_crossentropy, focal.categorical_focal_crossentropy,
    noise_robust.categorical_generalized_cross_entropy, sequence.ctc, segmentation.dice,
    segmentation.tversky, metric_learning.circle,
)  # fmt: skip
# Keras's legacy short names, still accepted by get() and in saved configs.
ALIASES = {
    "mse": regression.mean_squared_error, "MSE": regression.mean_squared_error,
    "mae": regression.mean_absolute_error, "MAE": regression.mean_absolute_error,
    "mape": regression.mean_absolute_percentage_error,
    "MAPE": regression.mean_absolute_percentage_error,
    "msle": regression.mean_squared_logarithmic_error,
    "MSLE": regression.mean_squared_logarithmic_error,
    "kld": probabilistic.kl_divergence, "KLD": probabilistic.kl_divergence,
    "kullback_leibler_divergence": probabilistic.kl_divergence,
    "logcosh": regression.log_cosh, "bce": probabilistic.binary_crossentropy,
    "BCE": probabilistic.binary_crossentropy,
}  # fmt: skip
ALL_OBJECTS = {
    **{cls.__name__: cls for cls in LOSS_CLASSES},
    **{fn.__name__: fn for fn in LOSS_FUNCTIONS},
    **ALIASES,
}


def get(identifier):
    """None → None; a name → the function or a new instance of the class; a config dict →
    the rebuilt loss; a callable is returned as it is."""
    return get_object(identifier, ALL_OBJECTS, deserialize, "loss", "Loss")


def serialize(loss):
    """The loss's Keras config dict, or a loss function's name (``deserialize`` reverses it)."""
    return serialize_keras_object(loss)


def deserialize(config, custom_objects=None):
    """The loss a config dict or name describes, found through the safe loader: built-in,
    registered or in ``custom_objects``.
    """
    if isinstance(config, str) and config not in ALL_OBJECTS and not custom_objects:
        raise unknown_name_error("loss", config, ALL_OBJECTS)
    return deserialize_keras_object(
        config, module_objects=ALL_OBJECTS, custom_objects=custom_objects, kind="loss"
    )
