import pytest

from lamina import backend
from lamina.optimizers.schedules import PiecewiseConstantDecay
from tests.harness import assert_close, check_config_roundtrip

BOUNDARIES, VALUES = [10, 20, 40], [1.0, 0.5, 0.1, 0.01]


def piecewise(step):
    for boundary, value in zip(BOUNDARIES, VALUES):
        if step <= boundary:
            return value
    return VALUES[-1]


@pytest.mark.parametrize("step", [0, 9, 10, 11, 20, 21, 40, 41, 1000])
def test_piecewise_constant_matches_numpy(step):
    schedule = PiecewiseConstantDecay(BOUNDARIES, VALUES)
    assert_close(schedule(step), piecewise(step))
    variable_step = backend.Variable(step, dtype="int64", name="step", trainable=False)
    assert_close(schedule(variable_step), piecewise(step))


def test_piecewise_constant_config():
    schedule = PiecewiseConstantDecay(BOUNDARIES, VALUES)
    assert schedule.get_config() == {
        "boundaries": BOUNDARIES,
        "values": VALUES,
        "name": "PiecewiseConstant",
    }
    check_config_roundtrip(schedule)


@pytest.mark.parametrize(
    ("boundaries", "values", "message"),
    [([10, 20], [1.0, 0.5], "length of boundaries"), ([20, 10], [1.0, 0.5, 0.1], "increasing")],
)
def test_piecewise_constant_rejects_bad_boundaries(boundaries, values, message):
    with pytest.raises(ValueError, match=message):
        PiecewiseConstantDecay(boundaries, values)
