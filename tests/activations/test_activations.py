"""lamina.activations against NumPy formulas, plus lookup by name and config."""

import math

import numpy as np
import pytest

from lamina import activations, backend, ops
from tests.harness import assert_close, away_from, check_gradients

SELU_ALPHA, SELU_SCALE = 1.6732632423543772, 1.0507009873554805
_erf = np.vectorize(math.erf)


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _softplus(x):
    return np.log1p(np.exp(x))


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _keras_relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """Keras 3's ReLU: a clipped positive part minus the slope times the part below threshold."""
    positive = np.where(x > threshold, x, 0.0)
    if max_value is not None:
        positive = np.clip(positive, 0, max_value)
    return positive - negative_slope * np.maximum(threshold - x, 0.0)


REFERENCES = {
    "relu": lambda x: np.maximum(x, 0),
    "relu6": lambda x: np.clip(x, 0, 6),
    "sigmoid": _sigmoid,
    "tanh": np.tanh,
    "softmax": _softmax,
    "log_softmax": lambda x: np.log(_softmax(x)),
    "softplus": _softplus,
    "softsign": lambda x: x / (1 + np.abs(x)),
    "silu": lambda x: x * _sigmoid(x),
    "swish": lambda x: x * _sigmoid(x),
    "gelu": lambda x: 0.5 * x * (1 + _erf(x / np.sqrt(2))),
    "elu": lambda x: np.where(x > 0, x, np.expm1(x)),
    "selu": lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(x)),
    "leaky_relu": lambda x: np.where(x > 0, x, 0.2 * x),
    "hard_sigmoid": lambda x: np.clip(x + 3, 0, 6) / 6,
    "hard_silu": lambda x: x * np.clip(x + 3, 0, 6) / 6,
    "hard_swish": lambda x: x * np.clip(x + 3, 0, 6) / 6,
    "exponential": np.exp,
    "mish": lambda x: x * np.tanh(_softplus(x)),
    "linear": lambda x: x,
    "celu": lambda x: np.where(x > 0, x, np.expm1(x)),
    "hard_shrink": lambda x: np.where(np.abs(x) > 0.5, x, 0.0),
    "hard_tanh": lambda x: np.clip(x, -1, 1),
    "log_sigmoid": lambda x: -np.log1p(np.exp(-x)),
    "soft_shrink": lambda x: np.sign(x) * np.maximum(np.abs(x) - 0.5, 0.0),
    "sparse_plus": lambda x: np.where(x <= -1, 0.0, np.where(x >= 1, x, (x + 1) ** 2 / 4)),
    "sparse_sigmoid": lambda x: np.clip((x + 1) / 2, 0, 1),
    "sparsemax": None,  # checked against ops.sparsemax's own tests: rows on the simplex here
    "squareplus": lambda x: (x + np.sqrt(x**2 + 4)) / 2,
    "tanh_shrink": lambda x: x - np.tanh(x),
}


@pytest.fixture
def x(rng):
    return (3 * rng.standard_normal((4, 5))).astype("float32")


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_matches_numpy(name, x):
    function = activations.get(name)
    out = function(ops.convert_to_tensor(x))
    if REFERENCES[name] is None:  # sparsemax: non-negative rows that sum to one
        out = ops.convert_to_numpy(out)
        assert (out >= 0).all()
        assert_close(out.sum(axis=-1), np.ones(len(out)), atol=1e-5)
    else:
        assert_close(out, REFERENCES[name](x.astype(np.float64)), rtol=1e-5, atol=1e-5)
    assert ops.dtype(out) == "float32"


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_symbolic_inputs(name):
    out = activations.get(name)(backend.KerasTensor((None, 5)))
    assert out.shape == (None, 5)
    assert out.dtype == "float32"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"negative_slope": 0.1},
        {"max_value": 2.0},
        {"threshold": 0.5},
        {"negative_slope": 0.3, "max_value": 4.0, "threshold": 1.0},
        {"negative_slope": 0.1, "threshold": -0.5},
        {"max_value": 2.0, "threshold": -0.5},
    ],
)
def test_relu_options_follow_keras(kwargs, x):
    x = np.concatenate([x.ravel(), np.linspace(-2.95, 2.95, 20, dtype="float32")])
    out = activations.relu(ops.convert_to_tensor(x), **kwargs)
    assert_close(out, _keras_relu(x.astype(np.float64), **kwargs), atol=1e-6)


