"""The torch engine's distribution functions in one process (no process group)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.engine("torch")


@pytest.fixture
def engine_distribution():
    from lamina.backend import engine

    return engine.distribution


def test_devices_without_a_process_group(engine_distribution):
    assert engine_distribution.list_devices("cpu") == ["cpu:0"]
    assert engine_distribution.get_device_count("cpu") == 1
    assert engine_distribution.list_devices("tpu") == []
    assert engine_distribution.num_processes() == 1
    assert engine_distribution.process_id() == 0


def test_a_bad_device_type_is_refused(engine_distribution):
    with pytest.raises(ValueError, match="device_type must be one of .* received 'npu'"):
        engine_distribution.list_devices("npu")


def test_initialize_without_a_launcher_says_what_it_needs(engine_distribution, monkeypatch):
    for name in ("RANK", "WORLD_SIZE", "SLURM_PROCID", "SLURM_NTASKS"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ValueError, match="found no process group to join"):
        engine_distribution.initialize(None, None, None)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("10.0.0.1:1234", None, 0), "needs num_processes and process_id"),
        (("10.0.0.1", 2, 0), "'host:port' entries"),
        (("10.0.0.1:1234", 2, 2), r"process_id must be in \[0, num_processes=2\); received 2"),
    ],
)
def test_initialize_checks_keras_arguments(engine_distribution, arguments, message):
    with pytest.raises(ValueError, match=message):
        engine_distribution.initialize(*arguments)


def test_environment_of_torchrun_and_slurm(monkeypatch):
    from lamina.backend.torch import distribution

    for name in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT", "LOCAL_RANK"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SLURM_PROCID", "3")
    monkeypatch.setenv("SLURM_NTASKS", "4")
    monkeypatch.setenv("SLURM_LOCALID", "1")
    monkeypatch.setenv("SLURM_LAUNCH_NODE_IPADDR", "10.1.2.3")
    monkeypatch.setenv("SLURM_JOB_ID", "1007")
    assert distribution._from_environment() == ("10.1.2.3", 29507, 4, 3, 1)
    monkeypatch.setenv("RANK", "1")  # torchrun's variables come first
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("MASTER_PORT", "4000")
    assert distribution._from_environment() == ("127.0.0.1", 4000, 2, 1, 1)


def test_one_device_layouts_place_values_whole_and_larger_meshes_need_processes(
    engine_distribution,
):
    import numpy as np

    from lamina.distribution import DeviceMesh, TensorLayout

    mesh = DeviceMesh((1,), ["model"], ["cpu:0"])
    value = np.ones((2, 4), "float32")
    assert engine_distribution.distribute_variable(value, TensorLayout([None, None], mesh)) is value
    split = TensorLayout([None, "model"], mesh)
    assert engine_distribution.distribute_tensor(value, split) is value
    two = DeviceMesh((2,), ["model"], ["cpu:0", "cpu:1"])
    with pytest.raises(ValueError, match=r"needs 2 processes .* but the run has 1"):
        engine_distribution.distribute_tensor(value, TensorLayout([None, "model"], two))


def test_a_custom_train_step_needs_a_built_model_under_data_parallel(monkeypatch):
    import lamina
    from lamina.backend.torch import data_parallel

    class OwnStep(lamina.Sequential):
        def train_step(self, data):
            return {}

    monkeypatch.setattr(data_parallel, "is_active", lambda: True)
    data_parallel.check_fit(lamina.Sequential([lamina.layers.Dense(1)]))  # the engine's step
    data_parallel.check_fit(OwnStep([lamina.Input((2,)), lamina.layers.Dense(1)]))
    with pytest.raises(ValueError, match=r"OwnStep.train_step overrides .* is not built"):
        data_parallel.check_fit(OwnStep([lamina.layers.Dense(1)]))
