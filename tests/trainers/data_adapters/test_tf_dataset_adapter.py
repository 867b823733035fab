"""tf.data.Dataset inputs (TensorFlow is optional: skipped when it is not installed)."""

import numpy as np
import pytest

from lamina.trainers.data_adapters.adapter import get_data_adapter, is_tf_dataset
from tests.trainers.data_adapters.test_adapter import assert_same_training, data, dense_model

tf = pytest.importorskip("tensorflow", reason="TensorFlow is not installed")


def dataset(x, y, batch_size=8):
    return tf.data.Dataset.from_tensor_slices((x, y)).batch(batch_size)


def test_detected_by_class_and_counted_by_cardinality():
    x, y = data()
    assert is_tf_dataset(dataset(x, y))
    assert not is_tf_dataset(x)
    assert get_data_adapter(dataset(x, y)).num_batches == 4
    assert get_data_adapter(dataset(x, y).repeat()).num_batches is None


def test_batches_are_host_arrays_then_engine_tensors():
    x, y = data()
    batch = next(iter(get_data_adapter(dataset(x, y)).get_iterator()))
    from lamina import ops

    np.testing.assert_array_equal(ops.convert_to_numpy(batch[0]), x[:8])


@pytest.mark.training
def test_fit_gives_the_weights_of_fit_on_arrays():
    x, y = data()
    assert_same_training(dense_model(), lambda: dataset(x, y), x, y)


def test_targets_with_a_dataset_are_refused():
    x, y = data()
    with pytest.raises(ValueError, match="tf.data.Dataset"):
        get_data_adapter(dataset(x, y), y)
