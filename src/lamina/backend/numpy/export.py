"""The NumPy engine's half of ``lamina.export``: SavedModels and ONNX files go through a
TensorFlow-engine subprocess (``saved_model_archive`` returns None, ``export_onnx`` False);
``torch.export`` needs the torch engine."""

from __future__ import annotations

from lamina.backend.common.argument_checks import refuse_torch_export


def saved_model_archive():
    """None: this engine writes SavedModels through a TensorFlow-engine subprocess."""


def export_onnx(model, filepath, input_signature, opset_version=None, verbose=True):
    """False: this engine cannot trace a model, so ``lamina.export`` writes the ONNX file
    from a TensorFlow-engine subprocess."""
    return False


def export_program(model, filepath, input_signature, options=None):
    refuse_torch_export("numpy")


def load_saved_model(filepath, call_endpoint, call_training_endpoint=None):
    """A SavedModel's endpoints called on host arrays (``layers.TFSMLayer``)."""
    from lamina.backend.tensorflow.saved_model import HostSavedModel

    return HostSavedModel(filepath, call_endpoint, call_training_endpoint)
