"""What ``fit``, ``evaluate`` and ``predict`` do differently when a distribution spans several
processes.

The engine averages gradients in its training step; this module, the same for every engine,
gives each process its part of the data, makes the epoch's metrics global (so that every
process logs, and its History holds, the values of the whole data), keeps the progress bar
to process 0, and tells the other processes when this one fails. With one process, or no
distribution set, each function leaves things as they are (but ``predict``, see below).

The engine's ``distribution`` module provides ``num_processes()`` (the contract) and the
optional ``shared_random_seed()``, ``reduce_metric_variables(variables)``,
``check_fit(model)``, ``fit_scope(model)`` and ``report_failure(error)``; an engine without
them is not split across processes here. ``gather_predictions(outputs)`` makes ``predict``
split its batches too (each step's outputs become the whole batch's; in one process, it
fills a last batch up to divide among the devices), and
``process_part_multiple(distribution)`` says that every process's part of a batch must be
of one size, a multiple of that number (JAX joins the parts into one global array).
"""

from __future__ import annotations

import contextlib
import functools

from lamina import backend
from lamina.backend.common import global_state, process_rank, tree


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

    _check_equal_parts(engine, distribution, iterator.adapter, training)
    count, index = _data_parts(engine, distribution)
    iterator.adapter = shard_adapter(
        iterator.adapter, count, index, engine.shared_random_seed(), training
    )


def _data_parts(engine, distribution) -> tuple[int, int]:
    """(how many parts the data is cut into, this process's): one per process, unless the
    engine says otherwise (``data_parts``: torch's ModelParallel, whose processes of one
    model replica read the same part)."""
    parts = getattr(engine, "data_parts", None)
    if parts is not None:
        return parts(distribution)
    return engine.num_processes(), engine.process_id()


def _check_equal_parts(engine, distribution, adapter, training: bool) -> None:
    """A ValueError before any step when an engine that joins the processes' parts of a
    batch into one array (``process_part_multiple``: JAX) would receive unequal parts, or
    parts its devices cannot split evenly: arrays whose batches (the last one included)
    do not divide so."""
    part_multiple = getattr(engine, "process_part_multiple", None)
    batch_size = getattr(adapter, "batch_size", None)
    num_samples = getattr(adapter, "num_samples", None)
    if part_multiple is None or batch_size is None or num_samples is None:
        return
    count, multiple = engine.num_processes(), part_multiple(distribution)
    for size in {min(batch_size, num_samples), num_samples % batch_size or batch_size}:
        kept = size - size % count if training else size  # fit drops the remainder
        if kept % (count * multiple):
            raise ValueError(
                f"A batch of {size} rows (batch_size={batch_size}, {num_samples} samples) "
                f"cannot be split into {count} equal parts, one per process, each divisible "
                f"by the {multiple} devices of its process: choose a batch_size and a number "
                f"of samples that are multiples of {count * multiple}."
            )


def _prediction_gatherer():
    if global_state.get_global_attribute("distribution") is None:
        return None
    return getattr(getattr(backend.engine, "distribution", None), "gather_predictions", None)


def splits_predict() -> bool:
    """Whether ``predict`` splits its batches under the active distribution (see
    ``split_predict``): then any last batch is fine, as it is filled up to split evenly."""
    return _prediction_gatherer() is not None


def split_predict(iterator):
    """Under a distribution, on an engine that gathers predictions (``gather_predictions``:
    JAX), gives this process its part of every batch (process_shard.ProcessPredictParts,
    filled up to equal parts that its devices split evenly) and returns the function that
    makes a step's outputs the whole batch's, in order, without the filler rows. None
    where predict is not split (each process predicts all of its input)."""
    gather = _prediction_gatherer()
    if gather is None:
        return None
    engine = backend.engine.distribution
    distribution = global_state.get_global_attribute("distribution")
    from lamina.trainers.data_adapters.process_shard import ProcessPredictParts
    from lamina.trainers.data_adapters.tf_dataset_adapter import TFDatasetAdapter

    adapter = iterator.adapter
    if not getattr(distribution, "auto_shard_dataset", True) or isinstance(
        adapter, TFDatasetAdapter
    ):
        return gather  # per process already (a tf.data.Dataset: by distribute_dataset)
    part_multiple = getattr(engine, "process_part_multiple", None)
    count, index = _data_parts(engine, distribution)
    parts = ProcessPredictParts(
        adapter, count, index, 1 if part_multiple is None else part_multiple(distribution)
    )
    iterator.adapter = parts

    def gather_and_trim(outputs):
        outputs = gather(outputs)
        sizes = parts.take_sizes()  # the batches of this call (several: steps_per_execution)
        if all(rows == filled for rows, filled in sizes):
            return outputs
        return tree.map_structure(lambda output: _without_filler(output, sizes), outputs)

    return gather_and_trim


def _without_filler(output, sizes):
    """The rows of ``output`` (batches filled up to ``sizes``' second numbers, joined)
    that hold real samples."""
    pieces, start = [], 0
    for rows, filled in sizes:
        pieces.append(output[start : start + rows])
        start += filled
    if len(pieces) == 1:
        return pieces[0]
    from lamina import ops

    return ops.concatenate(pieces, axis=0)


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
