"""Conv1D's own behaviour: causal padding."""

import numpy as np
import pytest

from lamina import ops
from lamina.layers.convolutional import Conv1D
from tests.harness import to_numpy


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_conv1d_causal_output_ignores_later_steps(data_format, rng):
    layer = Conv1D(3, 3, padding="causal", dilation_rate=2, data_format=data_format)
    steps_axis = 1 if data_format == "channels_last" else 2
    x = rng.standard_normal((2, 10, 4) if steps_axis == 1 else (2, 4, 10)).astype("float32")
    changed = x.copy()
    np.moveaxis(changed, steps_axis, 0)[6:] += 1.0  # alter steps 6..9 only
    before, after = to_numpy(layer(x)), to_numpy(layer(changed))
    assert before.shape[steps_axis] == 10
    np.testing.assert_array_equal(
        np.moveaxis(before, steps_axis, 0)[:6], np.moveaxis(after, steps_axis, 0)[:6]
    )
    assert not np.allclose(
        np.moveaxis(before, steps_axis, 0)[6:], np.moveaxis(after, steps_axis, 0)[6:]
    )


def test_conv1d_causal_first_step_sees_only_the_first_input(rng):
    layer = Conv1D(2, 4, padding="causal", use_bias=False, dtype="float64")
    x = rng.standard_normal((1, 5, 3))
    outputs = to_numpy(layer(ops.convert_to_tensor(x, dtype="float64")))
    kernel = layer.get_weights()[0]  # (4, 3, 2); the last tap lines up with the current step
    np.testing.assert_allclose(outputs[0, 0], x[0, 0] @ kernel[-1], rtol=1e-12)
