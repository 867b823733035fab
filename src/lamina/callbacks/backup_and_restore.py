"""BackupAndRestore: backs up the training state so that an interrupted ``fit`` resumes."""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil

import numpy as np

from lamina import backend
from lamina.backend.common import process_rank
from lamina.callbacks.callback import Callback
from lamina.callbacks.model_checkpoint import saving_gathers

_WEIGHTS_NAME = "latest.weights.h5"
_METADATA_NAME = "training_metadata.json"


class BackupAndRestore(Callback):
    """Backs up the training state, and restores it when ``fit`` starts again.

    The backup (in ``backup_dir``) holds the model's weights with the optimizer's state, the
    epoch and batch reached, and the random state: Python's ``random``, NumPy's global
    generator (which shuffles the data), the model's seed generators (Dropout and other
    random layers) and the engine's global stream (random ops called with ``seed=None``:
    torch's generators, JAX's global key). A ``fit`` that starts with a backup present
    continues where it was saved, so an interrupted run ends with the weights of an
    uninterrupted one. Unlike Keras, which restarts the epoch, a backup made mid-epoch
    (``save_freq=<int>``) resumes at the next batch. The values of metrics part-way
    through an epoch are not part of the backup, so the first resumed epoch logs the
    metrics of its remaining batches. The engine's stream is restored only by the engine
    that saved it.
    Resuming at a batch assumes each epoch starts a new pass over the data (no
    ``steps_per_epoch`` shorter than the data).

    The model must be built, and the data, ``compile`` and ``fit`` arguments the same as in
    the interrupted run.

    Args:
        backup_dir: the folder for the backup; no other callback or run may use it.
        save_freq: ``"epoch"`` (back up at the end of each epoch) or an integer (every that
            many batches).
        double_checkpoint: also keep the previous backup, and restore it when the latest
            cannot be read.
        delete_checkpoint: delete ``backup_dir`` when ``fit`` ends.

    Example:

    ```python
    backup = lamina.callbacks.BackupAndRestore(backup_dir="/tmp/backup")
    try:
        model.fit(x, y, epochs=10, callbacks=[backup, InterruptingCallback()])
    except RuntimeError:
        pass
    model.fit(x, y, epochs=10, callbacks=[backup])  # continues where the backup was made
    ```
    """

    def __init__(
        self,
        backup_dir,
        save_freq="epoch",
        double_checkpoint=False,
        delete_checkpoint=True,
    ):
        super().__init__()
        if not backup_dir:
            raise ValueError(f"Empty `backup_dir` argument passed; received {backup_dir!r}.")
        if save_freq != "epoch" and (
            isinstance(save_freq, bool) or not isinstance(save_freq, int) or save_freq <= 0
        ):
            raise ValueError(
                "Invalid value for argument `save_freq`: expected 'epoch' or a positive "
                f"integer (a number of batches). Received: save_freq={save_freq!r}"
            )
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.double_checkpoint = double_checkpoint
        self.delete_checkpoint = delete_checkpoint
        self._weights_path = os.path.join(self.backup_dir, _WEIGHTS_NAME)
        self._metadata_path = os.path.join(self.backup_dir, _METADATA_NAME)
        self._prev_weights_path = f"{self._weights_path}.bkp"
        self._prev_metadata_path = f"{self._metadata_path}.bkp"
        self._current_epoch = 0
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = 0
        self._epoch_numpy_state = None  # NumPy's state when the epoch's data order was drawn
        self._pending_numpy_state = None  # to restore once a resumed epoch has drawn it

    # ---- restoring -----------------------------------------------------------------------

    def on_train_begin(self, logs=None):
        self._pending_numpy_state = None
        try:
            self._load()
        except (OSError, ValueError):
            # The latest backup may be corrupt (a crash while writing it): try the previous.
            if not os.path.exists(self._prev_weights_path):
                raise
            shutil.copyfile(self._prev_weights_path, self._weights_path)
            if os.path.exists(self._prev_metadata_path):
                shutil.copyfile(self._prev_metadata_path, self._metadata_path)
            elif os.path.exists(self._metadata_path):
                os.remove(self._metadata_path)
            self._load()

    def _load(self) -> None:
        model = self.model
        if not model.built:
            raise ValueError(
                "To use the BackupAndRestore callback, your model must be built before you "
                f"call `fit()`. Model {model.name!r} is unbuilt. You can build it beforehand "
                "by calling it on a batch of data."
            )
        if os.path.exists(self._weights_path):
            optimizer = getattr(model, "optimizer", None)
            if optimizer is not None and not optimizer.built:
                optimizer.build(model.trainable_variables)  # its state must exist to load
            model.load_weights(self._weights_path)
        if not os.path.exists(self._metadata_path):
            return
        with open(self._metadata_path, encoding="utf-8") as file:
            metadata = json.load(file)
        epoch = int(metadata["epoch"])
        steps_done = int(metadata.get("steps_done", 0))
        model._initial_epoch = epoch
        model._initial_step = steps_done
        self._current_epoch = epoch
        self._last_batch_seen = max(steps_done - 1, 0)
        self._batches_seen_since_last_saving = 0
        state = metadata.get("random")
        if state is None:
            return  # a Keras backup: weights and epoch only
        random.setstate(_python_state_from_json(state["python"]))
        _set_seed_generator_states(model, state["seed_generators"])
        saved_engine = state.get("engine")  # absent from backups made before it was kept
        if saved_engine is not None and saved_engine["name"] == backend.backend():
            backend.engine.random.set_global_state(saved_engine["state"])
        if steps_done:
            # The resumed epoch must draw the interrupted epoch's data order again; the
            # state reached at the backup is set back once it has (first batch below).
            np.random.set_state(_numpy_state_from_json(state["numpy_epoch"]))
            self._pending_numpy_state = state["numpy"]
        else:
            np.random.set_state(_numpy_state_from_json(state["numpy"]))

    def on_train_batch_begin(self, batch, logs=None):
        self._restore_pending_numpy_state()

    def _restore_pending_numpy_state(self) -> None:
        if self._pending_numpy_state is not None:
            np.random.set_state(_numpy_state_from_json(self._pending_numpy_state))
            self._pending_numpy_state = None

    # ---- backing up ----------------------------------------------------------------------

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch
        if self.save_freq != "epoch":
            self._epoch_numpy_state = _numpy_state_to_json(np.random.get_state())

    def on_train_batch_end(self, batch, logs=None):
        if self._should_save_on_batch(batch):
            self._save(self._current_epoch, steps_done=batch + 1)

    def on_epoch_end(self, epoch, logs=None):
        self._restore_pending_numpy_state()  # a resumed epoch that had no batch left
        self._current_epoch = epoch + 1
        self._last_batch_seen = 0
        if self.save_freq == "epoch":
            self._save(epoch + 1, steps_done=0)

    def _should_save_on_batch(self, batch) -> bool:
        if self.save_freq == "epoch":
            return False
        if batch <= self._last_batch_seen:  # a new epoch started
            added = batch + 1
        else:
            added = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += added
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def _save(self, epoch: int, steps_done: int) -> None:
        # Several processes: process 0 writes; every process restores. When saving gathers
        # split variables, every process joins the weights' save (process 0 writes them).
        gathers = saving_gathers()
        if not process_rank.is_chief() and not gathers:
            return
        if process_rank.is_chief():
            self._keep_previous()
        with contextlib.nullcontext() if gathers else process_rank.chief_alone():
            self.model.save_weights(self._weights_path, overwrite=True)
        if not process_rank.is_chief():
            return
        random_state = {
            "python": random.getstate(),
            "numpy": _numpy_state_to_json(np.random.get_state()),
            "seed_generators": _seed_generator_states(self.model),
            "engine": {
                "name": backend.backend(),
                "state": backend.engine.random.get_global_state(),
            },
        }
        if steps_done:
            random_state["numpy_epoch"] = self._epoch_numpy_state
        # "epoch" and "batch" as Keras writes them; the rest is ours.
        metadata = {
            "epoch": epoch,
            "batch": self._last_batch_seen,
            "steps_done": steps_done,
            "random": random_state,
        }
        temporary = self._metadata_path + ".tmp"
        with open(temporary, "w", encoding="utf-8") as file:
            json.dump(metadata, file)
        os.replace(temporary, self._metadata_path)  # never half a file

    def _keep_previous(self) -> None:
        os.makedirs(self.backup_dir, exist_ok=True)
        if self.double_checkpoint:
            for latest, previous in (
                (self._weights_path, self._prev_weights_path),
                (self._metadata_path, self._prev_metadata_path),
            ):
                if os.path.exists(latest):
                    shutil.copyfile(latest, previous)

    def on_train_end(self, logs=None):
        if not process_rank.is_chief():
            return
        if self.delete_checkpoint and os.path.exists(self.backup_dir):
            shutil.rmtree(self.backup_dir)


