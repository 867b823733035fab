import multiprocessing
import threading
import time

import pytest


@pytest.fixture
def nothing_left_running():
    """After the test: no worker thread, executor thread or worker process of ours."""
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 5  # a pool's last thread may still be returning
    while time.monotonic() < deadline:
        extra = set(threading.enumerate()) - before
        children = multiprocessing.active_children()
        if not extra and not children:
            break
        time.sleep(0.02)
    assert not extra, f"threads left running: {extra}"
    assert not children, f"processes left running: {children}"
