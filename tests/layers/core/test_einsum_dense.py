import numpy as np
import pytest

import lamina
from lamina import layers, ops
from tests.harness import assert_close, check_config_roundtrip, engine_gradients, numeric_gradients

# (equation, output_shape, bias_axes, input shape, kernel shape, bias shape, output shape)
CASES = [
    ("ab,bc->ac", 4, "c", (2, 3), (3, 4), (4,), (2, 4)),
    ("abc,cde->abde", (None, 2, 4), "de", (2, 5, 3), (3, 2, 4), (2, 4), (2, 5, 2, 4)),
    ("abc,cd->abd", (5, 4), None, (2, 5, 3), (3, 4), None, (2, 5, 4)),
    ("...b,bc->...c", 4, "c", (2, 5, 3), (3, 4), (4,), (2, 5, 4)),
    ("ab...,bc->ac...", 4, "c", (2, 3, 5), (3, 4), (4, 1), (2, 4, 5)),
    ("abcd,cde->abe", (None, 4), "e", (2, 5, 2, 3), (2, 3, 4), (4,), (2, 5, 4)),
]


@pytest.mark.parametrize(
    ("equation", "output_shape", "bias_axes", "shape", "kernel", "bias", "out"), CASES,
    ids=[case[0] for case in CASES],
)  # fmt: skip
def test_einsum_dense_matches_numpy(equation, output_shape, bias_axes, shape, kernel, bias, out,
                                    rng):  # fmt: skip
    x = rng.standard_normal(shape).astype("float32")
    layer = layers.EinsumDense(equation, output_shape, bias_axes=bias_axes, activation="tanh",
                               bias_initializer="random_normal")  # fmt: skip
    y = layer(x)
    weights = [np.asarray(w, np.float64) for w in layer.get_weights()]
    assert [w.shape for w in weights] == [kernel] + ([bias] if bias else [])
    want = np.einsum(equation, x.astype(np.float64), weights[0])
    if bias:
        want = want + weights[1]
    assert tuple(ops.shape(y)) == out
    assert_close(y, np.tanh(want), rtol=1e-5, atol=1e-5)
    symbolic = layer(lamina.Input(shape[1:]))
    assert symbolic.shape == (None, *out[1:])


@pytest.mark.training
def test_einsum_dense_gradients(rng):
    x = rng.standard_normal((2, 3, 2))
    layer = layers.EinsumDense("abc,cde->abde", (None, 2, 2), bias_axes="e",
                               activation="sigmoid", bias_initializer="random_normal")  # fmt: skip
    layer(x.astype("float32"))
    kernel, bias = (np.asarray(w, np.float64) for w in layer.get_weights())

    def reference(x, kernel, bias):
        return 1.0 / (1.0 + np.exp(-(np.einsum("abc,cde->abde", x, kernel) + bias)))

    got = engine_gradients(layer, [x.astype("float32")], layer.weights)
    for g, w in zip(got, numeric_gradients(reference, [x, kernel, bias])):
        assert_close(g, w, rtol=1e-4, atol=1e-5)


def test_kernel_fans_are_its_input_and_output_axes():
    # Keras's rule: the fans of a (64, 8, 16) kernel from "abc,cde->abde" are 64 and 128.
    layer = layers.EinsumDense("abc,cde->abde", (None, 8, 16))
    layer.build((None, 4, 64))
    kernel = np.asarray(layer.get_weights()[0])
    limit = np.sqrt(6.0 / (64 + 128))
    assert kernel.shape == (64, 8, 16)
    assert np.abs(kernel).max() <= limit
    assert np.abs(kernel).max() > 0.9 * limit


def test_weights_names_and_config():
    layer = layers.EinsumDense("ab,bc->ac", 3, bias_axes="c", kernel_regularizer="l2")
    layer.build((None, 2))
    assert [w.path for w in layer.weights] == ["einsum_dense/kernel", "einsum_dense/bias"]
    clone = check_config_roundtrip(layer)
    assert clone.partial_output_shape == (3,)
    assert clone.bias_axes == "c"


def test_bad_arguments():
    with pytest.raises(ValueError, match="equation must have the form"):
        layers.EinsumDense("ab->b", 3)
    with pytest.raises(ValueError, match="bias_axes letter 'x'"):
        layers.EinsumDense("ab,bc->ac", 3, bias_axes="x").build((None, 2))
    with pytest.raises(ValueError, match="kernel dimension 'd'"):
        layers.EinsumDense("ab,bcd->ac", 3).build((None, 2))
    with pytest.raises(TypeError, match="output_shape must be"):
        layers.EinsumDense("ab,bc->ac", "3")
