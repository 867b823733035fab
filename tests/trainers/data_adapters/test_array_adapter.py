"""The array adapter's dtype rule: floats other than floatx arrive as floatx, as in Keras."""

import numpy as np

from lamina import backend, ops
from lamina.trainers.data_adapters.adapter import get_data_adapter


def test_floats_become_floatx_and_integers_keep_their_dtype(rng):
    x = {"wide": rng.standard_normal((6, 2)), "half": rng.standard_normal((6, 2)).astype("f2")}
    y = rng.integers(0, 3, (6,)).astype("int64")
    sample_weight = rng.uniform(0.5, 1.5, (6,))
    adapter = get_data_adapter(x, y, sample_weight, batch_size=4)
    (x_batch, y_batch, weight_batch), _ = list(adapter.get_iterator())
    assert ops.dtype(x_batch["wide"]) == backend.floatx()
    assert ops.dtype(x_batch["half"]) == backend.floatx()
    assert ops.dtype(weight_batch) == backend.floatx()
    assert ops.dtype(y_batch) == "int64"
    np.testing.assert_allclose(ops.convert_to_numpy(x_batch["wide"]), x["wide"][:4], rtol=1e-6)
    np.testing.assert_array_equal(ops.convert_to_numpy(y_batch), y[:4])


def test_engine_tensors_are_cast_to_floatx_too(rng):
    x = ops.convert_to_tensor(rng.standard_normal((5, 2)))  # float64: convert_to_tensor keeps it
    assert ops.dtype(x) == "float64"
    (batch,) = next(iter(get_data_adapter(x, batch_size=5).get_iterator()))
    assert ops.dtype(batch) == backend.floatx()
