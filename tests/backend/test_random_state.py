"""The engine's global random stream (seed=None) saved as JSON-ready data and set back."""

import json

import numpy as np
import pytest

from lamina import backend, ops, random


def _draw():
    return ops.convert_to_numpy(random.normal((4,)))  # seed=None: the global stream


def test_global_state_round_trips_through_json():
    random.normal((1,))  # the stream has started (JAX makes its key on the first draw)
    state = json.loads(json.dumps(backend.engine.random.get_global_state()))
    first = _draw()
    _draw()  # the stream moves on
    backend.engine.random.set_global_state(state)
    np.testing.assert_array_equal(_draw(), first)


@pytest.mark.parametrize("state", [[1, 2, 3], "state", {"unknown": 1}])
def test_a_foreign_state_is_refused(state):
    with pytest.raises(ValueError, match="set_global_state expects"):
        backend.engine.random.set_global_state(state)
