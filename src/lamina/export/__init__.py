"""Floor 6: models out of Lamina for serving (``Model.export``, ``ExportArchive``).

Formats: TensorFlow SavedModel from every engine (``jax2tf`` on JAX, ``tf.function`` on
TensorFlow, a TensorFlow-engine subprocess on torch and NumPy), ONNX on torch
(``torch.onnx.export``) and ``torch.export`` programs on torch. The engine-specific halves
are ``lamina.backend.<engine>.export``; ``layers.TFSMLayer`` reads a SavedModel back.
"""

from lamina.export.export_archive import ExportArchive as ExportArchive

__all__ = ["ExportArchive"]
