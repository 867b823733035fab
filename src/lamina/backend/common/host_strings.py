"""Text stays on the host: no engine (torch, JAX) holds strings.

Strings live as NumPy ``str``/``bytes``/object arrays until the first layer that turns them
into numbers (``StringLookup``, ``TextVectorization``, ``Hashing``…). The places that turn a
model's input data into engine tensors (the data adapters, ``predict_on_batch`` and friends,
a Functional model's inputs) call ``convert_data`` instead of ``convert_to_tensor``, so a
string array reaches those layers unchanged; every other array becomes a tensor as before.
The engines' own ``convert_to_tensor`` keeps refusing strings with a clear error.
"""

from __future__ import annotations

import numpy as np

_STRING_KINDS = ("U", "S")


def is_string_array(x) -> bool:
    """Whether ``x`` is a NumPy array of text: ``str``/``bytes`` dtype, or object dtype
    holding ``str``/``bytes`` (its first element decides, as no engine could hold either)."""
    if not isinstance(x, np.ndarray):
        return False
    kind = x.dtype.kind
    if kind in _STRING_KINDS:
        return True
    return kind == "O" and x.size > 0 and isinstance(x.flat[0], (str, bytes))


def convert_data(x, convert_to_tensor):
    """``x`` as a model input: a string array as is (see the module docstring), anything
    else through the engine's ``convert_to_tensor``."""
    if x is None:
        return None
    if is_string_array(x):
        return x
    return convert_to_tensor(x)


__all__ = ["convert_data", "is_string_array"]
