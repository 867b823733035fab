"""Traceback filtering: errors from fit/evaluate/predict show the user's frames, not
Lamina's, unless filtering is disabled."""

from __future__ import annotations

import os
import traceback

import numpy as np
import pytest

import lamina
from lamina import layers

LAMINA_ROOT = os.path.dirname(lamina.__file__)


class Broken(layers.Layer):
    armed = False  # off while the model is built (shape inference calls ``call`` too)

    def call(self, inputs):
        if Broken.armed:
            raise RuntimeError("broken on purpose")
        return inputs


def _frames(error):
    return [frame.filename for frame in traceback.extract_tb(error.__traceback__)]


def _failing_predict():
    model = lamina.Sequential([lamina.Input((2,)), Broken()])
    Broken.armed = True
    try:
        with pytest.raises(RuntimeError, match="broken on purpose") as caught:
            model.predict(np.ones((2, 2), "float32"), verbose=0)
    finally:
        Broken.armed = False
    return caught.value


def test_lamina_frames_are_hidden_by_default_and_shown_when_disabled():
    assert lamina.config.is_traceback_filtering_enabled()
    filtered = _frames(_failing_predict())
    # Only the re-raising frame of the filter itself stays (as in Keras).
    internal = [name for name in filtered if name.startswith(LAMINA_ROOT)]
    assert [os.path.basename(name) for name in internal] == ["traceback_utils.py"]
    assert any(name == __file__ for name in filtered)
    lamina.config.disable_traceback_filtering()
    try:
        full = _frames(_failing_predict())
    finally:
        lamina.config.enable_traceback_filtering()
    assert any(name.startswith(LAMINA_ROOT) for name in full)
    assert len(full) > len(filtered)
