"""TorchModuleWrapper: a ``torch.nn.Module`` as a layer of a Lamina model (torch engine only).

The module's parameters become the layer's Variables without a copy (each Variable's value
is the module's own ``nn.Parameter``): trainable ones trainable, frozen ones
(``requires_grad=False``) and buffers (BatchNorm's running statistics) non-trainable, in the
order of ``module.named_parameters()`` then ``module.named_buffers()``. ``fit`` therefore
trains the module itself. Weights files hold the module's ``state_dict`` under its own keys
(``0.weight``, ``1.running_mean``), as Keras writes them, so ``.weights.h5`` files move
between the two.

Saving to ``.keras``. Keras writes the module itself into the config, pickled with
``torch.save``; unpickling runs whatever code the file names, and Lamina never unpickles
anything. So a config never holds the module: a subclass whose ``__init__`` makes its
module (registered with ``@lamina.saving.register_keras_serializable()``) is saved with the
base keys and ``output_shape``, and rebuilt from them. A plain ``TorchModuleWrapper`` has
no class that could rebuild its module, so ``get_config`` (and so ``model.save``) raises a
ValueError naming that fix, rather than writing a file that cannot be loaded; its weights
still save with ``save_weights``. Loading a config that carries a pickled module (a Keras
file) raises a ValueError in every mode, ``safe_mode=False`` included.

>>> class Head(TorchModuleWrapper):  # doctest: +SKIP
...     def __init__(self, **kwargs):
...         super().__init__(torch.nn.Linear(8, 2), **kwargs)
"""

from __future__ import annotations

from lamina import backend
from lamina.backend import KerasTensor
from lamina.backend.common import tree
from lamina.layers.layer import Layer

_interop = backend.engine.interop


def _pickled_module_error(name) -> ValueError:
    return ValueError(
        f"TorchModuleWrapper {name!r}: the config holds the module as pickled bytes (Keras "
        "saves it with torch.save). Unpickling can run arbitrary code, and Lamina never "
        "unpickles, in any mode. Rebuild the module in code instead: subclass "
        "TorchModuleWrapper with an __init__ that creates the module, register it with "
        "@lamina.saving.register_keras_serializable(), and load the weights."
    )


