"""``Model.export``: one entry point over the export formats (Model calls it lazily)."""

from __future__ import annotations

import os

from lamina import backend
from lamina.export.input_signature import get_input_signature, standardize_input_signature
from lamina.utils import io_utils

EXPORT_FORMATS = ("tf_saved_model", "onnx", "openvino", "litert", "torch")
_NOT_BUILT = {
    "openvino": "OpenVINO export needs the openvino package, which Lamina does not use yet",
    "litert": "LiteRT (TFLite) export is not built in Lamina yet",
}


def export_model(model, filepath, format="tf_saved_model", verbose=None, input_signature=None,
                 **kwargs) -> None:  # fmt: skip
    """Writes ``model`` as an inference artifact in ``format`` (see ``Model.export``)."""
    if format not in EXPORT_FORMATS:
        raise ValueError(
            f"Model.export: unrecognized format={format!r}; supported formats are "
            f"{list(EXPORT_FORMATS)}."
        )
    if format in _NOT_BUILT:
        raise NotImplementedError(f"Model.export(format={format!r}): {_NOT_BUILT[format]}.")
    if format == "tf_saved_model":
        from lamina.export.saved_model import export_saved_model

        export_saved_model(model, filepath, verbose, input_signature=input_signature, **kwargs)
        return
    signature = standardize_input_signature(
        get_input_signature(model) if input_signature is None else input_signature
    )
    filepath = os.fspath(filepath)
    exporter = getattr(backend.engine, "export", None)
    if exporter is None:
        raise NotImplementedError(
            f"Model.export(format={format!r}) is not available on the {backend.backend()!r} engine."
        )
    if format == "onnx":
        opset_version = kwargs.pop("opset_version", None)
        _no_extra_arguments(format, kwargs)
        if exporter.export_onnx(model, filepath, signature, opset_version, verbose) is False:
            # The engine cannot write ONNX in-process (JAX, NumPy): the TensorFlow engine does.
            from lamina.export.subprocess_archive import export_onnx_in_subprocess

            export_onnx_in_subprocess([(model, filepath, signature, opset_version)])
    else:
        if not filepath.endswith(".pt2"):
            raise ValueError(
                f"Model.export(format='torch') writes a .pt2 file; received filepath={filepath!r}."
            )
        exporter.export_program(model, filepath, signature, kwargs)
    if verbose is None or verbose:
        io_utils.print_msg(f"Saved artifact at '{filepath}'.")


def _no_extra_arguments(format: str, kwargs: dict) -> None:
    if kwargs:
        raise TypeError(
            f"Model.export(format={format!r}) got unexpected keyword arguments {sorted(kwargs)}."
        )
