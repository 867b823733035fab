"""A model's ``compile()`` arguments as JSON (``compile_config``), and back again.

Keras 3 records ``optimizer`` (the optimizer object), ``loss``, ``loss_weights``,
``metrics``, ``weighted_metrics``, ``run_eagerly``, ``steps_per_execution`` and
``jit_compile`` in the ``compile_config`` of a saved model; strings stay strings (``"adam"``,
``"accuracy"``), objects become ``{module, class_name, config, registered_name}`` dicts, and a
per-output ``dict``/``list`` keeps its structure.
"""

from __future__ import annotations

from lamina.serialization import deserialize_keras_object, serialize_keras_object


def _serialize(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_serialize(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _serialize(item) for key, item in value.items()}
    return serialize_keras_object(value)


def _deserialize(value, custom_objects, kind):
    if isinstance(value, list):
        return [_deserialize(item, custom_objects, kind) for item in value]
    if isinstance(value, dict):
        if "class_name" in value:
            return deserialize_keras_object(value, custom_objects=custom_objects, kind=kind)
        return {key: _deserialize(item, custom_objects, kind) for key, item in value.items()}
    return value  # a name ("mse", "accuracy") that compile() itself looks up


def serialize_compile_config(trainer) -> dict | None:
    """The ``compile_config`` of a compiled model; ``None`` when it was never compiled."""
    if not trainer.compiled:
        return None
    compile_metrics = trainer._compile_metrics
    return {
        "optimizer": _serialize(trainer.optimizer),
        "loss": _serialize(trainer.loss),
        "loss_weights": _serialize(getattr(trainer, "loss_weights", None)),
        "metrics": _serialize(compile_metrics._user_metrics if compile_metrics else None),
        "weighted_metrics": _serialize(compile_metrics._user_weighted if compile_metrics else None),
        "run_eagerly": bool(trainer._run_eagerly),
        "steps_per_execution": trainer.steps_per_execution,
        # "auto" when the user left it so: an engine may compile "auto" lighter than True
        # (TensorFlow: no XLA), and a reloaded model should compile as the original did.
        "jit_compile": "auto" if trainer._jit_level == "auto" else bool(trainer._jit_compile),
    }


_ARGUMENTS = (
    "optimizer",
    "loss",
    "loss_weights",
    "metrics",
    "weighted_metrics",
    "run_eagerly",
    "steps_per_execution",
    "jit_compile",
)


def deserialize_compile_config(config, custom_objects=None) -> dict:
    """``compile()`` keyword arguments rebuilt from a ``compile_config``."""
    if not isinstance(config, dict):
        raise ValueError(f"Invalid compile_config: expected a dict; received {config!r}.")
    unknown = sorted(set(config) - set(_ARGUMENTS))
    if unknown:
        raise ValueError(
            f"Invalid compile_config: unknown compile() arguments {unknown}; "
            f"expected some of {list(_ARGUMENTS)}."
        )
    kwargs = dict(config)
    for name, kind in (
        ("optimizer", "optimizer"),
        ("loss", "loss"),
        ("metrics", "metric"),
        ("weighted_metrics", "metric"),
    ):
        if name in kwargs:
            kwargs[name] = _deserialize(kwargs[name], custom_objects, kind)
    if kwargs.get("optimizer") is None:
        kwargs.pop("optimizer", None)  # compile()'s default, as Keras
    return kwargs


__all__ = ["deserialize_compile_config", "serialize_compile_config"]