class TorchModuleWrapper(Layer):
    """Runs ``module`` (a ``torch.nn.Module``) as a layer; its weights are the module's.

    Args:
        module: the module; a lazy module must have been called once (its parameters must
            exist). It is moved to the engine's default device.
        output_shape: the output shape, batch axis included, for symbolic (Functional)
            calls; when None it is inferred by running the module on fake tensors.

    ``call(*args, training=None, **kwargs)`` runs ``module(*args, **kwargs)`` in training
    mode unless ``training`` is False (then ``module.eval()``), as Keras does. See the
    module docstring for how it is saved.
    """

    def __init__(self, module, name=None, output_shape=None, **kwargs):
        if not _interop.HOSTS_TORCH_MODULES:
            raise ValueError(
                "TorchModuleWrapper runs a torch.nn.Module, so it needs the torch engine; the "
                f"active engine is {backend.backend()!r}. Set LAMINA_BACKEND=torch."
            )
        if isinstance(module, (str, bytes)):
            raise _pickled_module_error(name)
        if output_shape is not None and not isinstance(output_shape, (list, tuple)):
            raise TypeError(
                "TorchModuleWrapper: the argument 'output_shape' must be a shape (a tuple or "
                f"list) or None; received output_shape={output_shape!r}."
            )
        module = _interop.adopt_module(module)
        super().__init__(name=name, **kwargs)
        self.module = module
        self.output_shape = None if output_shape is None else tuple(output_shape)
        self._track_module_tensors()
        self.built = True

    def _track_module_tensors(self) -> None:
        with backend.name_scope(self.name):
            for key, parameter in self.module.named_parameters():
                self._track(
                    _interop.variable_from_tensor(
                        parameter, trainable=parameter.requires_grad, name=key
                    )
                )
            for key, buffer in self.module.named_buffers():
                self._track(_interop.variable_from_tensor(buffer, trainable=False, name=key))

    def _engine_track_variable(self, variable) -> None:
        pass  # the module registers its own tensors (under "module."): no second entry

    def call(self, *args, training=None, **kwargs):
        self.module.train(training is not False)
        return self.module(*args, **kwargs)

    # ---- shapes --------------------------------------------------------------------------

    def compute_output_spec(self, *args, training=None, **kwargs):
        if self.output_shape is not None:
            return KerasTensor(self.output_shape, dtype=self.compute_dtype)
        was_training = self.module.training
        self.module.eval()  # abstract evaluation must not touch running statistics
        try:
            return backend.compute_output_spec(self.module, *args, **kwargs)
        finally:
            self.module.train(was_training)

    def compute_output_shape(self, input_shape):
        if self.output_shape is not None:
            return self.output_shape
        nested = isinstance(input_shape, list) and all(
            isinstance(item, (list, tuple)) for item in input_shape
        )
        inputs = (
            [KerasTensor(tuple(shape)) for shape in input_shape]
            if nested
            else KerasTensor(tuple(input_shape))
        )
        spec = self.compute_output_spec(*inputs) if nested else self.compute_output_spec(inputs)
        return tree.map_structure(lambda t: t.shape, spec)

    # ---- weights files: the module's state_dict, under its keys (Keras's layout) ---------

    def save_own_variables(self, store) -> None:
        for key, value in self.module.state_dict().items():
            store[key] = backend.convert_to_numpy(value)

    def load_own_variables(self, store) -> None:
        state = self.module.state_dict()
        saved = {key.decode() if isinstance(key, bytes) else key: key for key in store}
        if set(saved) != set(state):
            missing = sorted(set(state) - set(saved))
            unexpected = sorted(set(saved) - set(state))
            raise ValueError(
                f"Layer {self.name!r} (TorchModuleWrapper): the saved state does not match "
                f"the module's state_dict; missing keys {missing[:10]}, unexpected keys "
                f"{unexpected[:10]}."
            )
        values = {}
        for key, stored_key in saved.items():
            value = store[stored_key]
            if tuple(value.shape) != tuple(state[key].shape):
                raise ValueError(
                    f"Layer {self.name!r} (TorchModuleWrapper): {key!r} has shape "
                    f"{tuple(state[key].shape)}; the saved value has shape {tuple(value.shape)}."
                )
            values[key] = backend.convert_to_tensor(
                value[...], dtype=backend.standardize_dtype(state[key].dtype)
            )
        # Copies into the module's tensors in place: the Variables keep sharing them.
        self.module.load_state_dict(values)

    # ---- config: never the module itself -------------------------------------------------

    def get_config(self) -> dict:
        if type(self) is TorchModuleWrapper:
            raise ValueError(
                f"Cannot serialize TorchModuleWrapper {self.name!r}: its config would have to "
                "hold the module itself, which Keras pickles and Lamina never writes or loads. "
                "Subclass TorchModuleWrapper with an __init__ that creates the module, "
                "register the subclass with @lamina.saving.register_keras_serializable(), and "
                "use it in the model (or save only the weights, with save_weights)."
            )
        output_shape = None if self.output_shape is None else list(self.output_shape)
        return {**super().get_config(), "output_shape": output_shape}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if "module" in config:
            module = config.pop("module")
            if module is None or isinstance(module, (str, bytes, dict)):
                raise _pickled_module_error(config.get("name"))
            config["module"] = module  # a live module, passed by code (never from a file)
        elif cls is TorchModuleWrapper:
            raise ValueError(
                f"TorchModuleWrapper {config.get('name')!r}: the config holds no module. "
                "Rebuild it with a subclass whose __init__ creates the module, registered "
                "with @lamina.saving.register_keras_serializable()."
            )
        return super().from_config(config)
