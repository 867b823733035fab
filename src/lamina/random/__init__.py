"""``lamina.random``: Keras 3's public random namespace (``keras.random.normal``...).

The ops live in ``lamina.ops.random``; this package only lists them under Keras's name.
"""

from lamina.backend import SeedGenerator as SeedGenerator
from lamina.ops.random import (
    beta as beta,
    binomial as binomial,
    categorical as categorical,
    dropout as dropout,
    gamma as gamma,
    normal as normal,
    randint as randint,
    shuffle as shuffle,
    truncated_normal as truncated_normal,
    uniform as uniform,
)

__all__ = [
    "SeedGenerator",
    "beta",
    "binomial",
    "categorical",
    "dropout",
    "gamma",
    "normal",
    "randint",
    "shuffle",
    "truncated_normal",
    "uniform",
]
