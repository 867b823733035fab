"""``lamina.random``: Keras 3's public random namespace (``keras.random.normal``...).

The ops live in ``lamina.ops.random``; this package only lists them under Keras's name.
"""

from lamina.backend import SeedGenerator as SeedGenerator
from lamina.ops.random import categorical as categorical
from lamina.ops.random import dropout as dropout
from lamina.ops.random import normal as normal
from lamina.ops.random import randint as randint
from lamina.ops.random import shuffle as shuffle
from lamina.ops.random import truncated_normal as truncated_normal
from lamina.ops.random import uniform as uniform

__all__ = [
    "SeedGenerator",
    "categorical",
    "dropout",
    "normal",
    "randint",
    "shuffle",
    "truncated_normal",
    "uniform",
]
