"""``jit_compile=True`` on CUDA: each step is captured once as a CUDA graph and replayed.

A small model's step is bound by the host: a hundred kernel launches, each costing more
host time than the GPU spends on it. A replayed graph launches them all at once. This works
because a Lamina step keeps everything on the device (no host reads: see
benchmarks/find_syncs.py) and updates state in place (optimizer slots, metric totals).

Per distinct input signature (shapes and dtypes of the batch): the first ``WARMUP_CALLS``
calls run eagerly on a side stream (as CUDA requires before capture), the next is captured
and replayed; the batch is copied into static input buffers each call. A step that cannot be
captured (a host sync, a per-call RNG generator) falls back to eager execution for good,
with one warning.
"""

from __future__ import annotations

import warnings

import torch

from lamina.backend.common import tree

WARMUP_CALLS = 2
graphs_in_use = False  # once set, per-step host mirrors (Adam's step count) are not trusted


def _signature(flat):
    return tuple(
        (tuple(x.shape), x.dtype, x.device) if isinstance(x, torch.Tensor) else None for x in flat
    )


class _Captured:
    def __init__(self):
        self.calls = 0
        self.graph = None
        self.inputs = None
        self.outputs = None


class CudaGraphStep:
    def __init__(self, function, clone_outputs=False):
        self.function = function
        self.clone_outputs = clone_outputs
        self.failed = False
        self._entries: dict = {}
        self._stream = None

    def __call__(self, data):
        if self.failed:
            return self.function(data)
        flat = tree.flatten(data)
        if not all(x is None or isinstance(x, torch.Tensor) and x.is_cuda for x in flat):
            return self.function(data)
        entry = self._entries.setdefault(_signature(flat), _Captured())
        if entry.graph is not None:
            for static, value in zip(entry.inputs, flat):
                if static is not None:
                    static.copy_(value, non_blocking=True)
            entry.graph.replay()
            return self._outputs(entry.outputs)
        entry.calls += 1
        if entry.calls <= WARMUP_CALLS:
            return self._warmup(data)
        return self._capture(entry, flat, data)

    def _side_stream(self):
        if self._stream is None:
            self._stream = torch.cuda.Stream()
        return self._stream

    def _warmup(self, data):
        stream = self._side_stream()
        stream.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(stream):
            outputs = self.function(data)
        torch.cuda.current_stream().wait_stream(stream)
        return outputs

    def _capture(self, entry, flat, data):
        global graphs_in_use
        inputs = [None if x is None else x.clone() for x in flat]
        static_data = tree.pack_sequence_as(data, inputs)
        graph = torch.cuda.CUDAGraph()
        graphs_in_use = True
        try:
            torch.cuda.synchronize()
            with torch.cuda.graph(graph, capture_error_mode="thread_local"):
                outputs = self.function(static_data)
        except Exception as error:
            self.failed = True
            warnings.warn(
                f"jit_compile: this step could not be captured as a CUDA graph ({error}); "
                "it runs eagerly from now on.",
                stacklevel=3,
            )
            return self.function(data)
        entry.graph, entry.inputs, entry.outputs = graph, inputs, outputs
        graph.replay()  # capture records without running: run this call's step now
        return self._outputs(outputs)

    def _outputs(self, outputs):
        if not self.clone_outputs:
            return outputs
        return tree.map_structure(
            lambda x: x.clone() if isinstance(x, torch.Tensor) else x, outputs
        )
