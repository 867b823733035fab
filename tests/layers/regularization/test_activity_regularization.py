import numpy as np
import pytest

import lamina as keras
from lamina.layers import ActivityRegularization
from tests.harness import assert_close, check_config_roundtrip


def test_identity_that_adds_the_penalty_as_a_loss(rng):
    x = rng.standard_normal((3, 4)).astype("float32")
    layer = ActivityRegularization(l1=0.1, l2=0.01)
    assert_close(layer(x), x)
    (loss,) = layer.losses
    x64 = x.astype(np.float64)
    assert_close(loss, 0.1 * np.abs(x64).sum() + 0.01 * (x64**2).sum(), rtol=1e-5)


def test_config_symbolic_and_errors():
    layer = ActivityRegularization(l1=0.5)
    config = check_config_roundtrip(layer).get_config()
    assert config["l1"] == 0.5
    assert config["l2"] == 0.0
    assert "activity_regularizer" not in config
    assert layer(keras.Input((4,))).shape == (None, 4)
    with pytest.raises(ValueError, match="'l2'.*l2=-1"):
        ActivityRegularization(l2=-1)