def _numpy_state_to_json(state) -> list:
    name, keys, position, has_gauss, cached_gaussian = state
    return [name, keys.tolist(), int(position), int(has_gauss), float(cached_gaussian)]


def _numpy_state_from_json(state) -> tuple:
    name, keys, position, has_gauss, cached_gaussian = state
    return (name, np.asarray(keys, dtype=np.uint32), position, has_gauss, cached_gaussian)


def _python_state_from_json(state) -> tuple:
    version, internal, gauss_next = state
    return (version, tuple(internal), gauss_next)


def _seed_generators(model) -> list:
    gather = getattr(model, "_all_seed_generators", None)
    return list(gather()) if gather is not None else []


def _seed_generator_states(model) -> list:
    return [
        {
            "seed": generator._seed,
            "counter": generator._counter,
            "state": np.asarray(generator.state.numpy()).tolist(),
        }
        for generator in _seed_generators(model)
    ]


def _set_seed_generator_states(model, states) -> None:
    generators = _seed_generators(model)
    if len(generators) != len(states):
        raise ValueError(
            f"The backup holds the state of {len(states)} seed generators, but the model "
            f"{model.name!r} has {len(generators)}: it is not the model that was backed up."
        )
    for generator, state in zip(generators, states):
        generator._seed = state["seed"]
        generator._counter = state["counter"]
        generator.state.assign(np.asarray(state["state"], dtype=generator.state.dtype))


__all__ = ["BackupAndRestore"]
