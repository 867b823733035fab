import numpy as np
import pytest

from lamina import backend


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


@pytest.fixture(autouse=True)
def _fresh_session():
    from lamina.utils import set_random_seed

    backend.clear_session()
    set_random_seed(1337)  # weight initialisation, shuffling and dropout repeat run to run


def pytest_collection_modifyitems(config, items):
    from lamina.backend import engine

    if getattr(engine.core, "SUPPORTS_TRAINING", True):
        return
    skip = pytest.mark.skip(reason=f"the {backend.backend()} engine cannot train")
    for item in items:
        if "training" in item.keywords:
            item.add_marker(skip)
