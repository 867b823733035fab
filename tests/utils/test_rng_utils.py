"""set_random_seed makes Python, NumPy, the engine and unseeded initializers repeat."""

import random
import sys
import types

import numpy as np
import pytest

from lamina import initializers, ops, utils


def _draw_everything():
    return (
        random.random(),
        np.random.random(),
        ops.convert_to_numpy(ops.random.normal((4,))),
        ops.convert_to_numpy(initializers.GlorotUniform()((3, 3))),
    )


def test_same_seed_same_values():
    utils.set_random_seed(123)
    first = _draw_everything()
    utils.set_random_seed(123)
    second = _draw_everything()
    assert first[0] == second[0]
    assert first[1] == second[1]
    np.testing.assert_array_equal(first[2], second[2])
    np.testing.assert_array_equal(first[3], second[3])


def test_different_seed_different_values():
    utils.set_random_seed(1)
    first = _draw_everything()
    utils.set_random_seed(2)
    second = _draw_everything()
    assert first[0] != second[0]
    assert not np.array_equal(first[2], second[2])


@pytest.mark.parametrize("seed", [1.5, "3", None, True, -1, 2**32])
def test_bad_seeds_raise(seed):
    with pytest.raises(ValueError, match="seed"):
        utils.set_random_seed(seed)


def test_public_names():
    assert set(utils.__all__) >= {"to_categorical", "normalize", "set_random_seed"}


def test_seeds_tensorflow_only_when_already_imported(monkeypatch):
    seeds = []
    fake_tensorflow = types.SimpleNamespace(random=types.SimpleNamespace(set_seed=seeds.append))
    monkeypatch.setitem(sys.modules, "tensorflow", fake_tensorflow)
    utils.set_random_seed(7)
    assert seeds == [7]
    monkeypatch.delitem(sys.modules, "tensorflow")
    utils.set_random_seed(8)  # TensorFlow not imported: it stays so
    assert "tensorflow" not in sys.modules
    assert seeds == [7]
