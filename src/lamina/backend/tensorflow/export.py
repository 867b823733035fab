"""The TensorFlow engine's half of ``lamina.export``: endpoints are ``tf.function``s over the
model's own ``tf.Variable``s, so the SavedModel is the model as it runs here."""

from __future__ import annotations

import tensorflow as tf

from lamina.backend.tensorflow.saved_model import (
    HostSavedModel,
    SavedModelWriter,
    endpoint_signature,
)


def _underlying_variable(variable):
    """The ``tf.Variable`` a Lamina variable holds on this engine."""
    for candidate in (getattr(variable, "_value", None), getattr(variable, "value", None)):
        if isinstance(candidate, tf.Variable):
            return candidate
    raise TypeError(
        f"Variable {getattr(variable, 'path', variable)!r} holds no tf.Variable; the "
        "TensorFlow engine's exporter needs the engine's own variables."
    )


class TensorFlowSavedModelWriter(SavedModelWriter):
    def _to_tf_variable(self, variable):
        return _underlying_variable(variable)

    def _wrap_endpoint(self, fn, tensor_specs, **kwargs):
        def endpoint(*args):
            return fn(*args)

        endpoint.__signature__ = endpoint_signature(fn, len(tensor_specs))  # type: ignore[attr-defined]
        return tf.function(endpoint, input_signature=tensor_specs, autograph=False)


def saved_model_archive():
    """A SavedModel writer for this process."""
    return TensorFlowSavedModelWriter()


def export_onnx(model, filepath, input_signature, opset_version=None, verbose=True):
    raise NotImplementedError(
        "export(format='onnx') is not available on the tensorflow engine yet: it needs the "
        "tf2onnx converter, which Lamina does not use yet. Run the model on the torch engine "
        "(LAMINA_BACKEND=torch) and export ONNX there."
    )


def export_program(model, filepath, input_signature, options=None):
    raise ValueError(
        "export(format='torch') writes a torch.export ExportedProgram and needs the torch "
        "engine (LAMINA_BACKEND=torch); the active engine is 'tensorflow'."
    )


def load_saved_model(filepath, call_endpoint, call_training_endpoint=None):
    """A SavedModel's endpoints called on host arrays (``layers.TFSMLayer``)."""
    return HostSavedModel(filepath, call_endpoint, call_training_endpoint)
