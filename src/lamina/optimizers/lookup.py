"""Resolve optimizers by name or config, as ``keras.optimizers.get`` / ``serialize`` /
``deserialize``."""

from __future__ import annotations

import difflib

from lamina.optimizers.adadelta import Adadelta
from lamina.optimizers.adafactor import Adafactor
from lamina.optimizers.adagrad import Adagrad
from lamina.optimizers.adam import Adam
from lamina.optimizers.adamax import Adamax
from lamina.optimizers.adamw import AdamW
from lamina.optimizers.ftrl import Ftrl
from lamina.optimizers.lamb import Lamb
from lamina.optimizers.lion import Lion
from lamina.optimizers.loss_scale_optimizer import LossScaleOptimizer
from lamina.optimizers.multi_optimizer import MultiOptimizer
from lamina.optimizers.muon import Muon
from lamina.optimizers.nadam import Nadam
from lamina.optimizers.optimizer import Optimizer
from lamina.optimizers.rmsprop import RMSprop
from lamina.optimizers.schedule_free_adamw import ScheduleFreeAdamW
from lamina.optimizers.sgd import SGD
from lamina.serialization import (
    deserialize_keras_object,
    get_registered_object,
    serialize_keras_object,
)

# Keras matches built-in names case-insensitively: "adam", "Adam" and "ADAM" are one optimizer.
_BUILT_IN = (
    SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adafactor, Adamax, Ftrl, Lamb, Lion, Muon,
    Nadam, ScheduleFreeAdamW,
)  # fmt: skip
_BY_LOWER_NAME = {cls.__name__.lower(): cls for cls in _BUILT_IN}
MODULE_OBJECTS = {
    **_BY_LOWER_NAME,
    **{
        cls.__name__: cls
        for cls in (Optimizer, LossScaleOptimizer, MultiOptimizer, *_BY_LOWER_NAME.values())
    },
}


def serialize(optimizer) -> dict:
    """The ``{module, class_name, config, registered_name}`` dict of an optimizer."""
    return serialize_keras_object(optimizer)


def deserialize(config, custom_objects=None) -> Optimizer:
    """Rebuild an optimizer from the dict ``serialize`` returns."""
    if isinstance(config, dict) and str(config.get("class_name", "")).lower() in _BY_LOWER_NAME:
        config = {**config, "class_name": config["class_name"].lower()}
    return deserialize_keras_object(
        config, module_objects=MODULE_OBJECTS, custom_objects=custom_objects, kind="optimizer"
    )


def get(identifier) -> Optimizer | None:
    """An optimizer from an instance, a name (``"adam"``, with defaults) or a config dict."""
    if identifier is None:
        return None
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        found = deserialize(identifier)
    elif isinstance(identifier, str):
        found = _class_for_name(identifier)()
    else:
        found = identifier
    if isinstance(found, Optimizer):
        return found
    raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}")


def _class_for_name(name: str):
    found = _BY_LOWER_NAME.get(name.lower()) or get_registered_object(name)
    if isinstance(found, type) and issubclass(found, Optimizer):
        return found
    close = difflib.get_close_matches(name.lower(), list(_BY_LOWER_NAME), n=3, cutoff=0.4)
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise ValueError(
        f"Unknown optimizer: {name!r}.{hint} Valid names: {sorted(_BY_LOWER_NAME)}; register "
        "custom optimizers with @lamina.saving.register_keras_serializable()."
    )
