"""Starts a training script in several processes: ``python -m lamina.distribution.launch
--nproc-per-node=2 train.py [script arguments]``.

A thin wrapper over torch's launcher (torchrun): each process gets torchrun's environment
(``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK``, ``MASTER_ADDR``, ``MASTER_PORT``), which
``lamina.distribution.initialize()`` reads. On one machine no rendezvous arguments are
needed; for several machines pass torchrun's (``--nnodes``, ``--rdzv-endpoint`` ...). See
docs/distributed.md.
"""

from __future__ import annotations

import importlib


def main(argv: list[str] | None = None) -> None:
    # The launcher is torch's (this floor imports no engine): loaded only when launching.
    launcher = importlib.import_module("lamina.backend.torch.launcher")
    launcher.main(argv)


if __name__ == "__main__":
    main()
