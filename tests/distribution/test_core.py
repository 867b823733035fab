"""lamina.distribution's engine-independent classes: meshes, layouts, strategies, the
active distribution. Placement on many devices is checked in test_jax_mesh.py."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

import lamina
from lamina import backend
from lamina.backend.common import global_state
from lamina.distribution import (
    DataParallel,
    DeviceMesh,
    LayoutMap,
    ModelParallel,
    TensorLayout,
    distribute_tensor,
    distribution,
    initialize,
    list_devices,
    set_distribution,
)

CPUS = [f"cpu:{index}" for index in range(8)]
HAS_ENGINE_HALF = getattr(backend.engine, "distribution", None) is not None


class FakeVariable:
    def __init__(self, path, shape):
        self.path, self.shape = path, shape


def mesh_2x4():
    return DeviceMesh((2, 4), ["batch", "model"], devices=CPUS)


def test_device_mesh_arranges_devices():
    mesh = mesh_2x4()
    assert mesh.shape == (2, 4)
    assert mesh.axis_names == ["batch", "model"]
    assert mesh.devices.shape == (2, 4)
    assert mesh.devices[1, 0] == "cpu:4"


@pytest.mark.parametrize(
    ("shape", "axis_names", "message"),
    [
        ((), ["batch"], "cannot be empty"),
        ((2, 4), ["batch"], "same length"),
        ((4, 4), ["batch", "model"], r"needs 16 devices, but 8 are given"),
        ((2, 4), ["model", "model"], "distinct strings"),
        ((0, 8), ["batch", "model"], "positive integers"),
    ],
)
def test_device_mesh_rejects_bad_arguments(shape, axis_names, message):
    with pytest.raises(ValueError, match=message):
        DeviceMesh(shape, axis_names, devices=CPUS)


def test_tensor_layout_takes_its_mesh_once():
    layout = TensorLayout([None, "model"])
    assert layout.axes == (None, "model")
    assert layout.device_mesh is None
    mesh = mesh_2x4()
    layout.device_mesh = mesh
    assert layout.device_mesh is mesh
    with pytest.raises(ValueError, match="Cannot override the device mesh"):
        layout.device_mesh = mesh


def test_tensor_layout_rejects_bad_axes():
    with pytest.raises(ValueError, match=r"Invalid axis names .*\['data'\]"):
        TensorLayout(("data", None), mesh_2x4())
    with pytest.raises(ValueError, match="only one dimension"):
        TensorLayout(("model", "model"), mesh_2x4())
    with pytest.raises(TypeError, match="axes must be a tuple"):
        TensorLayout("model")
    with pytest.raises(TypeError, match="mesh axis name or None"):
        TensorLayout((0, None))


def test_layout_map_matches_paths_by_regex():
    layout_map = LayoutMap(mesh_2x4())
    layout_map[".*dense.*kernel"] = (None, "model")
    layout_map[".*dense.*bias"] = ["model"]
    layout_map["exact/dense/kernel"] = TensorLayout(("model", None))
    kernel = layout_map["model/dense_1/kernel"]
    assert kernel.axes == (None, "model")
    assert kernel.device_mesh is layout_map.device_mesh  # filled in from the map
    assert layout_map["dense/bias"].axes == ("model",)
    assert layout_map["exact/dense/kernel"].axes == ("model", None)  # an exact key wins
    assert layout_map["conv2d/kernel"] is None
    assert list(layout_map) == [".*dense.*kernel", ".*dense.*bias", "exact/dense/kernel"]
    del layout_map["exact/dense/kernel"]
    assert len(layout_map) == 2


def test_layout_map_rejects_ambiguity_and_bad_values():
    layout_map = LayoutMap(mesh_2x4())
    layout_map[".*kernel"] = (None, "model")
    layout_map["dense.*"] = ("model", None)
    with pytest.raises(ValueError, match="matches several LayoutMap keys"):
        layout_map["dense/kernel"]
    with pytest.raises(ValueError, match="already in the LayoutMap"):
        layout_map[".*kernel"] = (None, None)
    with pytest.raises(ValueError, match="must be a TensorLayout or a tuple"):
        layout_map["bias"] = "model"
    with pytest.raises(ValueError, match="not a regular expression"):
        layout_map["dense["] = (None,)
    with pytest.raises(ValueError, match="device_mesh must be a DeviceMesh"):
        LayoutMap(None)


def test_data_parallel_replicates_variables_and_splits_batches():
    strategy = DataParallel(devices=CPUS)
    assert strategy.device_mesh.shape == (8,)
    assert strategy.batch_dim_name == "batch"
    assert strategy.num_model_replicas == 8
    assert strategy.num_processes == 1
    assert strategy.data_shard_id == 0
    assert strategy.get_data_layout((16, 3)).axes == ("batch", None)
    assert strategy.get_variable_layout(FakeVariable("dense/kernel", (3, 4))).axes == (None, None)
    assert strategy.get_tensor_layout("dense/output") is None
    with pytest.raises(ValueError, match="batch size 12 must be divisible by the data-parallel"):
        strategy.get_data_layout((12, 3))


def test_data_parallel_takes_a_mesh():
    mesh = DeviceMesh((8,), ["data"], devices=CPUS)
    assert DataParallel(device_mesh=mesh).batch_dim_name == "data"
    with pytest.warns(UserWarning, match="expects a 1D device mesh"):
        strategy = DataParallel(device_mesh=mesh_2x4())
    assert strategy.batch_dim_name == "batch"
    with pytest.raises(ValueError, match="device_mesh must be a DeviceMesh"):
        DataParallel(device_mesh="cpu:0")


def test_model_parallel_places_by_the_layout_map():
    layout_map = LayoutMap(mesh_2x4())
    layout_map[".*dense.*kernel"] = (None, "model")
    strategy = ModelParallel(layout_map=layout_map)
    assert strategy.batch_dim_name == "batch"  # the mesh's first axis
    assert strategy.num_model_replicas == 2
    assert strategy.get_variable_layout(FakeVariable("dense/kernel", (3, 8))).axes == (
        None,
        "model",
    )
    assert strategy.get_variable_layout(FakeVariable("dense/bias", (8,))).axes == (None,)
    assert strategy.get_tensor_layout("dense/kernel").axes == (None, "model")
    assert ModelParallel(layout_map=layout_map, batch_dim_name="model").num_model_replicas == 4
    with pytest.raises(ValueError, match="has rank 3, but its layout has 2 axes"):
        strategy.get_variable_layout(FakeVariable("dense/kernel", (3, 8, 2)))
    with pytest.raises(ValueError, match=r"dimension 1 \(size 6\) cannot be split evenly"):
        strategy.get_variable_layout(FakeVariable("dense/kernel", (3, 6)))


def test_model_parallel_rejects_bad_arguments():
    with pytest.raises(ValueError, match="must specify a layout_map"):
        ModelParallel()
    with pytest.raises(ValueError, match="layout_map must be a LayoutMap"):
        ModelParallel(layout_map={})
    with pytest.raises(ValueError, match="batch_dim_name must be one of"):
        ModelParallel(layout_map=LayoutMap(mesh_2x4()), batch_dim_name="data")
    with pytest.raises(TypeError, match="unexpected keyword arguments"):
        ModelParallel(layout_map=LayoutMap(mesh_2x4()), devices=CPUS)


def test_set_distribution_and_scope():
    first, second = DataParallel(devices=CPUS), DataParallel(devices=CPUS[:2])
    assert distribution() is None
    set_distribution(first)
    assert distribution() is first
    assert global_state.get_global_attribute("distribution") is first  # what floors below read
    with second.scope():
        assert distribution() is second
    assert distribution() is first
    backend.clear_session(free_memory=False)  # as Keras, clearing the session drops it
    assert distribution() is None
    with pytest.raises(TypeError, match="expects a Distribution or None; received str"):
        set_distribution("data_parallel")


def test_distribute_dataset_is_identity_in_one_process():
    strategy = DataParallel(devices=CPUS)
    data = [1, 2, 3]
    assert strategy.distribute_dataset(data) is data


def test_distribute_tensor_checks_its_layout():
    symbolic = lamina.Input((3,))
    layout = TensorLayout((None, None), DeviceMesh((8,), ["batch"], devices=CPUS))
    assert distribute_tensor(symbolic, layout) is symbolic
    with pytest.raises(TypeError, match="layout must be a TensorLayout"):
        distribute_tensor(np.ones((2, 3)), (None, None))
    with pytest.raises(ValueError, match="has rank 1, but its layout has 2 axes"):
        distribute_tensor(np.ones((3,)), layout)


def test_initialize_checks_its_arguments_first():
    with pytest.raises(ValueError, match="num_processes must be a positive integer"):
        initialize("127.0.0.1:1234", num_processes=0, process_id=0)
    with pytest.raises(ValueError, match="process_id must be below num_processes=2"):
        initialize("127.0.0.1:1234", num_processes=2, process_id=2)


@pytest.mark.skipif(HAS_ENGINE_HALF, reason="this engine has distribution support")
def test_engine_without_distribution_support_says_so():
    with pytest.raises(NotImplementedError, match=f"the {backend.backend()!r} engine"):
        list_devices()


@pytest.mark.engine("jax")
def test_variables_made_under_a_distribution_are_placed():
    devices = list_devices()
    strategy = DataParallel(devices=devices)
    with strategy.scope():
        variable = lamina.Variable(np.arange(6.0).reshape(2, 3), name="placed")
    assert variable._layout.axes == (None, None)
    assert len(variable.value.sharding.device_set) == len(devices)
    variable.assign(np.ones((2, 3)))  # assignments keep the placement
    assert len(variable.value.sharding.device_set) == len(devices)
    np.testing.assert_array_equal(variable.numpy(), np.ones((2, 3)))
    with pytest.raises(TypeError, match="layout must be a lamina.distribution.TensorLayout"):
        lamina.Variable(np.ones(2), layout=(None,))


class _Shape(tuple):
    rank = property(len)


class _Spec:
    def __init__(self, *shape):
        self.shape = _Shape(shape)


class FakeTFDataset:
    """What shard_tf_dataset reads of a tf.data.Dataset: its element_spec, rebatch, shard."""

    def __init__(self, batches, spec_batch):
        self.batches, self.element_spec = batches, (_Spec(spec_batch, 3), _Spec(spec_batch))

    def rebatch(self, size):
        rows = [row for batch in self.batches for row in batch]
        return FakeTFDataset([rows[i : i + size] for i in range(0, len(rows), size)], size)

    def shard(self, num_shards, index):
        return FakeTFDataset(self.batches[index::num_shards], self.element_spec[1].shape[0])


def test_dataset_batches_are_cut_per_process(monkeypatch):
    from lamina.distribution import datasets

    monkeypatch.setattr(datasets, "is_tf_dataset", lambda x: isinstance(x, FakeTFDataset))
    strategy = DataParallel(devices=CPUS[:4])
    # As if this were process 1 of 2 (each holding 2 of the 4 replicas).
    strategy._num_processes, strategy._process_id, strategy._is_multi_process = 2, 1, True
    dataset = FakeTFDataset([list(range(8)), list(range(8, 16))], 8)
    assert strategy.distribute_dataset(dataset).batches == [[4, 5, 6, 7], [12, 13, 14, 15]]
    with pytest.raises(ValueError, match="batch it with drop_remainder=True"):
        strategy.distribute_dataset(FakeTFDataset([], None))
    with pytest.raises(ValueError, match="must be divisible by the number of data shards 2"):
        strategy.distribute_dataset(FakeTFDataset([], 7))
    with pytest.raises(ValueError, match="cannot be sharded across the 2 processes"):
        strategy.distribute_dataset([1, 2])


@pytest.mark.slow  # importing TensorFlow; the cutting itself is checked just above
@pytest.mark.engine("jax")
@pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None, reason="needs tensorflow")
def test_tf_dataset_is_cut_per_process():
    import tensorflow as tf

    strategy = DataParallel(devices=CPUS[:4])
    # As if this were process 1 of 2 (each holding 2 of the 4 replicas).
    strategy._num_processes, strategy._process_id, strategy._is_multi_process = 2, 1, True
    dataset = tf.data.Dataset.range(16).batch(8, drop_remainder=True)
    batches = [batch.numpy().tolist() for batch in strategy.distribute_dataset(dataset)]
    assert batches == [[4, 5, 6, 7], [12, 13, 14, 15]]
    with pytest.raises(ValueError, match="batch it with drop_remainder=True"):
        strategy.distribute_dataset(tf.data.Dataset.range(16).batch(8))
