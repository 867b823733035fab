import numpy as np
import pytest

import lamina as keras
from lamina.layers.activations import PReLU
from tests.harness import (
    assert_close,
    check_config_roundtrip,
    engine_gradients,
    numeric_gradients,
    to_numpy,
)


def prelu_reference(x, alpha):
    return np.where(x >= 0, x, alpha * x)


# shared_axes → alpha's shape for inputs of shape (batch, 3, 4)
SHARING = [(None, (3, 4)), (1, (1, 4)), ([2], (3, 1)), ([1, 2], (1, 1))]


def built_prelu(rng, shared_axes, dtype="float32"):
    """A PReLU on (batch, 3, 4) inputs with a random, non-zero alpha."""
    layer = PReLU(shared_axes=shared_axes, dtype=dtype)
    layer.build((None, 3, 4))
    layer.set_weights([rng.uniform(0.1, 0.9, tuple(layer.alpha.shape))])
    return layer


@pytest.mark.parametrize(("shared_axes", "alpha_shape"), SHARING)
def test_prelu_alpha_shape_and_default_zeros(shared_axes, alpha_shape):
    layer = PReLU(shared_axes=shared_axes)
    layer.build((None, 3, 4))
    assert tuple(layer.alpha.shape) == alpha_shape
    assert layer.alpha.path.endswith("alpha")
    assert_close(layer.alpha, np.zeros(alpha_shape))  # "Zeros": a plain ReLU at first


@pytest.mark.parametrize(("shared_axes", "alpha_shape"), SHARING)
def test_prelu_matches_numpy(rng, shared_axes, alpha_shape):
    layer = built_prelu(rng, shared_axes)
    x = rng.standard_normal((2, 3, 4)).astype("float32")
    alpha = to_numpy(layer.alpha)
    assert alpha.shape == alpha_shape
    assert_close(layer(x), prelu_reference(x.astype(np.float64), alpha))


@pytest.mark.parametrize(("shared_axes", "alpha_shape"), SHARING)
def test_prelu_gradients_match_finite_differences(rng, shared_axes, alpha_shape):
    layer = built_prelu(rng, shared_axes, dtype="float64")
    x = rng.standard_normal((2, 3, 4))
    alpha = to_numpy(layer.alpha)
    grad_x, grad_alpha = engine_gradients(layer, [x], variables=[layer.alpha])
    expected_x, expected_alpha = numeric_gradients(prelu_reference, [x, alpha])
    assert grad_alpha.shape == alpha_shape
    assert_close(grad_x, expected_x, rtol=1e-6, atol=1e-7)
    assert_close(grad_alpha, expected_alpha, rtol=1e-6, atol=1e-7)


def test_prelu_regularizer_adds_a_loss(rng):
    layer = PReLU(alpha_regularizer="l2", alpha_initializer="ones")
    layer(rng.standard_normal((2, 3)))
    assert len(layer.losses) == 1
    assert_close(layer.losses[0], 0.01 * 3)  # l2 default factor 0.01, alpha = 1 on 3 units


def test_prelu_rejects_inputs_of_another_shape(rng):
    layer = PReLU()
    layer(rng.standard_normal((2, 3, 4)))
    with pytest.raises(ValueError, match="incompatible"):
        layer(rng.standard_normal((2, 3, 5)))


@pytest.mark.parametrize("shared_axes", [0, [3], [1.5]])
def test_prelu_rejects_bad_shared_axes(shared_axes):
    with pytest.raises(ValueError, match="shared_axes"):
        PReLU(shared_axes=shared_axes).build((None, 3, 4))


def test_prelu_needs_known_unshared_axes():
    with pytest.raises(ValueError, match="non-shared"):
        PReLU().build((None, None, 4))
    shared = PReLU(shared_axes=[1])
    shared.build((None, None, 4))  # an unknown axis is fine when it is shared
    assert tuple(shared.alpha.shape) == (1, 4)


def test_prelu_config_roundtrip():
    layer = PReLU(
        alpha_initializer="ones", alpha_regularizer="l2", alpha_constraint="non_neg",
        shared_axes=[1, 2],
    )  # fmt: skip
    config = check_config_roundtrip(layer).get_config()
    assert config["shared_axes"] == [1, 2]
    assert config["alpha_initializer"]["class_name"] == "Ones"
    assert config["alpha_constraint"]["class_name"] == "NonNeg"
    assert PReLU(shared_axes=1).get_config()["shared_axes"] == [1]


def test_prelu_survives_a_saved_file(rng, tmp_path):
    model = keras.Sequential([keras.Input((3, 4)), PReLU(shared_axes=[1])])
    model.layers[0].set_weights([rng.uniform(0.1, 0.9, (1, 4))])
    path = str(tmp_path / "prelu.keras")
    model.save(path)
    restored = keras.models.load_model(path)
    x = rng.standard_normal((2, 3, 4)).astype("float32")
    assert_close(restored(x), model(x))


def test_prelu_symbolic_shape():
    layer = PReLU(shared_axes=[1])
    assert layer(keras.Input((5, 2))).shape == (None, 5, 2)
    assert tuple(layer.alpha.shape) == (1, 2)
