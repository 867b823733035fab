"""A model trained on the active engine predicts the same on every other installed engine,
its weights moved with get_weights / set_weights and through a saved .keras file."""

import importlib.util
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import lamina as keras
from tests.integration.cross_engine_model import build_model, data

REPO = pathlib.Path(__file__).resolve().parents[2]
LIBRARIES = {"torch": "torch", "jax": "jax", "tensorflow": "tensorflow", "numpy": "numpy"}


def _others():
    active = keras.backend.backend()
    return [
        name
        for name, library in LIBRARIES.items()
        if name != active and importlib.util.find_spec(library) is not None
    ]


@pytest.mark.training
def test_trained_model_predicts_the_same_on_every_engine(tmp_path):
    inputs, labels = data()
    model = build_model()
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    history = model.fit(inputs, labels, batch_size=8, epochs=5, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    expected = model.predict(inputs, verbose=0)
    np.savez(tmp_path / "weights.npz", *model.get_weights())
    model.save(tmp_path / "model.keras")
    env = {k: v for k, v in os.environ.items() if k not in ("LAMINA_BACKEND", "KERAS_BACKEND")}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    others = _others()
    assert others, "no other engine installed to compare with"
    for engine in others:
        result = subprocess.run(
            [sys.executable, "-m", "tests.integration.cross_engine_model", str(tmp_path)],
            env={**env, "LAMINA_BACKEND": engine},
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        for how in ("set_weights", "file"):
            actual = np.load(tmp_path / f"{engine}_{how}.npy")
            np.testing.assert_allclose(
                actual, expected, rtol=1e-5, atol=1e-6, err_msg=f"{engine} via {how}"
            )
