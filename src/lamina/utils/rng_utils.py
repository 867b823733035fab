"""One call to make a run repeat: seed Python, NumPy and the active engine together."""

from __future__ import annotations

import random
import sys

import numpy as np

from lamina import backend


def set_random_seed(seed: int) -> None:
    """Seed Python's ``random``, NumPy's global generator and the engine's global stream.

    After ``set_random_seed(n)``, unseeded initializers, Dropout and other random ops give
    the same values run after run on one engine (as ``keras.utils.set_random_seed``).
    TensorFlow's global seed is set too when TensorFlow is already imported (its
    ``tf.data`` pipelines shuffle with it), as Keras does; it is never imported here.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(
            f"set_random_seed expects an integer seed; received seed={seed!r} "
            f"(of type {type(seed).__name__})."
        )
    seed = int(seed)
    if not 0 <= seed < 2**32:
        raise ValueError(f"set_random_seed expects a seed in [0, 2**32); received seed={seed}.")
    random.seed(seed)
    np.random.seed(seed)
    backend.engine.random.set_global_seed(seed)
    tensorflow = sys.modules.get("tensorflow")  # seeded only if the user imported it
    if tensorflow is not None:
        tensorflow.random.set_seed(seed)
