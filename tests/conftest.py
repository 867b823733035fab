import os

import numpy as np
import pytest

from lamina import backend


def pytest_configure(config):
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if backend.backend() == "torch" and workers > 1:
        # Each pytest-xdist worker is its own process: with torch's default of one thread per
        # core in every worker, two workers on two cores run four busy threads, and two
        # training tests meeting in time slowed each other ~6x (the Fashion-MNIST test: 71 s
        # alone, 436 s beside the MNIST example tests). One worker's share of the cores each.
        import torch

        torch.set_num_threads(max(1, (os.cpu_count() or 1) // workers))
    if backend.backend() == "jax":
        # Many tests compile the same small steps: XLA's persistent cache (a folder per
        # run, shared by the run's pytest-xdist workers when scripts/test.sh names one)
        # serves repeats of an identical program instead of compiling it again.
        import tempfile

        import jax

        folder = os.environ.get("LAMINA_XLA_CACHE_DIR") or tempfile.mkdtemp(prefix="lamina-xla-")
        jax.config.update("jax_compilation_cache_dir", folder)
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
        jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
        # Most of a JAX run is XLA compiling small programs once each (an eager op at a new
        # shape, a model's steps). The tests check results, not speed: XLA skips its costly
        # optimization passes (a fifth less compile time on the layer and model tests).
        jax.config.update("jax_disable_most_optimizations", True)


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


@pytest.fixture(autouse=True)
def _fresh_session():
    from lamina.utils import set_random_seed

    backend.clear_session(free_memory=False)  # a gc pass per test would slow the suite
    set_random_seed(1337)  # weight initialisation, shuffling and dropout repeat run to run


def pytest_collection_modifyitems(config, items):
    """Skip tests marked ``training`` on an engine that cannot train, and tests marked
    ``engine("torch", ...)`` (engine-specific ones) on the other engines."""
    from lamina.backend import engine

    active = backend.backend()
    cannot_train = not getattr(engine.core, "SUPPORTS_TRAINING", True)
    for item in items:
        if cannot_train and "training" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=f"the {active} engine cannot train"))
        marker = item.get_closest_marker("engine")
        if marker is not None and active not in marker.args:
            only = " or ".join(marker.args)
            item.add_marker(pytest.mark.skip(reason=f"{only}-specific test; engine is {active}"))
