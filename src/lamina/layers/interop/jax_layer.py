"""JaxLayer: a JAX model given as functions (``call_fn``, ``init_fn``) as a layer (jax engine).

``call_fn`` takes, by these exact names, ``params`` (trainable), ``state`` (non-trainable;
then it returns ``(outputs, new_state)``), ``rng`` (a JAX key, drawn from the layer's seed
generator in training and None otherwise), ``inputs`` (required) and ``training``.
``init_fn`` takes ``rng``, ``inputs`` (arrays of ones shaped like the first input, None
dimensions as 1) and ``training`` (always True), and returns ``params`` or, when
``call_fn`` takes ``state``, ``(params, state)``; it runs at build time unless ``params`` or
``state`` are given. Every array leaf of ``params`` and ``state`` becomes a Variable (leaves
in JAX's pytree order; floats take the layer's dtype), so ``fit`` trains them; other leaves
are passed to ``call_fn`` unchanged. This is Keras's contract (Haiku's ``transform`` and
Flax's ``init``/``apply`` fit it).

Saving. ``get_config`` names ``call_fn`` and ``init_fn``, which must therefore be
registered with ``@lamina.saving.register_keras_serializable()`` (or passed as
``custom_objects`` when loading); anything else raises a ValueError at save time, since
Lamina never writes or loads Python code. ``params`` and ``state`` travel as weights, as in
Keras, so a layer built from ``params`` alone (no ``init_fn``) cannot be rebuilt from its
config.
"""

from __future__ import annotations

import inspect
import random

import numpy as np

from lamina import backend
from lamina.layers.layer import Layer
from lamina.serialization import deserialize_keras_object, serialize_keras_object
from lamina.serialization.registration import get_registered_name, get_registered_object

_interop = backend.engine.interop
_CALL_ARGUMENTS = ("params", "state", "rng", "inputs", "training")
_INIT_ARGUMENTS = ("rng", "inputs", "training")


def _argument_names(layer: str, fn, argument: str, allowed) -> list:
    """The parameter names of ``fn`` (the user's function), checked against ``allowed``."""
    if not callable(fn):
        raise TypeError(
            f"{layer}: the argument '{argument}' must be callable; received {fn!r:.200}."
        )
    names = list(inspect.signature(fn).parameters)
    unknown = [name for name in names if name not in allowed]
    if unknown:
        raise ValueError(
            f"{layer}: `{argument}` takes the argument {unknown[0]!r}; the arguments it may "
            f"take are {', '.join(allowed)} (by these names)."
        )
    if "inputs" not in names:
        raise ValueError(
            f"{layer}: `{argument}` must take an argument named 'inputs'; its arguments are "
            f"{names}."
        )
    return names


def _function_config(layer: str, fn, argument: str):
    """The config of a registered function; ``layer`` ("JaxLayer 'name'") for the error."""
    if fn is None:
        return None
    try:
        registered = get_registered_object(get_registered_name(fn)) is fn
    except (AttributeError, TypeError):  # no __name__: nothing registered it
        registered = False
    if not registered:
        raise ValueError(
            f"Cannot save {layer}: its `{argument}` "
            f"{getattr(fn, '__qualname__', fn)!r} is not a registered function, and Lamina "
            "never writes Python code into a file. Decorate it with "
            "`@lamina.saving.register_keras_serializable()`."
        )
    return serialize_keras_object(fn)


def _is_array(value) -> bool:
    return backend.is_tensor(value) or isinstance(value, (np.ndarray, np.generic))


