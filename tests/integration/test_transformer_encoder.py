"""A small Transformer encoder trains (falling loss) and round-trips through a .keras file."""

import numpy as np
import pytest

import lamina
from lamina import layers, ops, saving

VOCAB, LENGTH, WIDTH = 20, 8, 16


@saving.register_keras_serializable(package="LaminaTest")
class TokenAndPosition(layers.Layer):
    """Token embedding plus a learned embedding of each position."""

    def __init__(self, vocab_size, length, width, **kwargs):
        super().__init__(**kwargs)
        self.vocab_size, self.length, self.width = vocab_size, length, width
        self.tokens = layers.Embedding(vocab_size, width)
        self.positions = layers.Embedding(length, width)

    def call(self, inputs):
        positions = self.positions(ops.arange(ops.shape(inputs)[-1]))  # (T, width)
        return ops.add(self.tokens(inputs), positions)

    def get_config(self):
        return {**super().get_config(), "vocab_size": self.vocab_size, "length": self.length,
                "width": self.width}  # fmt: skip


def encoder():
    tokens = lamina.Input((LENGTH,), dtype="int32")
    x = TokenAndPosition(VOCAB, LENGTH, WIDTH)(tokens)
    attended = layers.MultiHeadAttention(num_heads=2, key_dim=8)(x, x, use_causal_mask=True)
    x = layers.LayerNormalization()(layers.Add()([x, attended]))
    hidden = layers.Dense(WIDTH)(layers.Dense(32, activation="relu")(x))
    x = layers.LayerNormalization()(layers.Add()([x, hidden]))
    outputs = layers.Dense(2, activation="softmax")(layers.GlobalAveragePooling1D()(x))
    model = lamina.Model(tokens, outputs)
    model.compile(optimizer=lamina.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    return model


@pytest.mark.training
def test_transformer_encoder_trains_and_round_trips(tmp_path, rng):
    tokens = rng.integers(0, VOCAB, size=(64, LENGTH)).astype("int32")
    labels = (tokens[:, 0] >= VOCAB // 2).astype("int32")  # the first token decides the class
    model = encoder()
    history = model.fit(tokens, labels, batch_size=16, epochs=4, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < losses[0], losses
    model.save(tmp_path / "encoder.keras")
    loaded = saving.load_model(tmp_path / "encoder.keras")
    np.testing.assert_allclose(
        loaded.predict(tokens, verbose=0), model.predict(tokens, verbose=0), rtol=1e-5, atol=1e-6
    )
