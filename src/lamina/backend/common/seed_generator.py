"""Seeds for random ops: an int, a SeedGenerator, or None for the engine's global stream."""

from __future__ import annotations

import random as _python_random

import numpy as np

from lamina.backend.common import global_state


class SeedGenerator:
    """Hands out a fresh seed per random call, reproducibly from its starting ``seed``.

    ``SeedGenerator(1337)`` gives the same sequence of seeds in every run; with ``seed=None``
    the start is drawn from Python's ``random`` (seeded by ``set_random_seed``).

    Its state is the variable ``state`` (``[seed, counter]``), as in Keras: layers list it in
    ``variables`` / ``non_trainable_variables`` (not in ``weights``). Engines that compile
    steps into pure functions (JAX: ``core.SEEDS_IN_STATE``) draw from that variable, so a
    compiled step advances it like any other state; the others count in Python (no device
    work per draw).
    """

    def __init__(self, seed=None, name=None, **kwargs):
        if seed is not None and not isinstance(seed, int):
            raise ValueError(f"SeedGenerator seed must be an int or None; received {seed!r}.")
        from lamina import backend

        self.name = name or global_state.unique_name("seed_generator")
        self._initial_seed = seed
        self._seed = seed if seed is not None else _python_random.randint(0, 2**31 - 1)
        self._counter = 0
        self._in_state = getattr(backend.engine.core, "SEEDS_IN_STATE", False)
        dtype = "uint32" if self._in_state else "int64"
        with global_state.name_scope(self.name):
            self.state = backend.Variable(
                np.array([self._seed, 0], dtype=dtype),
                dtype=dtype,
                trainable=False,
                name="seed_generator_state",
            )

    def next(self):
        """The next seed: an int, or on SEEDS_IN_STATE engines the state array itself."""
        if self._in_state:
            value = self.state.value
            self.state.assign_add(np.array([0, 1], dtype="uint32"))
            return value
        self._counter += 1
        # A cheap integer hash keeps consecutive seeds far apart.
        return (self._seed * 1_000_003 + self._counter * 7_919) % (2**31 - 1)

    def get_config(self) -> dict:
        return {"seed": self._initial_seed}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def draw_seed(seed):
    """Turn a ``seed`` argument into an int (or an engine key array), or None for the
    engine's global generator."""
    if seed is None:
        return None
    if isinstance(seed, SeedGenerator):
        return seed.next()
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return int(seed)
    raise ValueError(f"seed must be None, an int or a SeedGenerator; received {seed!r}.")
