"""examples/transfer_learning.py: the recipe's mechanics on a tiny base (frozen base, new
head; then fine-tuning moves the base too) and, with the slow set, the whole `--quick` run."""

import os
import pathlib
import runpy
import sys

import numpy as np
import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, os.fspath(REPO / "examples"))
import transfer_learning  # noqa: E402  (examples/ is not a package)

from tests.applications.application_checks import seeded_weights  # noqa: E402

# Training MobileNetV2 on JAX compiles two large programs (tens of seconds on CI's two
# cores): the training tests run on torch; the example itself runs on any engine.


def test_generated_task_labels_are_the_rectangle_colour():
    rng = np.random.default_rng(0)
    images, labels = transfer_learning.make_images(12, 16, rng)
    assert images.shape == (12, 16, 16, 3)
    assert images.dtype == np.float32
    # the labelled channel holds the brightest pixel of each image
    assert np.array_equal(images.reshape(12, -1, 3).max(axis=1).argmax(axis=1), labels)
    images, labels = transfer_learning.make_images(12, 16, rng, darkest=True)
    assert np.array_equal(images.reshape(12, -1, 3).min(axis=1).argmin(axis=1), labels)


def small_model():
    """The example's model on 32x32 images, seeded random weights (no initializers run)."""
    from lamina import backend

    with backend.global_state.deferred_initializers():
        model, base = transfer_learning.build_model(32, None, 0.35)
    seeded_weights(model, np.random.default_rng(0))
    return model, base


@pytest.mark.slow  # building the nested model: seconds of torch abstract evaluation
def test_model_is_a_frozen_base_under_a_new_head():
    model, base = small_model()
    assert base.trainable is False
    assert [w.path for w in model.trainable_weights] == ["dense/kernel", "dense/bias"]
    assert model.output.shape == (None, 3)


@pytest.mark.slow  # two MobileNetV2 training steps; the model's shape is checked above
@pytest.mark.training
@pytest.mark.engine("torch")
def test_frozen_base_then_fine_tuning():
    model, base = small_model()
    rng = np.random.default_rng(1)
    data = transfer_learning.make_images(8, 32, rng), transfer_learning.make_images(4, 32, rng)
    base_before = [np.array(w) for w in base.get_weights()]
    head_before = np.array(model.layers[-1].get_weights()[0])
    transfer_learning.train_head(model, data, epochs=1)
    assert all(np.array_equal(a, b) for a, b in zip(base_before, base.get_weights()))
    assert not np.array_equal(head_before, model.layers[-1].get_weights()[0])
    conv1_before = np.array(base.get_layer("Conv1").get_weights()[0])
    transfer_learning.fine_tune(model, base, data, epochs=1)
    assert base.trainable is True
    assert not np.array_equal(conv1_before, base.get_layer("Conv1").get_weights()[0])


@pytest.mark.slow
@pytest.mark.training
@pytest.mark.engine("torch")
def test_quick_run(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["transfer_learning.py", "--quick"])
    runpy.run_path(os.fspath(REPO / "examples" / "transfer_learning.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "Frozen base, new head: test accuracy" in out
    assert "Fine-tuned: test accuracy" in out
