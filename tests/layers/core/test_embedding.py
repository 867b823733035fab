import numpy as np
import pytest

import lamina as keras
from lamina import ops
from lamina.layers.core import Embedding
from tests.harness import (
    assert_close,
    check_config_roundtrip,
    engine_gradients,
    numeric_gradients,
    to_numpy,
)


@pytest.mark.parametrize("ids_dtype", ["int32", "int64", "float32"])
def test_embedding_matches_numpy(rng, ids_dtype):
    ids = rng.integers(0, 10, size=(3, 4)).astype(ids_dtype)
    layer = Embedding(10, 5)
    outputs = layer(ids)
    (table,) = layer.get_weights()
    assert_close(outputs, table[ids.astype(np.int64)])
    assert ops.dtype(outputs) == "float32"


def test_embedding_weight_name_shape_and_default_initializer():
    layer = Embedding(7, 3)
    layer.build()
    assert [v.path for v in layer.weights] == ["embedding/embeddings"]
    (table,) = layer.get_weights()
    assert table.shape == (7, 3)
    assert np.all(np.abs(table) <= 0.05)  # "uniform" is U(-0.05, 0.05)
    assert layer.get_config()["embeddings_initializer"]["class_name"] == "RandomUniform"


def test_embedding_gradients_match_finite_differences(rng):
    ids = rng.integers(0, 6, size=(2, 5))
    weights = rng.standard_normal((2, 5, 3))
    layer = Embedding(6, 3, dtype="float64")
    layer.build()

    def reference(table):
        return table[ids] * weights

    (got,) = engine_gradients(lambda: ops.multiply(layer(ids), weights), [], layer.weights)
    (want,) = numeric_gradients(reference, [to_numpy(layer.embeddings)])
    assert_close(got, want, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("mask_zero", [True, False])
def test_embedding_compute_mask(mask_zero):
    ids = np.array([[3, 0, 1], [0, 0, 2]])
    layer = Embedding(4, 2, mask_zero=mask_zero)
    mask = layer.compute_mask(ids)
    if mask_zero:
        np.testing.assert_array_equal(ops.convert_to_numpy(mask), ids != 0)
    else:
        assert mask is None
    assert layer.supports_masking == mask_zero


def test_embedding_initial_weights(rng):
    table = rng.standard_normal((4, 2)).astype("float32")
    layer = Embedding(4, 2, weights=table)
    assert_close(layer(np.array([[2, 3]])), table[[[2, 3]]])


def test_embedding_config_roundtrip():
    layer = Embedding(12, 4, mask_zero=True, embeddings_regularizer="l2", name="emb")
    config = check_config_roundtrip(layer).get_config()
    assert {"input_dim", "output_dim", "mask_zero", "embeddings_constraint"} <= set(config)
    assert config["mask_zero"] is True


def test_embedding_symbolic_shape_equals_eager(rng):
    layer = Embedding(9, 4)
    symbolic = layer(keras.Input((6,), dtype="int32"))
    eager = layer(rng.integers(0, 9, size=(2, 6)))
    assert symbolic.shape == (None, 6, 4)
    assert tuple(eager.shape) == (2, 6, 4)


@pytest.mark.parametrize(("input_dim", "output_dim"), [(0, 3), (3, -1), (2.5, 3), (3, "4")])
def test_embedding_rejects_bad_dims(input_dim, output_dim):
    with pytest.raises(ValueError, match="must be a positive integer"):
        Embedding(input_dim, output_dim)


def test_embedding_warns_on_input_length():
    with pytest.warns(UserWarning, match="input_length"):
        Embedding(3, 2, input_length=5)
