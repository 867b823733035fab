"""Floor 5: models. ``Model``, ``Sequential`` and the Functional graph model."""

from lamina.models.functional import Functional
from lamina.models.model import Model
from lamina.models.sequential import Sequential


def save_model(model, filepath, overwrite=True, zipped=True, **kwargs):
    """Saves ``model`` to a ``.keras`` file; see ``lamina.saving.save_model``."""
    from lamina.saving import keras_archive  # floor 6: imported when called

    keras_archive.save_model(model, filepath, overwrite=overwrite, zipped=zipped, **kwargs)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Loads a ``.keras`` model; see ``lamina.saving.load_model``."""
    from lamina.saving import keras_archive  # floor 6: imported when called

    return keras_archive.load_model(
        filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode
    )


__all__ = ["Functional", "Model", "Sequential", "load_model", "save_model"]
