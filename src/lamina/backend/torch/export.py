"""The torch engine's half of ``lamina.export``: ONNX through ``torch.onnx.export`` and
``torch.export`` ExportedPrograms (a Lamina model is an ``nn.Module``).

A SavedModel is not written in this process: ``saved_model_archive`` returns None and
``lamina.export`` re-runs the model on the TensorFlow engine in a subprocess.
"""

from __future__ import annotations

import contextlib
import itertools
import warnings

import torch

from lamina.backend.common import tree
from lamina.backend.torch.core import convert_to_tensor


def saved_model_archive():
    """None: this engine writes SavedModels through a TensorFlow-engine subprocess."""


def _flat_specs(input_signature) -> list:
    return tree.flatten(input_signature)


def _sample_inputs(input_signature, free_size: int) -> tuple:
    """Seeded random tensors of the signature's shapes, ``free_size`` on free axes: tracing
    on ones would let a data-dependent branch (a mask test) settle on a constant."""
    generator = torch.Generator().manual_seed(0)

    def sample(spec):
        shape = tuple(free_size if dim is None else dim for dim in spec.shape)
        values = torch.rand(shape, generator=generator) + 0.5
        return convert_to_tensor(values, dtype=spec.dtype)

    return tuple(tree.map_structure(sample, argument) for argument in input_signature)


def _dynamic_shapes(input_signature):
    """``torch.export`` dims for the signature's free axes (one shared batch dim), or None."""
    batch = torch.export.Dim("batch", min=1)
    positions = itertools.count()

    def dims(spec):
        position = next(positions)
        spec_dims = {
            axis: batch if axis == 0 else torch.export.Dim(f"dim_{position}_{axis}", min=1)
            for axis, dim in enumerate(spec.shape)
            if dim is None
        }
        return spec_dims or None

    shapes = tuple(tree.map_structure(dims, argument) for argument in input_signature)
    if all(leaf is None for leaf in tree.flatten(shapes)):
        return None
    # Lamina's forward takes ``*args``: torch.export wants one entry for the whole tuple.
    return [shapes]


@contextlib.contextmanager
def _inference_mode_module(model):
    """``model.eval()`` for the export (torch's exporters ask for it), restored after."""
    was_training = model.training
    model.eval()
    try:
        with warnings.catch_warnings():
            # torch's exporters use their own deprecated internals (FutureWarning and
            # DeprecationWarning from inside torch), which are not the user's to fix.
            warnings.simplefilter("ignore", FutureWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.filterwarnings("ignore", message=".*not properly registered as a submodule")
            yield
    finally:
        model.train(was_training)


def export_program(model, filepath, input_signature, options=None):
    """``torch.export.export`` of ``model`` saved to ``filepath`` (a ``.pt2`` file).

    ``options`` go to ``torch.export.export`` (``strict`` defaults to False: Lamina's
    layers are Python-level code that non-strict tracing follows).
    """
    import inspect

    options = dict(options or {})
    accepted = set(inspect.signature(torch.export.export).parameters) - {"mod", "args", "kwargs"}
    unknown = sorted(set(options) - accepted)
    if unknown:
        raise ValueError(
            f"Model.export(format='torch') got unsupported arguments {unknown}; "
            f"torch.export.export takes {sorted(accepted)}."
        )
    options.setdefault("strict", False)
    if "dynamic_shapes" not in options:
        options["dynamic_shapes"] = _dynamic_shapes(input_signature)
    # A free axis traced at size 1 would be specialised to 1 by torch.export; 2 is not.
    sample = _sample_inputs(input_signature, free_size=2)
    with _inference_mode_module(model):
        program = torch.export.export(model, sample, **options)
    with warnings.catch_warnings():
        # Convolution kernels are stored with torch's channels_last strides under their Keras
        # shape (not "contiguous"), which torch's packer reports before saving them whole;
        # the round-trip test loads them back and compares outputs.
        warnings.filterwarnings("ignore", message="No complete tensor found in the group")
        torch.export.save(program, filepath)
    return program


def export_onnx(model, filepath, input_signature, opset_version=None, verbose=True):
    """``torch.onnx.export`` (the ``torch.export``-based exporter) of ``model`` to ``filepath``,
    with a free batch axis where the signature has one."""
    try:
        import onnxscript  # noqa: F401  # torch's ONNX exporter needs it
    except ImportError as error:
        raise ImportError(
            "Model.export(format='onnx') needs the `onnx` and `onnxscript` packages "
            "(`pip install onnx onnxscript`)."
        ) from error
    flat = _flat_specs(input_signature)
    input_names = [spec.name or f"input_{index}" for index, spec in enumerate(flat)]
    sample = _sample_inputs(input_signature, free_size=2)
    options = {"input_names": input_names, "dynamo": True, "verbose": False}
    if opset_version is not None:
        options["opset_version"] = opset_version
    dynamic = _dynamic_shapes(input_signature)
    if dynamic is not None:
        options["dynamic_shapes"] = dynamic
    with _inference_mode_module(model), contextlib.redirect_stdout(None):
        program = torch.onnx.export(model, sample, **options)
    program.optimize()
    program.save(filepath)


def load_saved_model(filepath, call_endpoint, call_training_endpoint=None):
    """A SavedModel's endpoints called on host arrays (``layers.TFSMLayer``)."""
    from lamina.backend.tensorflow.saved_model import HostSavedModel

    return HostSavedModel(filepath, call_endpoint, call_training_endpoint)
