"""``python -m lamina.distribution.launch``: torchrun's launcher, with one default of ours.

Without rendezvous arguments (``--nnodes``, ``--rdzv-*``, ``--master-*``) the processes
meet on this machine (torchrun's ``--standalone``), so that a CPU run needs only
``--nproc-per-node``. Every other argument is torchrun's, passed through unchanged.
"""

from __future__ import annotations

import sys

from torch.distributed import run

_RENDEZVOUS_FLAGS = (
    "--standalone", "--nnodes", "--rdzv", "--rdzv_", "--rdzv-", "--master", "--node-rank",
    "--node_rank",
)  # fmt: skip


def launch_arguments(argv: list[str]) -> list[str]:
    """``argv`` as torchrun takes it: ``--standalone`` first unless a rendezvous is given."""
    options = argv[: next((i for i, a in enumerate(argv) if not a.startswith("-")), len(argv))]
    if any(option.startswith(_RENDEZVOUS_FLAGS) for option in options):
        return list(argv)
    return ["--standalone", *argv]


def main(argv: list[str] | None = None) -> None:
    arguments = launch_arguments(list(sys.argv[1:] if argv is None else argv))
    run.main(arguments)