def test_parameterised_activations(x):
    x64 = x.astype(np.float64)
    tensor = ops.convert_to_tensor(x)
    assert_close(activations.elu(tensor, alpha=0.5), np.where(x64 > 0, x64, 0.5 * np.expm1(x64)))
    assert_close(activations.leaky_relu(tensor, negative_slope=0.01),
                 np.where(x64 > 0, x64, 0.01 * x64))  # fmt: skip
    assert_close(activations.softmax(tensor, axis=0), _softmax(x64, axis=0))
    tanh_gelu = 0.5 * x64 * (1 + np.tanh(np.sqrt(2 / np.pi) * (x64 + 0.044715 * x64**3)))
    assert_close(activations.gelu(tensor, approximate=True), tanh_gelu, atol=1e-5)


def test_get_none_is_linear_and_callables_pass_through():
    assert activations.get(None) is activations.linear

    def custom(value):
        return value

    assert activations.get(custom) is custom


def test_get_by_config():
    config = {"module": "keras.activations", "class_name": "function", "config": "relu",
              "registered_name": None}  # fmt: skip
    assert activations.get(config) is activations.relu


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_serialize_round_trip(name):
    function = activations.get(name)
    assert activations.get(activations.serialize(function)) is function
    assert activations.deserialize(activations.serialize(function)) is function


def test_unknown_name_lists_close_names():
    with pytest.raises(ValueError, match="Did you mean 'relu'") as info:
        activations.get("rleu")
    assert "Unknown activation" in str(info.value)


@pytest.mark.parametrize("identifier", [3, ["relu"]])
def test_uninterpretable_identifier(identifier):
    with pytest.raises(ValueError, match="Could not interpret"):
        activations.get(identifier)


def test_get_finds_a_custom_function_by_name_in_scope_or_registry():
    from lamina import saving

    def squared(x):
        return x**2

    with pytest.raises(ValueError, match="Unknown activation"):
        activations.get("squared")
    with saving.custom_object_scope({"squared": squared}):
        assert activations.get("squared") is squared
    registered = saving.register_keras_serializable(package="test_lookup")(squared)
    try:
        assert activations.get("test_lookup>squared") is registered
    finally:
        saving.get_custom_objects().pop("test_lookup>squared")


def test_activations_with_arguments(x):
    x64, tensor = x.astype(np.float64), ops.convert_to_tensor(x)
    halves = np.split(x64[:, :4], 2, axis=-1)
    assert_close(activations.glu(tensor[:, :4]), halves[0] / (1 + np.exp(-halves[1])), atol=1e-6)
    assert_close(activations.threshold(tensor, 0.5, -1.0), np.where(x64 > 0.5, x64, -1.0))
    assert_close(activations.celu(tensor, alpha=2.0),
                 np.where(x64 > 0, x64, 2.0 * np.expm1(x64 / 2.0)), atol=1e-6)  # fmt: skip
    assert_close(activations.hard_shrink(tensor, threshold=1.0), np.where(np.abs(x64) > 1, x64, 0))
    assert_close(activations.squareplus(tensor, b=1), (x64 + np.sqrt(x64**2 + 1)) / 2, atol=1e-6)
    assert activations.hard_swish is activations.hard_silu


@pytest.mark.parametrize("name", ["glu", "threshold"])
def test_functions_with_required_shapes_or_arguments_serialize(name):
    function = activations.get(name)
    assert activations.serialize(function) == name
    assert activations.deserialize(name) is function


@pytest.mark.parametrize("name", ["celu", "sparsemax", "hard_tanh", "soft_shrink", "glu"])
def test_activation_layer_accepts_the_new_names(name, x):
    from lamina.layers import Activation

    layer = Activation(name)
    assert_close(layer(x[:, :4]), activations.get(name)(ops.convert_to_tensor(x[:, :4])))
    assert Activation.from_config(layer.get_config()).activation is activations.get(name)


# Points where an activation has no derivative (relu's 0, the shrinks' ±0.5, the hard and
# sparse ones' ±1): the inputs stay away from them.
_KINKS = (0.0, 0.5, -0.5, 1.0, -1.0)


def test_gradients_match_central_differences(rng):
    """Every activation with a NumPy reference: the engine's gradient (torch, JAX, TF) equals
    the float64 central difference of the reference, on one small random input."""
    x = away_from(rng.uniform(-2.5, 2.5, size=(2, 3)), _KINKS)
    names = [name for name, reference in REFERENCES.items() if reference is not None]
    for name in sorted(names):
        check_gradients(activations.get(name), REFERENCES[name], [x], atol=1e-6, err_msg=name)
