"""backend.Variable: creation, assignment, trainability, paths and operators."""

import numpy as np
import pytest

from lamina import backend, initializers, ops
from tests.harness import assert_close


def _variable(rng, shape=(2, 3), **kwargs):
    return backend.Variable(rng.standard_normal(shape).astype("float32"), **kwargs)


def test_initial_value_and_metadata(rng):
    value = rng.standard_normal((2, 3)).astype("float32")
    variable = backend.Variable(value, name="kernel")
    assert variable.shape == (2, 3)
    assert variable.ndim == 2
    assert variable.dtype == "float32"
    assert variable.name == "kernel"
    assert variable.path == "kernel"
    assert variable.trainable
    np.testing.assert_array_equal(variable.numpy(), value)
    np.testing.assert_array_equal(np.asarray(variable), value)
    assert len(variable) == 2


def test_callable_initializer_needs_shape():
    variable = backend.Variable(initializers.Ones(), shape=(3,), dtype="float64")
    assert variable.dtype == "float64"
    assert_close(variable.value, np.ones(3))
    with pytest.raises(ValueError, match="shape is needed"):
        backend.Variable(initializers.Ones())


def test_initial_value_with_wrong_shape_raises():
    with pytest.raises(ValueError, match="initial value has shape"):
        backend.Variable(np.ones((2, 2), "float32"), shape=(4,))


@pytest.mark.parametrize("name", ["a/b", 3])
def test_bad_names_raise(name):
    with pytest.raises(ValueError, match="name"):
        backend.Variable(np.ones(2, "float32"), name=name)


def test_assign_and_wrong_shape(rng):
    variable = _variable(rng)
    new = rng.standard_normal((2, 3)).astype("float32")
    variable.assign(new)
    np.testing.assert_array_equal(variable.numpy(), new)
    with pytest.raises(ValueError, match=r"Cannot assign a value of shape \(3, 2\)"):
        variable.assign(np.ones((3, 2), "float32"))
    np.testing.assert_array_equal(variable.numpy(), new)  # unchanged after the error


def test_assign_casts_to_variable_dtype():
    variable = backend.Variable(np.zeros(2, "float32") + 1, dtype="float32")
    variable.assign(np.array([3, 4], "int32"))
    assert variable.dtype == "float32"
    assert ops.dtype(variable.value) == "float32"
    assert_close(variable.value, [3.0, 4.0])


def test_assign_add_and_sub(rng):
    start = rng.standard_normal((2, 3)).astype("float32")
    delta = rng.standard_normal((2, 3)).astype("float32")
    variable = backend.Variable(start)
    variable.assign_add(delta)
    assert_close(variable.value, start.astype(np.float64) + delta)
    variable.assign_sub(2 * delta)
    assert_close(variable.value, start.astype(np.float64) - delta, atol=1e-6)


def test_trainable_toggles():
    variable = backend.Variable(np.ones(2, "float32"), trainable=False)
    assert not variable.trainable
    variable.trainable = True
    assert variable.trainable
    variable.trainable = False
    assert not variable.trainable


def test_path_under_name_scope():
    with backend.name_scope("outer"), backend.name_scope("dense"):
        variable = backend.Variable(np.ones(2, "float32"), name="kernel")
    assert variable.path == "outer/dense/kernel"
    assert variable.name == "kernel"
    assert backend.Variable(np.ones(2, "float32"), name="bias").path == "bias"


def test_auto_names_are_unique():
    first = backend.Variable(np.ones(1, "float32"))
    second = backend.Variable(np.ones(1, "float32"))
    assert first.name != second.name


def test_operators_match_numpy(rng):
    a = rng.standard_normal((2, 3)).astype("float32")
    b = rng.uniform(0.5, 2.0, (2, 3)).astype("float32")
    variable = backend.Variable(a)
    other = ops.convert_to_tensor(b)
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    assert_close(variable + other, a64 + b64)
    assert_close(other + variable, a64 + b64)
    assert_close(variable - 1.0, a64 - 1.0)
    assert_close(1.0 - variable, 1.0 - a64)
    assert_close(variable * other, a64 * b64)
    assert_close(2.0 * variable, 2.0 * a64)
    assert_close(variable / other, a64 / b64)
    assert_close(1.0 / backend.Variable(b), 1.0 / b64)
    assert_close(backend.Variable(b) ** 2.0, b64**2)
    assert_close(2.0 ** backend.Variable(b), 2.0**b64)
    assert_close(-variable, -a64)
    assert_close(variable @ ops.transpose(other), a64 @ b64.T)
    assert_close(other @ backend.Variable(a.T), b64 @ a64.T)
    np.testing.assert_array_equal(ops.convert_to_numpy(variable < 0.0), a < 0)
    np.testing.assert_array_equal(ops.convert_to_numpy(variable >= 0.0), a >= 0)
    assert_close(variable[0], a64[0])
    assert_close(variable + backend.Variable(b), a64 + b64)


def test_variable_works_in_ops(rng):
    a = rng.standard_normal((2, 3)).astype("float32")
    variable = backend.Variable(a)
    assert_close(ops.sum(variable, axis=0), a.astype(np.float64).sum(axis=0))
    assert_close(ops.matmul(variable, np.ones((3, 1), "float32")), a.sum(axis=1, keepdims=True))


def test_variable_is_not_a_bool():
    with pytest.raises(TypeError, match="bool"):
        bool(backend.Variable(np.ones(1, "float32")))


def test_repr_names_path_shape_dtype():
    text = repr(backend.Variable(np.ones(2, "float32"), name="w"))
    assert "w" in text
    assert "(2,)" in text
    assert "float32" in text


def test_scalar_variable_converts_to_python_numbers():
    variable = backend.Variable(0.25, name="learning_rate")
    assert float(variable) == 0.25
    assert "%6.4f" % variable == "0.2500"  # noqa: UP031 (the guide formats so)
    assert int(backend.Variable(3, dtype="int32", name="count")) == 3
    with pytest.raises(TypeError, match="scalar"):
        float(backend.Variable(np.zeros((2,), "float32"), name="vector"))
