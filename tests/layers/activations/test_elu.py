import numpy as np
import pytest

import lamina as keras
from lamina.layers.activations import ELU
from tests.harness import assert_close, check_config_roundtrip


@pytest.mark.parametrize("alpha", [1.0, 0.5, 2.0])
def test_elu_matches_numpy(rng, alpha):
    x = rng.standard_normal((5, 3)).astype("float32")
    x64 = x.astype(np.float64)
    assert_close(ELU(alpha=alpha)(x), np.where(x64 > 0, x64, alpha * np.expm1(x64)))


def test_elu_config_roundtrip():
    clone = check_config_roundtrip(ELU(alpha=0.7))
    assert clone.get_config()["alpha"] == 0.7
    assert clone.supports_masking


def test_elu_symbolic_shape():
    assert ELU()(keras.Input((2, 3, 4))).shape == (None, 2, 3, 4)
