"""Finds host-device synchronisations inside ``fit``'s training steps on a CUDA machine.

Turns torch's sync debug mode to "error" between steps 3 and 6 of an epoch of the example
CNN; the first synchronising call raises, and its traceback is printed.

    python benchmarks/find_syncs.py
"""

from __future__ import annotations

import os
import sys
import traceback

os.environ.setdefault("LAMINA_BACKEND", "torch")
sys.path.insert(0, os.path.dirname(__file__))

import torch
from train_step import lamina_model, make_data

import lamina as keras


class SyncTrap(keras.callbacks.Callback):
    def on_train_batch_begin(self, batch, logs=None):
        if batch == 3:
            torch.cuda.set_sync_debug_mode("error")

    def on_train_batch_end(self, batch, logs=None):
        if batch == 6:
            torch.cuda.set_sync_debug_mode("default")


def main():
    if not torch.cuda.is_available():
        print("no CUDA device: nothing to check")
        return
    x, y = make_data(10)
    for shuffle in (True, False):
        model = lamina_model()
        try:
            model.fit(x, y, batch_size=128, epochs=1, verbose=0, shuffle=shuffle,
                      callbacks=[SyncTrap()])  # fmt: skip
            print(f"shuffle={shuffle}: no synchronisation in steps 3-6")
        except RuntimeError:
            torch.cuda.set_sync_debug_mode("default")
            print(f"shuffle={shuffle}: a step synchronised:")
            traceback.print_exc(limit=-12)


if __name__ == "__main__":
    main()
