"""pack_x_y_sample_weight is the inverse of unpack_x_y_sample_weight, as Keras."""

import numpy as np
import pytest

from lamina.utils import pack_x_y_sample_weight, unpack_x_y_sample_weight


@pytest.mark.parametrize("y_and_weight", [(None, None), ("y", None), ("y", "w")])
def test_pack_then_unpack_round_trips(rng, y_and_weight):
    x = rng.standard_normal((3, 2))
    extra = {"y": rng.standard_normal(3), "w": rng.random(3)}
    y, weight = (None if key is None else extra[key] for key in y_and_weight)
    packed = pack_x_y_sample_weight(x, y, weight)
    unpacked = unpack_x_y_sample_weight(packed)
    for got, expected in zip(unpacked, (x, y, weight)):
        if expected is None:
            assert got is None
        else:
            np.testing.assert_array_equal(got, expected)


def test_a_list_x_alone_is_wrapped_so_it_is_not_read_as_x_y(rng):
    x = [rng.standard_normal(2), rng.standard_normal(2)]
    packed = pack_x_y_sample_weight(x)
    assert packed == (x,)
    assert unpack_x_y_sample_weight(packed)[0] is x
