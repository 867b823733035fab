"""Layers and models under mixed policies: float32 variables, low-precision compute, Keras's
autocasting rules, training, and saving."""

import numpy as np
import pytest

import lamina
from lamina import backend, layers, mixed_precision, ops
from lamina.dtype_policies import DTypePolicy
from tests.harness import assert_close, to_numpy

BF16 = {"rtol": 3e-2, "atol": 3e-2}  # bfloat16 keeps 8 significant bits


@pytest.fixture
def mixed_bfloat16():
    mixed_precision.set_global_policy("mixed_bfloat16")
    yield
    mixed_precision.set_global_policy("float32")


def requires_bfloat16():
    if backend.backend() == "numpy":
        pytest.importorskip("ml_dtypes", reason="bfloat16 on the NumPy engine needs ml_dtypes")


def conv2d_reference(x, kernel, bias):
    """'valid' 2-D convolution, channels_last, stride 1, in float64."""
    height, width = kernel.shape[:2]
    windows = np.lib.stride_tricks.sliding_window_view(x, (height, width), axis=(1, 2))
    return np.einsum("bhwcij,ijcf->bhwf", windows, kernel) + bias  # (B, H', W', F)


@pytest.mark.parametrize(
    ("make", "shape", "reference"),
    [
        (lambda: layers.Dense(5), (4, 6), lambda x, k, b: x @ k + b),
        (lambda: layers.Conv2D(3, 3), (2, 5, 5, 2), conv2d_reference),
    ],
    ids=["Dense", "Conv2D"],
)
def test_layer_keeps_float32_variables_and_computes_in_bfloat16(
    rng, mixed_bfloat16, make, shape, reference
):
    requires_bfloat16()
    layer = make()
    x = rng.standard_normal(shape).astype("float32")
    y = layer(x)
    kernel, bias = layer.get_weights()
    assert [v.dtype for v in layer.weights] == ["float32", "float32"]
    assert (layer.compute_dtype, layer.variable_dtype, layer.dtype) == (
        "bfloat16", "float32", "float32",
    )  # fmt: skip
    assert ops.dtype(y) == "bfloat16"
    expected = reference(x.astype(np.float64), kernel.astype(np.float64), bias)
    assert_close(y, expected, **BF16)
    symbolic = layer(lamina.Input(shape[1:]))
    assert (symbolic.shape[1:], symbolic.dtype) == (tuple(y.shape[1:]), "bfloat16")


def test_autocast_touches_only_floating_inputs_and_keeps_masks(rng):
    requires_bfloat16()
    dense = layers.Dense(2, dtype="mixed_bfloat16")
    assert ops.dtype(dense(rng.standard_normal((3, 4)))) == "bfloat16"  # float64 input cast
    embedding = layers.Embedding(6, 2, mask_zero=True, dtype="mixed_bfloat16")
    ids = np.array([[1, 0, 3]], "int32")
    vectors = embedding(ids)  # integer ids are never cast
    assert ops.dtype(vectors) == "bfloat16"
    widened = layers.Activation("linear", dtype="float32")(vectors)  # cast bfloat16 -> float32
    assert ops.dtype(widened) == "float32"
    np.testing.assert_array_equal(to_numpy(backend.get_keras_mask(widened)), [[1, 0, 1]])
    kept = layers.Dense(2, dtype="mixed_bfloat16", autocast=False)
    out = kept(rng.standard_normal((2, 4)).astype("float32"))
    assert ops.dtype(out) == "float32"  # no input cast; float32 input and variables
    assert kept.dtype_policy == DTypePolicy("mixed_bfloat16")


def test_a_float32_layer_inside_a_mixed_model_computes_in_float32(rng):
    requires_bfloat16()
    inputs = lamina.Input((4,))
    hidden = layers.Dense(3, dtype="mixed_bfloat16")(inputs)
    outputs = layers.Dense(2, dtype="float32")(hidden)
    model = lamina.Model(inputs, outputs, dtype="mixed_bfloat16")
    assert (hidden.dtype, outputs.dtype) == ("bfloat16", "float32")
    y = model(rng.standard_normal((5, 4)).astype("float32"))
    assert ops.dtype(y) == "float32"  # the inner layer reads its variables uncast


def test_losses_and_metrics_are_computed_in_float32(rng, mixed_bfloat16):
    requires_bfloat16()
    model = lamina.Sequential([lamina.Input((4,)), layers.Dense(3)])
    model.compile("sgd", "mse", metrics=["mae"])
    x, y = rng.standard_normal((6, 4)), rng.standard_normal((6, 3))
    y_pred = model(x.astype("float32"))
    assert ops.dtype(y_pred) == "bfloat16"
    loss = model.compute_loss(x, ops.convert_to_tensor(y, "float32"), y_pred)
    assert ops.dtype(loss) == "float32"
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert all(np.isfinite(value) for value in logs.values())


def test_mixed_model_round_trips_through_a_keras_file(rng, tmp_path):
    requires_bfloat16()
    model = lamina.Sequential(
        [
            lamina.Input((3, 3, 2)),
            layers.Conv2D(2, 2, dtype="mixed_bfloat16"),
            layers.Flatten(dtype="mixed_bfloat16"),
            layers.Dense(2, dtype="float32"),
        ]
    )
    x = rng.standard_normal((2, 3, 3, 2)).astype("float32")
    path = tmp_path / "mixed.keras"
    model.save(path)
    restored = lamina.models.load_model(path)
    policies = [layer.dtype_policy.name for layer in restored.layers]
    assert policies == ["mixed_bfloat16", "mixed_bfloat16", "float32"]
    assert all(weight.dtype == "float32" for weight in restored.weights)
    np.testing.assert_array_equal(to_numpy(restored(x)), to_numpy(model(x)))


def _fit_losses(model, x, y):
    model.compile(lamina.optimizers.Adam(0.05), "mse")
    return model.fit(x, y, batch_size=16, epochs=5, verbose=0).history["loss"]


@pytest.mark.training
def test_fit_under_mixed_bfloat16_lowers_the_loss_and_keeps_float32_weights(rng, mixed_bfloat16):
    x = rng.standard_normal((64, 8)).astype("float32")
    y = x @ rng.standard_normal((8, 1)).astype("float32") / 2
    model = lamina.Sequential(
        [lamina.Input((8,)), layers.Dense(16, activation="relu"), layers.Dense(1)]
    )
    losses = _fit_losses(model, x, y)
    assert not isinstance(model.optimizer, lamina.optimizers.LossScaleOptimizer)
    assert np.all(np.isfinite(losses))
    assert losses[-1] < 0.7 * losses[0]
    assert all(weight.dtype == "float32" for weight in model.weights)
    assert all(v.dtype in ("float32", "int64") for v in model.optimizer.variables)
