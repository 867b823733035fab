"""``model.export(path, format="tf_saved_model")``: the model's forward pass as a SavedModel."""

from __future__ import annotations

from lamina.export.export_archive import ExportArchive
from lamina.export.input_signature import get_input_signature

DEFAULT_ENDPOINT_NAME = "serve"


def export_saved_model(model, filepath, verbose=None, input_signature=None, **kwargs) -> None:
    """Writes ``model``'s inference call as a TensorFlow SavedModel at ``filepath``.

    The endpoint is named ``serve`` (and ``serving_default``); ``input_signature`` defaults
    to the model's inputs with a free batch axis. On JAX, ``is_static`` and ``jax2tf_kwargs``
    go to the conversion (see ``ExportArchive.add_endpoint``).

    Examples:
        ```python
        model.export("path/to/location", format="tf_saved_model")
        reloaded = tf.saved_model.load("path/to/location")
        predictions = reloaded.serve(input_data)
        ```
    """
    if input_signature is None:
        input_signature = get_input_signature(model)
    archive = ExportArchive()
    archive.track_and_add_endpoint(DEFAULT_ENDPOINT_NAME, model, input_signature, **kwargs)
    archive.write_out(filepath, verbose=True if verbose is None else verbose)
