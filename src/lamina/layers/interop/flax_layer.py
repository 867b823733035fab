"""FlaxLayer: a ``flax.linen.Module`` as a layer (jax engine, with Flax installed).

A JaxLayer whose functions are the module's ``init`` and ``apply``. The ``params``
collection holds the trainable weights; every other collection (``batch_stats``…) is
non-trainable state that ``apply`` may update, as in Keras. Flax is imported only when a
FlaxLayer is made, and its absence raises an ImportError saying ``pip install flax``.

``method`` (default ``__call__``) takes ``inputs`` and optionally ``training``; a function
outside the module takes the module first. ``variables`` are ready ``init`` results.

Saving: the module must be a registered class (``@lamina.saving.register_keras_serializable()``
with a ``get_config``), and ``method`` a method of it (saved by name) or a registered
function; anything else raises a ValueError at save time (Lamina never writes Python code).
"""

from __future__ import annotations

import inspect

from lamina import backend
from lamina.layers.interop.jax_layer import JaxLayer, _function_config
from lamina.serialization import deserialize_keras_object, serialize_keras_object
from lamina.serialization.registration import get_registered_name, get_registered_object

_interop = backend.engine.interop


def _split_variables(variables):
    """Flax's variables dict → (params, state): ``params`` apart from the other collections."""
    if variables is None:
        return None, None
    if "params" not in variables:
        return {}, variables
    if len(variables) == 1:
        return variables, {}
    return (
        {"params": variables["params"]},
        {key: value for key, value in variables.items() if key != "params"},
    )


def _is_registered_class(cls) -> bool:
    name = get_registered_name(cls)
    return hasattr(cls, "get_config") and get_registered_object(name) is cls


def _join_variables(params, state) -> dict:
    return {**(params or {}), **(state or {})}


class FlaxLayer(JaxLayer):
    """Runs a Flax ``module`` (with ``method``, or ``__call__``) as a layer; see the module
    docstring."""

    def __init__(self, module, method=None, variables=None, **kwargs):
        if not _interop.HOSTS_JAX_FUNCTIONS:
            raise ValueError(
                "FlaxLayer runs a Flax module, so it needs the jax engine; the active engine is "
                f"{backend.backend()!r}. Set LAMINA_BACKEND=jax."
            )
        mutable = _interop.flax_apply_mutable()  # raises ImportError without Flax
        self.module = module
        self.method = method
        takes_training = "training" in inspect.signature(method or module.__call__).parameters

        def call_fn(params, state, rng, inputs, training):
            extra = {"training": training} if takes_training else {}
            return module.apply(
                _join_variables(params, state), inputs, rngs=rng, method=method,
                mutable=mutable, **extra,
            )  # fmt: skip

        def init_fn(rng, inputs):
            extra = {"training": True} if takes_training else {}
            return _split_variables(module.init(rng, inputs, method=method, **extra))

        params, state = _split_variables(variables)
        super().__init__(call_fn=call_fn, init_fn=init_fn, params=params, state=state, **kwargs)

    def _init_rng(self) -> dict:
        return {"params": self._init_key(), "dropout": self._init_key()}

    def _call_rng(self, training) -> dict:
        return {"dropout": self.seed_generator.next()} if training else {}

    def get_config(self) -> dict:
        config = super(JaxLayer, self).get_config()
        method = self.method
        if getattr(method, "__self__", None) is self.module:
            method = method.__name__  # a bound method of the module: saved by its name
        elif method is not None:
            method = _function_config(self._label(), method, "method")
        if not _is_registered_class(type(self.module)):
            raise ValueError(
                f"Cannot save {self._label()}: its module's class "
                f"{type(self.module).__qualname__!r} is not registered. Decorate it with "
                "`@lamina.saving.register_keras_serializable()` and give it a get_config()."
            )
        return {
            **config,
            "native_serialization_platforms": self.native_serialization_platforms,
            "module": serialize_keras_object(self.module),
            "method": method,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        module = deserialize_keras_object(config["module"], kind="FlaxLayer module")
        method = config.get("method")
        if isinstance(method, str):
            method = getattr(module, method)
        elif method is not None:
            method = deserialize_keras_object(method, kind="FlaxLayer `method` function")
        config["module"], config["method"] = module, method
        return super(JaxLayer, cls).from_config(config)
