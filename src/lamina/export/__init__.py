"""Floor 6: models out of Lamina for serving (``Model.export``, ``ExportArchive``).

Formats: TensorFlow SavedModel from every engine (``jax2tf`` on JAX, ``tf.function`` on
TensorFlow, a TensorFlow-engine subprocess on torch and NumPy), ONNX (``torch.onnx.export``
on torch, ``tf2onnx`` on TensorFlow and, in a TensorFlow-engine subprocess, on JAX and
NumPy) and ``torch.export`` programs on torch. The engine-specific halves
are ``lamina.backend.<engine>.export``; ``layers.TFSMLayer`` reads a SavedModel back.
"""

from lamina.export.export_archive import ExportArchive as ExportArchive

__all__ = ["ExportArchive"]