class JaxLayer(Layer):
    """Wraps a JAX model given as ``call_fn`` (and ``init_fn``, or ready ``params`` and
    ``state``); see the module docstring for the functions' contract.

    Args:
        seed: the start of the seed stream ``call_fn``'s ``rng`` is drawn from in training.
        native_serialization_platforms: accepted for Keras compatibility; it configures
            Keras's TensorFlow backend, which Lamina does not have.
    """

    def __init__(
        self,
        call_fn,
        init_fn=None,
        params=None,
        state=None,
        seed=None,
        native_serialization_platforms=None,
        **kwargs,
    ):
        layer = type(self).__name__
        if not _interop.HOSTS_JAX_FUNCTIONS:
            raise ValueError(
                f"{layer} runs JAX functions, so it needs the jax engine; the active engine "
                f"is {backend.backend()!r}. Set LAMINA_BACKEND=jax."
            )
        call_arguments = _argument_names(layer, call_fn, "call_fn", _CALL_ARGUMENTS)
        init_arguments = (
            None if init_fn is None else _argument_names(layer, init_fn, "init_fn", _INIT_ARGUMENTS)
        )
        has_weights = "params" in call_arguments or "state" in call_arguments
        if init_fn is None and params is None and state is None and has_weights:
            raise ValueError(
                f"{layer}: `call_fn` takes `params` or `state`, so `init_fn`, `params` and "
                "`state` cannot all be None."
            )
        if seed is not None and not isinstance(seed, int):
            raise TypeError(f"{layer}: the argument 'seed' must be an int or None; got {seed!r}.")
        super().__init__(**kwargs)
        self.call_fn = call_fn
        self.init_fn = init_fn
        self.seed = seed
        self.native_serialization_platforms = native_serialization_platforms
        self._call_arguments = call_arguments
        self._init_arguments = init_arguments
        self._params = None  # private: tracked lists and dicts are not JAX pytrees
        self._state = None
        if "rng" in call_arguments:
            self.seed_generator = backend.SeedGenerator(seed)
        if params is not None or state is not None:
            self._create_variables(params, state)
            self.built = True

    @property
    def params(self):
        """The ``params`` pytree, its arrays replaced by the layer's Variables."""
        return self._params

    @property
    def state(self):
        """The ``state`` pytree, its arrays replaced by the layer's Variables."""
        return self._state

    def _create_variables(self, params, state) -> None:
        def make_variables(values, trainable):
            def make(value):
                if not (_is_array(value) or isinstance(value, (bool, int, float))):
                    return value  # configuration for call_fn, not a weight
                array = np.asarray(backend.convert_to_numpy(value))
                dtype = None if backend.is_float_dtype(array.dtype.name) else array.dtype.name
                return self.add_weight(
                    array.shape, initializer=array, dtype=dtype, trainable=trainable
                )

            return _interop.pytree_map(make, values)

        self._params = make_variables(params, trainable=True)
        self._state = make_variables(state, trainable=False)

    def build(self, input_shape) -> None:
        if self._params is not None or self._state is not None:
            return
        if "params" not in self._call_arguments and "state" not in self._call_arguments:
            return
        from lamina import ops

        def ones(shape):
            return ops.ones([1 if dim is None else dim for dim in shape])

        nested = isinstance(input_shape, (list, dict)) or (
            isinstance(input_shape, tuple) and input_shape and isinstance(input_shape[0], tuple)
        )
        inputs = _map_shapes(ones, input_shape) if nested else ones(input_shape)
        arguments = {"rng": self._init_rng(), "inputs": inputs, "training": True}
        result = self.init_fn(*(arguments[name] for name in self._init_arguments))
        if "state" in self._call_arguments:
            if not isinstance(result, (tuple, list)) or len(result) != 2:
                raise ValueError(
                    f"{type(self).__name__} {self.name!r}: `call_fn` takes `state`, so "
                    "`init_fn` must return a (params, state) pair; received "
                    f"{type(result).__name__}."
                )
            params, state = result
        else:
            params, state = result, None
        self._create_variables(params, state)

    def _init_key(self):
        """A fresh JAX key (a raw uint32 pair) for ``init_fn``."""
        # From Python's generator: lamina.utils.set_random_seed makes the initial values repeat.
        return backend.SeedGenerator(random.randint(0, 2**31 - 1)).next()

    def _init_rng(self):
        """The ``rng`` argument of ``init_fn`` (FlaxLayer passes one key per Flax stream)."""
        return self._init_key()

    def _call_rng(self, training):
        """The ``rng`` argument of ``call_fn``: a key from the seed stream in training."""
        return self.seed_generator.next() if training else None

    def call(self, inputs, training=False):
        def value_of(leaf):
            return leaf.value if isinstance(leaf, backend.KerasVariable) else leaf

        arguments = {
            "params": _interop.pytree_map(value_of, self._params),
            "state": _interop.pytree_map(value_of, self._state),
            "rng": self._call_rng(training) if "rng" in self._call_arguments else None,
            "inputs": inputs,
            "training": training,
        }
        result = self.call_fn(*(arguments[name] for name in self._call_arguments))
        if "state" not in self._call_arguments:
            return result
        outputs, new_state = result
        _interop.pytree_map(self._assign_state, new_state, self._state)
        return outputs

    def _assign_state(self, value, variable):
        if not isinstance(variable, backend.KerasVariable):
            raise ValueError(
                f"{type(self).__name__} {self.name!r}: the state returned by `call_fn` does "
                "not have the structure of the state it was given."
            )
        variable.assign(value)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "call_fn": _function_config(self._label(), self.call_fn, "call_fn"),
            "init_fn": _function_config(self._label(), self.init_fn, "init_fn"),
            "native_serialization_platforms": self.native_serialization_platforms,
        }

    def _label(self) -> str:
        return f"{type(self).__name__} {self.name!r}"

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for argument in ("call_fn", "init_fn"):
            if config.get(argument) is not None:
                config[argument] = deserialize_keras_object(
                    config[argument], kind=f"JaxLayer `{argument}` function"
                )
        return super().from_config(config)


def _map_shapes(function, shapes):
    """``function`` applied to each shape of a nested structure of shapes."""
    if isinstance(shapes, dict):
        return {key: _map_shapes(function, value) for key, value in shapes.items()}
    if isinstance(shapes, (list, tuple)) and shapes and isinstance(shapes[0], (list, tuple)):
        return type(shapes)(_map_shapes(function, shape) for shape in shapes)
    return function(shapes)
