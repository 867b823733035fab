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
    # Full float32 (no TF32) and deterministic kernels, so that two eager runs agree and
    # any difference between eager and graphs is the graphs' doing.
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    x, y = make_data(12)
    x = np.concatenate([x, x[:50]])  # a last, partial batch: a second graph signature
    y = np.concatenate([y, y[:50]])
    weights = lamina_model().get_weights()
    eager = train(False, x, y, weights)
    again = train(False, x, y, weights)
    graphs = train(True, x, y, weights)

    def gap(a, b):
        loss = max(abs(p - q) for k in a[0] for p, q in zip(a[0][k], b[0][k]))
        state = max(float(np.max(np.abs(p - q))) for p, q in zip(a[3], b[3]))
        prediction = float(np.max(np.abs(a[2] - b[2])))
        return f"logs {loss:.2e}, predictions {prediction:.2e}, weights+slots {state:.2e}"

    print("eager vs eager:  max |difference|:", gap(eager, again))
    print("eager vs graphs: max |difference|:", gap(eager, graphs))
    print("eager history: ", eager[0])
    print("graphs history:", graphs[0])
    print("evaluate:", eager[1], graphs[1])


if __name__ == "__main__":
    main()
