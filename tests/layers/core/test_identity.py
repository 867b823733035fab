import numpy as np

import lamina as keras
from lamina.layers.core import Identity
from tests.harness import assert_close, check_config_roundtrip


def test_identity_returns_its_input(rng):
    x = rng.standard_normal((3, 4)).astype("float32")
    assert_close(Identity()(x), x)


def test_identity_passes_a_list_through(rng):
    x, y = rng.standard_normal((2, 3)), rng.standard_normal((2, 5))
    outputs = Identity()([x, y])
    assert isinstance(outputs, list)
    assert_close(outputs[0], x)
    assert_close(outputs[1], y)


def test_identity_config_roundtrip():
    check_config_roundtrip(Identity(name="skip"))


def test_identity_symbolic_shape():
    assert Identity()(keras.Input((7,))).shape == (None, 7)
    assert keras.ops.convert_to_numpy(Identity()(np.ones((2, 7)))).shape == (2, 7)
