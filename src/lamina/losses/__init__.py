"""Losses with Keras's names: classes (``MeanSquaredError()``) and per-sample functions
(``mean_squared_error``), plus ``get``/``serialize``/``deserialize``."""

from lamina.losses.focal import (
    BinaryFocalCrossentropy as BinaryFocalCrossentropy,
    CategoricalFocalCrossentropy as CategoricalFocalCrossentropy,
    binary_focal_crossentropy as binary_focal_crossentropy,
    categorical_focal_crossentropy as categorical_focal_crossentropy,
)
from lamina.losses.hinge_losses import (
    CategoricalHinge as CategoricalHinge,
    Hinge as Hinge,
    SquaredHinge as SquaredHinge,
    categorical_hinge as categorical_hinge,
    hinge as hinge,
    squared_hinge as squared_hinge,
)
from lamina.losses.lookup import deserialize as deserialize, get as get, serialize as serialize
from lamina.losses.loss import Loss as Loss, LossFunctionWrapper as LossFunctionWrapper
from lamina.losses.metric_learning import Circle as Circle, circle as circle
from lamina.losses.noise_robust import (
    CategoricalGeneralizedCrossEntropy as CategoricalGeneralizedCrossEntropy,
    categorical_generalized_cross_entropy as categorical_generalized_cross_entropy,
)
from lamina.losses.probabilistic import (
    BinaryCrossentropy as BinaryCrossentropy,
    CategoricalCrossentropy as CategoricalCrossentropy,
    KLDivergence as KLDivergence,
    Poisson as Poisson,
    SparseCategoricalCrossentropy as SparseCategoricalCrossentropy,
    binary_crossentropy as binary_crossentropy,
    categorical_crossentropy as categorical_crossentropy,
    kl_divergence as kl_divergence,
    poisson as poisson,
    sparse_categorical_crossentropy as sparse_categorical_crossentropy,
)
from lamina.losses.regression import (
    CosineSimilarity as CosineSimilarity,
    Huber as Huber,
    LogCosh as LogCosh,
    MeanAbsoluteError as MeanAbsoluteError,
    MeanAbsolutePercentageError as MeanAbsolutePercentageError,
    MeanSquaredError as MeanSquaredError,
    MeanSquaredLogarithmicError as MeanSquaredLogarithmicError,
    cosine_similarity as cosine_similarity,
    huber as huber,
    log_cosh as log_cosh,
    mean_absolute_error as mean_absolute_error,
    mean_absolute_percentage_error as mean_absolute_percentage_error,
    mean_squared_error as mean_squared_error,
    mean_squared_logarithmic_error as mean_squared_logarithmic_error,
)
from lamina.losses.segmentation import (
    Dice as Dice,
    Tversky as Tversky,
    dice as dice,
    tversky as tversky,
)
from lamina.losses.sequence import CTC as CTC, ctc as ctc

# Keras's short aliases of the function forms.
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh

__all__ = [
    "CTC",
    "KLD",
    "MAE",
    "MAPE",
    "MSE",
    "MSLE",
    "BinaryCrossentropy",
    "BinaryFocalCrossentropy",
    "CategoricalCrossentropy",
    "CategoricalFocalCrossentropy",
    "CategoricalGeneralizedCrossEntropy",
    "CategoricalHinge",
    "Circle",
    "CosineSimilarity",
    "Dice",
    "Hinge",
    "Huber",
    "KLDivergence",
    "LogCosh",
    "Loss",
    "LossFunctionWrapper",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "Poisson",
    "SparseCategoricalCrossentropy",
    "SquaredHinge",
    "Tversky",
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
    "categorical_generalized_cross_entropy",
    "categorical_hinge",
    "circle",
    "cosine_similarity",
    "ctc",
    "deserialize",
    "dice",
    "get",
    "hinge",
    "huber",
    "kl_divergence",
    "kld",
    "kullback_leibler_divergence",
    "log_cosh",
    "logcosh",
    "mae",
    "mape",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "mean_squared_logarithmic_error",
    "mse",
    "msle",
    "poisson",
    "serialize",
    "sparse_categorical_crossentropy",
    "squared_hinge",
    "tversky",
]
