"""get_source_inputs walks a symbolic graph back to its inputs, as Keras."""

import numpy as np

import lamina
from lamina.utils import get_source_inputs, is_keras_tensor


def test_sources_in_order_each_once():
    a, b = lamina.Input((3,)), lamina.Input((3,))
    summed = lamina.layers.Add()([a, b])
    joined = lamina.layers.Concatenate()(
        [lamina.layers.Dense(2)(summed), lamina.layers.Dense(2)(a)]
    )
    assert get_source_inputs(summed) == [a, b]
    assert get_source_inputs(joined) == [a, b]
    assert get_source_inputs(b) == [b]


def test_non_symbolic_values_come_back_as_they_are():
    array = np.ones((2,))
    assert get_source_inputs(array) is array
    assert is_keras_tensor(lamina.Input((1,)))
    assert not is_keras_tensor(array)
