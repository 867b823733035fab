"""``python -m lamina.distribution.launch``'s arguments (the two-process run that goes
through it is in test_torch_data_parallel.py)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.engine("torch")


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--nproc-per-node=2", "train.py"], ["--standalone", "--nproc-per-node=2", "train.py"]),
        (
            ["--nnodes=2", "--rdzv-endpoint=h:29400", "train.py", "--nnodes=9"],
            ["--nnodes=2", "--rdzv-endpoint=h:29400", "train.py", "--nnodes=9"],
        ),
        (["train.py", "--master-port=1"], ["--standalone", "train.py", "--master-port=1"]),
    ],
)
def test_one_machine_is_the_default_rendezvous(argv, expected):
    from lamina.backend.torch.launcher import launch_arguments

    assert launch_arguments(argv) == expected
