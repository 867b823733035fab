"""NASNetMobile and NASNetLarge against Keras 3.15.1's facts (tools/keras_interop/
application_facts.py, run on Keras's TensorFlow backend: Keras refuses NASNetMobile on
torch) and forward passes on the smallest input (32 x 32)."""

import numpy as np
import pytest

from lamina import backend, layers, models
from lamina.applications import nasnet
from tests.applications.application_checks import (
    SLOW_ON_JAX_MARKS,
    check_forward,
    check_keras_facts,
    fetched_files,
    slow_on_jax,
)

# count_params (classifier, include_top=False), number of layers, digest of their names.
# NASNetLarge's include_top=False count is for Keras's default (None, None, 3) input, on
# which the cells' spatial sizes compare equal and the reduction adjustments differ.
KERAS_FACTS = {
    "NASNetMobile": (5326716, 4269716, 771, "99b5d9d524f00007"),
    "NASNetLarge": (88949818, 84887922, 1041, "9d20cd022cfe89fc"),
}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("NASNetMobile", marks=SLOW_ON_JAX_MARKS),
        pytest.param("NASNetLarge", marks=pytest.mark.slow),
    ],
)
def test_matches_keras(name):
    check_keras_facts(getattr(nasnet, name), KERAS_FACTS[name])


@pytest.mark.slow  # 3 s on torch: test_cells_on_a_small_feature_map is the fast check
def test_mobile_forward_pass(rng):
    assert check_forward(nasnet.NASNetMobile, rng, size=32, classes=3).shape == (2, 3)


@pytest.mark.slow
def test_large_forward_pass(rng):
    outputs = check_forward(nasnet.NASNetLarge, rng, size=32, pooling="max")
    assert outputs.shape == (2, 4032)


def test_normal_cell_on_a_small_feature_map(rng):
    """A normal cell whose previous output is twice its input's size (the reduction adjust
    path): the cheap check of the fast suite; symbolic and eager shapes agree."""
    current, previous = layers.Input((5, 5, 8)), layers.Input((9, 9, 8))
    x, p = nasnet._normal_a_cell(current, previous, 6, block_id="n")
    assert p is current
    model = models.Model([current, previous], x)
    assert model.get_layer("adjust_avg_pool_2_n").name == "adjust_avg_pool_2_n"
    assert tuple(model.output.shape) == (None, 5, 5, 36)
    inputs = [rng.standard_normal((2, size, size, 8)).astype("float32") for size in (5, 9)]
    outputs = model.predict(inputs, verbose=0)
    assert outputs.shape == (2, 5, 5, 36)
    assert np.all(np.isfinite(outputs))


def test_penultimate_filters_checked():
    with pytest.raises(ValueError, match="penultimate_filters=100"):
        nasnet._nasnet(
            (32, 32, 3), 100, 1, 8, False, 2, False, None, None, None, 10, 224, None, "n"
        )


def test_static_shape_needed_for_imagenet_weights():
    with pytest.raises(ValueError, match=r"input_shape=\(None, None, 3\)"):
        nasnet.NASNetLarge(input_shape=(None, None, 3), include_top=False)


def test_channels_first_refused():
    previous = backend.image_data_format()
    backend.set_image_data_format("channels_first")
    try:
        with pytest.raises(ValueError, match="channels_first"):
            nasnet.NASNetMobile(weights=None)
    finally:
        backend.set_image_data_format(previous)


def test_preprocess_input_is_tf_mode(rng):
    images = rng.uniform(0, 255, (2, 4, 4, 3))
    assert abs(nasnet.preprocess_input(images) - (images / 127.5 - 1)).max() < 1e-9


@slow_on_jax
def test_keras_weight_file_names(monkeypatch):
    calls = fetched_files(monkeypatch, nasnet.NASNetMobile)
    assert calls == [
        (
            "nasnet_mobile.h5",
            nasnet.NASNET_MOBILE_WEIGHT_PATH,
            "models",
            "020fb642bf7360b370c678b08e0adf61",
        )
    ]
