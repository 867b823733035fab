"""Each optimizer added for Keras 3.15 trains a small model through ``fit``."""

import numpy as np
import pytest

from lamina import layers, models, optimizers

OPTIMIZERS = {
    "adamax": lambda: optimizers.Adamax(learning_rate=0.05),
    "nadam": lambda: optimizers.Nadam(learning_rate=0.05),
    "adadelta": lambda: optimizers.Adadelta(learning_rate=20.0),
    "adafactor": lambda: optimizers.Adafactor(learning_rate=0.1),
    "ftrl": lambda: optimizers.Ftrl(learning_rate=0.5),
    "lamb": lambda: optimizers.Lamb(learning_rate=0.05),
    "lion": lambda: optimizers.Lion(learning_rate=0.01),
    "muon": lambda: optimizers.Muon(learning_rate=0.05),
    "schedule_free_adamw": lambda: optimizers.ScheduleFreeAdamW(learning_rate=0.05),
}


@pytest.mark.training
@pytest.mark.parametrize("name", OPTIMIZERS)
def test_fit_lowers_the_loss(rng, name):
    inputs = rng.standard_normal((64, 4)).astype("float32")
    targets = np.tanh(inputs @ rng.standard_normal((4, 2))).astype("float32")
    model = models.Sequential(
        [layers.Input((4,)), layers.Dense(8, activation="tanh"), layers.Dense(2)]
    )
    model.compile(optimizer=OPTIMIZERS[name](), loss="mse", jit_compile=False)
    initial = model.evaluate(inputs, targets, verbose=0)
    model.fit(inputs, targets, batch_size=16, epochs=10, verbose=0, shuffle=False)
    assert model.evaluate(inputs, targets, verbose=0) < 0.7 * initial
