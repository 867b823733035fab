"""Random ops. ``seed`` is None, an int, or a ``lamina.random.SeedGenerator``."""

from lamina.backend import engine

_random = engine.random

normal = _random.normal
uniform = _random.uniform
truncated_normal = _random.truncated_normal
randint = _random.randint
dropout = _random.dropout
shuffle = _random.shuffle
categorical = _random.categorical
gamma = _random.gamma
beta = _random.beta
binomial = _random.binomial
