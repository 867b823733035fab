"""What ``fit`` and ``evaluate`` do differently when a distribution spans several processes.

The engine averages gradients in its training step; this module, the same for every engine,
gives each process its part of the data, makes the epoch's metrics global (so that every
process logs, and its History holds, the values of the whole data), keeps the progress bar
to process 0, and tells the other processes when this one fails. With one process, or no
distribution set, each function leaves things as they are.

The engine's ``distribution`` module provides ``num_processes()`` (the contract) and the
optional ``shared_random_seed()``, ``reduce_metric_variables(variables)``,
``check_fit(model)``, ``fit_scope(model)`` and ``report_failure(error)``; an engine without
them is not split across processes here.
"""

from __future__ import annotations

import contextlib
import functools

from lamina import backend
from lamina.backend.common import global_state, process_rank


def _engine_distribution():
    """The engine's distribution functions when a distribution runs in several processes."""
    if global_state.get_global_attribute("distribution") is None:
        return None
    engine = getattr(backend.engine, "distribution", None)
    if engine is None or engine.num_processes() <= 1:
        return None
    return engine


def shard_iterator(iterator, training: bool) -> None:
    """Gives this process its own part of an ``EpochIterator``'s data (see
    data_adapters/process_shard.py), unless the distribution has ``auto_shard_dataset``
    off (the user's data is already per process)."""
    engine = _engine_distribution()
    if engine is None or not hasattr(engine, "shared_random_seed"):
        return
    distribution = global_state.get_global_attribute("distribution")
    if not getattr(distribution, "auto_shard_dataset", True):
        return
    from lamina.trainers.data_adapters.process_shard import shard_adapter

    iterator.adapter = shard_adapter(
        iterator.adapter,
        engine.num_processes(),
        engine.process_id(),
        engine.shared_random_seed(),
        training,
    )


def reduce_metrics(model) -> None:
    """Makes the model's metric state the whole run's (once, where logs are made)."""
    engine = _engine_distribution()
    reduce = getattr(engine, "reduce_metric_variables", None)
    if reduce is not None:
        reduce([variable for metric in model.metrics for variable in metric.variables])


def chief_verbose(verbose: int) -> int:
    """The progress bar prints in process 0 only."""
    return verbose if process_rank.is_chief() else 0


def _steps_taken(model) -> int | None:
    iterations = getattr(getattr(model, "optimizer", None), "iterations", None)
    return None if iterations is None else int(backend.convert_to_numpy(iterations))


def reports_failures(method):
    """Wraps ``fit``: an error in this process once training steps have run is reported
    to the others, whose collectives then fail at once with an error naming this process
    instead of waiting for the timeout. An error before the first step (a bad argument)
    is raised alike in every process and leaves the process group as it is."""

    @functools.wraps(method)
    def wrapper(model, *args, **kwargs):
        engine = _engine_distribution()
        check = getattr(engine, "check_fit", None)
        if check is not None:
            check(model)  # what the engine cannot train across processes, refused first
        scope = getattr(engine, "fit_scope", None)
        with contextlib.nullcontext() if scope is None else scope(model):
            report = getattr(engine, "report_failure", None)
            if report is None:
                return method(model, *args, **kwargs)
            steps_before = _steps_taken(model)
            try:
                return method(model, *args, **kwargs)
            except BaseException as error:
                if _steps_taken(model) != steps_before:
                    report(error)
                raise

    return wrapper
