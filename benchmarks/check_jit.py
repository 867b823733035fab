"""On a CUDA machine: ``jit_compile=True`` (steps replayed as CUDA graphs) must train exactly
like the eager loop. Trains the example CNN both ways from the same weights on the same
batches and compares losses, metrics, weights and optimizer state.

    python benchmarks/check_jit.py
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("LAMINA_BACKEND", "torch")
sys.path.insert(0, os.path.dirname(__file__))

import numpy as np
import torch
from train_step import lamina_model, make_data

import lamina as keras


def train(jit_compile, x, y, weights):
    keras.utils.set_random_seed(0)
    model = lamina_model(jit_compile)
    model.set_weights(weights)
    history = model.fit(x, y, batch_size=128, epochs=3, verbose=0, shuffle=False,
                        validation_data=(x[:300], y[:300]))  # fmt: skip
    evaluation = model.evaluate(x[:500], y[:500], verbose=0, return_dict=True)
    predictions = model.predict(x[:300], batch_size=128, verbose=0)
    state = [v.numpy() for v in model.weights + model.optimizer.variables]
    return history.history, evaluation, predictions, state


def main():
    if not torch.cuda.is_available():
        print("no CUDA device: nothing to check")
        return
    torch.backends.cudnn.deterministic = True
    x, y = make_data(12)
    x = np.concatenate([x, x[:50]])  # a last, partial batch: a second graph signature
    y = np.concatenate([y, y[:50]])
    weights = lamina_model().get_weights()
    eager = train(False, x, y, weights)
    graphs = train(True, x, y, weights)
    for key in eager[0]:
        np.testing.assert_allclose(graphs[0][key], eager[0][key], rtol=1e-4, atol=1e-6)
    for key in eager[1]:
        np.testing.assert_allclose(graphs[1][key], eager[1][key], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(graphs[2], eager[2], rtol=1e-4, atol=1e-5)
    for a, b in zip(graphs[3], eager[3]):
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-5)
    print("jit_compile (CUDA graphs) matches eager:", {k: v[-1] for k, v in eager[0].items()})


if __name__ == "__main__":
    main()
