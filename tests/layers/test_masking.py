"""Keras masks travel with the tensors: Embedding(mask_zero=True) masks padded steps for the
layers after it, in eager calls, Sequential and Functional models alike."""

import numpy as np
import pytest

import lamina as keras
from lamina import backend, layers
from tests.harness import assert_close

IDS = np.array([[3, 5, 0, 0], [1, 2, 4, 0], [7, 0, 0, 0]])


def masked_mean_reference(embeddings, ids):
    vectors = embeddings[ids]  # (B, T, D)
    keep = (ids != 0)[..., None]
    return (vectors * keep).sum(axis=1) / keep.sum(axis=1)


def build(kind):
    embedding = layers.Embedding(8, 3, mask_zero=True)
    pooling = layers.GlobalAveragePooling1D()
    if kind == "sequential":
        return keras.Sequential([keras.Input((4,), dtype="int32"), embedding, layers.Dropout(0.1),
                                 pooling]), embedding  # fmt: skip
    inputs = keras.Input((4,), dtype="int32")
    return keras.Model(inputs, pooling(layers.Dropout(0.1)(embedding(inputs)))), embedding


@pytest.mark.parametrize("kind", ["sequential", "functional"])
def test_embedding_mask_reaches_the_pooling(kind):
    model, embedding = build(kind)
    table = np.asarray(embedding.get_weights()[0], np.float64)
    assert_close(model(IDS), masked_mean_reference(table, IDS), atol=1e-6)


def test_mask_is_attached_to_outputs_and_stops_where_the_axis_goes():
    embedding = layers.Embedding(8, 3, mask_zero=True)
    vectors = embedding(IDS)
    assert_close(backend.get_keras_mask(vectors), IDS != 0)
    dense = layers.Dense(2)(vectors)  # Dense supports masking: the mask passes through
    assert_close(backend.get_keras_mask(dense), IDS != 0)
    pooled = layers.GlobalAveragePooling1D()(dense)
    assert backend.get_keras_mask(pooled) is None


def test_symbolic_tensors_carry_masks():
    inputs = keras.Input((4,), dtype="int32")
    vectors = layers.Embedding(8, 3, mask_zero=True)(inputs)
    assert vectors._keras_mask.shape == (None, 4)
