"""Several steps per call (``compile(steps_per_execution=N)``), run one after another.

Engines without a fused form of N steps (torch, NumPy; JAX for steps it does not compile)
call the step, eager or compiled, once per batch: the saving is the trainer's per-step work
(callbacks, progress bar), done once per call instead of once per batch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from lamina.backend.common import tree


class LoopedSteps:
    """``steps(batches)``: the step on each batch in turn; returns the last step's outputs,
    or with ``concatenate_outputs`` (predict) every step's outputs joined along axis 0."""

    def __init__(
        self,
        function: Callable,
        concatenate_outputs: bool = False,
        concatenate: Callable | None = None,
    ):
        if concatenate_outputs and concatenate is None:
            raise ValueError("LoopedSteps: concatenate_outputs needs a `concatenate` function.")
        self.function = function
        self.concatenate_outputs = concatenate_outputs
        self.concatenate = concatenate

    def __call__(self, batches: Sequence):
        if not batches:
            raise ValueError("LoopedSteps expects at least one batch; received none.")
        if not self.concatenate_outputs:
            outputs = None
            for data in batches:
                outputs = self.function(data)
            return outputs
        parts = [self.function(data) for data in batches]
        if len(parts) == 1:
            return parts[0]
        concatenate = self.concatenate
        assert concatenate is not None  # checked in __init__
        return tree.map_structure(lambda *leaves: concatenate(list(leaves), axis=0), *parts)
