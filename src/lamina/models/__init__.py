"""Floor 5: models. ``Model``, ``Sequential`` and the Functional graph model."""

from lamina.models.cloning import clone_model
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


def model_from_json(json_string, custom_objects=None, safe_mode=True):
    """Rebuilds a model (untrained: no weights) from ``Model.to_json()``'s string."""
    import json

    from lamina.serialization import CustomObjectScope, deserialize_keras_object
    from lamina.serialization.allow_list import check_config

    try:
        config = json.loads(json_string)
    except (TypeError, ValueError) as error:
        raise ValueError(f"model_from_json: not a JSON model config ({error}).") from None
    check_config(config, custom_objects, safe_mode)
    with CustomObjectScope(custom_objects or {}):
        return deserialize_keras_object(
            config, custom_objects=custom_objects, kind="model", safe_mode=safe_mode
        )


__all__ = [
    "Functional",
    "Model",
    "Sequential",
    "clone_model",
    "load_model",
    "model_from_json",
    "save_model",
]
