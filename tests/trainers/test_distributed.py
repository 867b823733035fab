"""The engine-agnostic multi-process parts of fit / evaluate / predict (trainers/distributed.py),
checked in one process with a stand-in for the engine's distribution functions."""

from __future__ import annotations

import types

import numpy as np
import pytest

from lamina import backend
from lamina.trainers import distributed
from lamina.trainers.data_adapters import get_data_adapter


def _engine(num_processes=2, devices_per_process=2):
    return types.SimpleNamespace(
        num_processes=lambda: num_processes,
        process_part_multiple=lambda distribution: devices_per_process,
    )


def _adapter(num_samples, batch_size):
    return get_data_adapter(np.ones((num_samples, 3), "float32"), batch_size=batch_size)


@pytest.mark.parametrize(
    ("num_samples", "training"), [(32, False), (29, True), (33, True), (36, False)]
)
def test_batches_that_split_into_equal_parts_pass(num_samples, training):
    # 29 in training: the last batch of 13 keeps 12, 3 rows per device; 33: keeps 0 of 1.
    distributed._check_equal_parts(_engine(), None, _adapter(num_samples, 16), training)


@pytest.mark.parametrize(("num_samples", "training"), [(29, False), (30, True), (30, False)])
def test_a_batch_of_unequal_parts_is_refused_before_any_step(num_samples, training):
    last = num_samples % 16
    with pytest.raises(ValueError, match=f"A batch of {last} rows .* multiples of 4"):
        distributed._check_equal_parts(_engine(), None, _adapter(num_samples, 16), training)


def test_an_engine_without_part_rules_is_not_checked():
    engine = types.SimpleNamespace(num_processes=lambda: 2)  # torch: parts may differ
    distributed._check_equal_parts(engine, None, _adapter(29, 16), False)


def test_filler_rows_are_dropped_batch_by_batch(rng):
    # batches of 8 and 5 rows, filled up to 8 and 16: 24 rows joined
    joined = rng.standard_normal((24, 3)).astype("float32")
    kept = distributed._without_filler(joined, [(8, 8), (5, 16)])
    np.testing.assert_array_equal(backend.convert_to_numpy(kept), joined[:13])
    np.testing.assert_array_equal(distributed._without_filler(joined, [(5, 24)]), joined[:5])
