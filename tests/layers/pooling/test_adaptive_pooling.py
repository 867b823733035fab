"""AdaptiveMax/AveragePooling1D/2D/3D: values, gradients, shapes, config and errors."""

import pytest

import lamina as keras
from lamina.layers.pooling import (
    AdaptiveAveragePooling1D,
    AdaptiveAveragePooling2D,
    AdaptiveAveragePooling3D,
    AdaptiveMaxPooling1D,
    AdaptiveMaxPooling2D,
    AdaptiveMaxPooling3D,
)
from tests.layers.pooling.pool_reference import adaptive_pool_reference
from tests.layers.window_layer_checks import (
    DATA_FORMATS,
    check_config,
    check_forward,
    check_gradients,
    check_rejects_wrong_rank_and_channels,
    inputs_for,
)

LAYERS = {
    1: (AdaptiveMaxPooling1D, AdaptiveAveragePooling1D),
    2: (AdaptiveMaxPooling2D, AdaptiveAveragePooling2D),
    3: (AdaptiveMaxPooling3D, AdaptiveAveragePooling3D),
}
MODES = {cls: mode for pair in LAYERS.values() for cls, mode in zip(pair, ("max", "mean"))}
# (channels_last input shape, output_size): uneven, even, larger-than-input windows
SIZES = [
    ((2, 7, 3), 3),
    ((2, 4, 3), (6,)),
    ((2, 7, 5, 3), (3, 2)),
    ((2, 6, 4, 3), 2),
    ((2, 5, 3, 4, 2), (2, 3, 3)),
]
CASES = [(cls, shape, size) for shape, size in SIZES for cls in LAYERS[len(shape) - 2]]


def _case_id(case):
    cls, shape, size = case
    return f"{cls.__name__}-{shape}-{size}"


@pytest.mark.parametrize("data_format", DATA_FORMATS)
@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_adaptive_pooling_matches_numpy(case, data_format, rng):
    cls, shape, size = case
    x = inputs_for(shape, data_format, rng)
    layer = cls(size, data_format=data_format)
    expected = adaptive_pool_reference(x, size, MODES[cls], data_format)
    check_forward(layer, x, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cls", LAYERS[2])
def test_adaptive_pooling_gradients_match_finite_differences(cls, rng):
    x = rng.standard_normal((2, 5, 4, 2))  # distinct values: max pooling has no ties
    layer = cls((3, 3), dtype="float64")
    check_gradients(layer, x, lambda x: adaptive_pool_reference(x, (3, 3), MODES[cls]), atol=1e-8)


def test_adaptive_pooling_keeps_unknown_batch_and_channels_and_any_input_size():
    layer = AdaptiveAveragePooling2D((2, 3))
    assert layer(keras.Input((None, None, 4))).shape == (None, 2, 3, 4)
    assert layer.compute_output_shape((5, 9, 7, None)) == (5, 2, 3, None)
    cf = AdaptiveMaxPooling3D(2, data_format="channels_first")
    assert cf.compute_output_shape((None, 3, 8, 9, 10)) == (None, 3, 2, 2, 2)


@pytest.mark.parametrize("rank", [1, 2, 3])
def test_adaptive_pooling_config_roundtrip(rank):
    for cls in LAYERS[rank]:
        layer = cls(4, data_format="channels_first")
        assert layer.output_size == (4,) * rank
        clone = check_config(layer, {"name", "trainable", "dtype", "output_size", "data_format"})
        assert (clone.output_size, clone.data_format) == ((4,) * rank, "channels_first")
        assert cls(2).get_config()["data_format"] == "channels_last"


def test_adaptive_pooling_default_names():
    assert AdaptiveAveragePooling2D(2).name == "adaptive_average_pooling2d"
    assert AdaptiveMaxPooling1D(2).name == "adaptive_max_pooling1d"


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: AdaptiveMaxPooling2D((2, 2, 2)), ValueError, "tuple of 2 positive ints"),
        (lambda: AdaptiveAveragePooling1D(0), ValueError, "output_size must be a positive"),
        (lambda: AdaptiveAveragePooling3D(2.5), TypeError, "output_size must be an int"),
        (lambda: AdaptiveMaxPooling1D(2, data_format="NWC"), ValueError, "data_format"),
    ],
)
def test_adaptive_pooling_rejects_bad_arguments(make, error, match):
    with pytest.raises(error, match=match):
        make()


@pytest.mark.parametrize("rank", [1, 2, 3])
def test_adaptive_pooling_rejects_wrong_rank(rank, rng):
    shape = (1, *(3,) * rank, 2)
    check_rejects_wrong_rank_and_channels(LAYERS[rank][0](2), shape, rng, check_channels=False)
