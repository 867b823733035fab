"""The TensorFlow engine's half of ``lamina.export``: endpoints are ``tf.function``s over the
model's own ``tf.Variable``s, so the SavedModel is the model as it runs here."""

from __future__ import annotations

import tensorflow as tf

from lamina.backend.common.argument_checks import refuse_torch_export
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
    """The model's inference call as an ONNX file, as Keras does on TensorFlow: the
    ``serve`` endpoint of a SavedModel export (a ``tf.function`` over the model's variables)
    converted by ``tf2onnx``. Axes left free in ``input_signature`` stay free in the file;
    a free leading axis is named ``batch`` there."""
    tf2onnx = _import_tf2onnx()
    writer = TensorFlowSavedModelWriter()
    writer.track_layer(model)
    function = writer.add_endpoint("serve", model.__call__, input_signature)
    onnx_model, _ = tf2onnx.convert.from_function(
        function, input_signature=list(function.input_signature), opset=opset_version
    )
    for value in [*onnx_model.graph.input, *onnx_model.graph.output]:
        dims = value.type.tensor_type.shape.dim
        if dims and not dims[0].HasField("dim_value"):
            dims[0].dim_param = "batch"  # tf2onnx names every free axis "unk__<n>"
    with open(filepath, "wb") as file:
        file.write(onnx_model.SerializeToString())


def _import_tf2onnx():
    try:
        import tf2onnx
    except ImportError as error:
        raise ImportError(
            "Model.export(format='onnx') on the tensorflow engine converts the model with the "
            "`tf2onnx` package (`pip install tf2onnx`), which is not installed."
        ) from error
    return tf2onnx


def export_program(model, filepath, input_signature, options=None):
    refuse_torch_export("tensorflow")


def load_saved_model(filepath, call_endpoint, call_training_endpoint=None):
    """A SavedModel's endpoints called on host arrays (``layers.TFSMLayer``)."""
    return HostSavedModel(filepath, call_endpoint, call_training_endpoint)
