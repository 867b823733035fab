"""Seeds for random ops: an int, a SeedGenerator, or None for the engine's global stream."""

from __future__ import annotations

import random as _python_random

from lamina.backend.common import global_state


class SeedGenerator:
    """Hands out a fresh seed per random call, reproducibly from its starting ``seed``.

    ``SeedGenerator(1337)`` gives the same sequence of seeds in every run; with ``seed=None``
    the start is drawn from Python's ``random`` (seeded by ``set_random_seed``).
    """

    def __init__(self, seed=None, name=None, **kwargs):
        if seed is not None and not isinstance(seed, int):
            raise ValueError(f"SeedGenerator seed must be an int or None; received {seed!r}.")
        self.name = name or global_state.unique_name("seed_generator")
        self._initial_seed = seed
        self._seed = seed if seed is not None else _python_random.randint(0, 2**31 - 1)
        self._counter = 0

    def next(self) -> int:
        self._counter += 1
        # A cheap integer hash keeps consecutive seeds far apart.
        return (self._seed * 1_000_003 + self._counter * 7_919) % (2**31 - 1)

    def get_config(self) -> dict:
        return {"seed": self._initial_seed}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def draw_seed(seed):
    """Turn a ``seed`` argument into an int, or None for the engine's global generator."""
    if seed is None:
        return None
    if isinstance(seed, SeedGenerator):
        return seed.next()
    if isinstance(seed, int):
        return seed
    raise ValueError(f"seed must be None, an int or a SeedGenerator; received {seed!r}.")
