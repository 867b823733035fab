"""Losses with Keras's names: classes (``MeanSquaredError()``) and per-sample functions
(``mean_squared_error``), plus ``get``/``serialize``/``deserialize``."""

from lamina.losses.focal import BinaryFocalCrossentropy as BinaryFocalCrossentropy
from lamina.losses.focal import CategoricalFocalCrossentropy as CategoricalFocalCrossentropy
from lamina.losses.focal import binary_focal_crossentropy as binary_focal_crossentropy
from lamina.losses.focal import (
    categorical_focal_crossentropy as categorical_focal_crossentropy,
)
from lamina.losses.hinge_losses import CategoricalHinge as CategoricalHinge
from lamina.losses.hinge_losses import Hinge as Hinge
from lamina.losses.hinge_losses import SquaredHinge as SquaredHinge
from lamina.losses.hinge_losses import categorical_hinge as categorical_hinge
from lamina.losses.hinge_losses import hinge as hinge
from lamina.losses.hinge_losses import squared_hinge as squared_hinge
from lamina.losses.lookup import deserialize as deserialize
from lamina.losses.lookup import get as get
from lamina.losses.lookup import serialize as serialize
from lamina.losses.loss import Loss as Loss
from lamina.losses.loss import LossFunctionWrapper as LossFunctionWrapper
from lamina.losses.metric_learning import Circle as Circle
from lamina.losses.metric_learning import circle as circle
from lamina.losses.noise_robust import (
    CategoricalGeneralizedCrossEntropy as CategoricalGeneralizedCrossEntropy,
)
from lamina.losses.noise_robust import (
    categorical_generalized_cross_entropy as categorical_generalized_cross_entropy,
)
from lamina.losses.probabilistic import BinaryCrossentropy as BinaryCrossentropy
from lamina.losses.probabilistic import CategoricalCrossentropy as CategoricalCrossentropy
from lamina.losses.probabilistic import KLDivergence as KLDivergence
from lamina.losses.probabilistic import Poisson as Poisson
from lamina.losses.probabilistic import (
    SparseCategoricalCrossentropy as SparseCategoricalCrossentropy,
)
from lamina.losses.probabilistic import binary_crossentropy as binary_crossentropy
from lamina.losses.probabilistic import categorical_crossentropy as categorical_crossentropy
from lamina.losses.probabilistic import kl_divergence as kl_divergence
from lamina.losses.probabilistic import poisson as poisson
from lamina.losses.probabilistic import (
    sparse_categorical_crossentropy as sparse_categorical_crossentropy,
)
from lamina.losses.regression import CosineSimilarity as CosineSimilarity
from lamina.losses.regression import Huber as Huber
from lamina.losses.regression import LogCosh as LogCosh
from lamina.losses.regression import MeanAbsoluteError as MeanAbsoluteError
from lamina.losses.regression import MeanAbsolutePercentageError as MeanAbsolutePercentageError
from lamina.losses.regression import MeanSquaredError as MeanSquaredError
from lamina.losses.regression import MeanSquaredLogarithmicError as MeanSquaredLogarithmicError
from lamina.losses.regression import cosine_similarity as cosine_similarity
from lamina.losses.regression import huber as huber
from lamina.losses.regression import log_cosh as log_cosh
from lamina.losses.regression import mean_absolute_error as mean_absolute_error
from lamina.losses.regression import (
    mean_absolute_percentage_error as mean_absolute_percentage_error,
)
from lamina.losses.regression import mean_squared_error as mean_squared_error
from lamina.losses.regression import (
    mean_squared_logarithmic_error as mean_squared_logarithmic_error,
)
from lamina.losses.segmentation import Dice as Dice
from lamina.losses.segmentation import Tversky as Tversky
from lamina.losses.segmentation import dice as dice
from lamina.losses.segmentation import tversky as tversky
from lamina.losses.sequence import CTC as CTC
from lamina.losses.sequence import ctc as ctc

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
