import functools

import numpy as np
import pytest

import lamina as keras
from lamina.layers import merging
from tests.harness import assert_close, check_config_roundtrip

# (layer class, functional form, float64 NumPy reference over a list of arrays)
ELEMENTWISE = [
    (merging.Add, merging.add, lambda xs: functools.reduce(np.add, xs)),
    (merging.Subtract, merging.subtract, lambda xs: xs[0] - xs[1]),
    (merging.Multiply, merging.multiply, lambda xs: functools.reduce(np.multiply, xs)),
    (merging.Average, merging.average, lambda xs: sum(xs) / len(xs)),
    (merging.Maximum, merging.maximum, lambda xs: functools.reduce(np.maximum, xs)),
    (merging.Minimum, merging.minimum, lambda xs: functools.reduce(np.minimum, xs)),
]
IDS = [layer.__name__ for layer, _, _ in ELEMENTWISE]
MULTI_INPUT = [case for case in ELEMENTWISE if case[0] is not merging.Subtract]


def random_inputs(rng, shapes):
    return [rng.standard_normal(shape).astype("float32") for shape in shapes]


@pytest.mark.parametrize(("layer_class", "function", "reference"), ELEMENTWISE, ids=IDS)
def test_merge_matches_numpy(rng, layer_class, function, reference):
    xs = random_inputs(rng, [(3, 4), (3, 4)])
    expected = reference([x.astype(np.float64) for x in xs])
    assert_close(layer_class()(xs), expected)
    assert_close(function(xs), expected)


@pytest.mark.parametrize(
    ("layer_class", "function", "reference"), MULTI_INPUT, ids=IDS[:1] + IDS[2:]
)
def test_merge_of_three_inputs(rng, layer_class, function, reference):
    xs = random_inputs(rng, [(2, 5), (2, 5), (2, 5)])
    assert_close(layer_class()(xs), reference([x.astype(np.float64) for x in xs]))


@pytest.mark.parametrize(("layer_class", "function", "reference"), ELEMENTWISE, ids=IDS)
def test_merge_broadcasts_lower_rank_after_the_batch_axis(rng, layer_class, function, reference):
    xs = random_inputs(rng, [(2, 4, 3), (2, 3)])
    expected = reference([xs[0].astype(np.float64), xs[1][:, None, :].astype(np.float64)])
    assert_close(layer_class()(xs), expected)


@pytest.mark.parametrize(("layer_class", "function", "reference"), ELEMENTWISE, ids=IDS)
def test_merge_symbolic_shape_equals_eager(rng, layer_class, function, reference):
    symbolic = function([keras.Input((4, 3)), keras.Input((1, 3))])
    eager = layer_class()(random_inputs(rng, [(2, 4, 3), (2, 1, 3)]))
    assert symbolic.shape == (None, 4, 3)
    assert tuple(eager.shape) == (2, 4, 3)


@pytest.mark.parametrize(("layer_class", "function", "reference"), ELEMENTWISE, ids=IDS)
def test_merge_config_roundtrip(layer_class, function, reference):
    check_config_roundtrip(layer_class(name="merge_it"))


@pytest.mark.parametrize(("layer_class", "function", "reference"), ELEMENTWISE, ids=IDS)
def test_merge_errors(rng, layer_class, function, reference):
    x = rng.standard_normal((2, 3)).astype("float32")
    with pytest.raises(ValueError, match="should be called on a list of inputs"):
        layer_class()(x)
    with pytest.raises(ValueError, match="incompatible shapes"):
        layer_class()([x, rng.standard_normal((2, 4)).astype("float32")])
    with pytest.raises(ValueError, match="different batch sizes"):
        layer_class()([keras.Input((3,), batch_size=2), keras.Input((3,), batch_size=5)])


def test_subtract_needs_exactly_two_inputs(rng):
    xs = random_inputs(rng, [(2, 3)] * 3)
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        merging.Subtract()(xs)


def test_merge_compute_mask():
    masks = [np.array([[True, True, False]]), None, np.array([[True, False, False]])]
    layer = merging.Add()
    inputs = [np.ones((1, 3, 2))] * 3
    combined = keras.ops.convert_to_numpy(layer.compute_mask(inputs, masks))
    np.testing.assert_array_equal(combined, [[True, False, False]])
    assert layer.compute_mask(inputs, [None, None, None]) is None
